"""The mirror of each team's recordings: what the recordings page reads instead of Daily.

- Reads (the pages): `recordings(team)`, `state(team)`.
- Queueing the worker: `request_refresh(team)` ("Refresh now", debounced), and
  `ensure_started(team)` (a page of a team never walked queues the first walk).
- The walk (`refresh`, run by the worker): Daily's whole list, newest first, page by page
  with `starting_after`, paced by the background client (`GET /recordings` is in Daily's
  slow bucket: 50 requests per 30 s, so 100 recordings per 0.6 s at most). Each page is
  stored with the walk's cursor in one transaction, under the team's lease, so a killed
  worker resumes at the next page. At the end, recordings not seen since the walk began
  are dropped (deleted elsewhere). Status and duration changes (in progress, then
  finished) are read again by every walk.
- Write-through: `forget(team, recording_id)` after the dashboard deleted one.

The lease and the debounce follow `rooms.mirror_walk.Lease` and `rooms.mirror.debounced`,
which are bound to the rooms' own tables and cache keys; the recordings app does not
import rooms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from daily import Capability, DailyClient, DailyError, InvalidRequest, Recording
from recordings.models import MirroredRecording, RecordingMirror, Status
from teams import leases
from teams.daily_client import client_for
from teams.models import Team

log = logging.getLogger(__name__)

_PREFIX = "dailyadmin:recordings:mirror"
PAGE = 100
REFRESH_DEBOUNCE_SECONDS = 30


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def refresh_interval() -> int:
    """Seconds between two walks of a team's list by beat (RECORDINGS_MIRROR_REFRESH_SECONDS)."""
    return setting("RECORDINGS_MIRROR_REFRESH_SECONDS", 600)


def lease_seconds() -> int:
    return setting("RECORDINGS_MIRROR_LEASE_SECONDS", 120)


# -- reads -----------------------------------------------------------------------------------


def recordings(team: Team) -> QuerySet[MirroredRecording]:
    return MirroredRecording.objects.filter(team=team)


def state(team: Team) -> RecordingMirror:
    mirror, _ = RecordingMirror.objects.get_or_create(team=team)
    return mirror


def supported(team: Team) -> bool:
    """Recordings exist in the REST dialect only (daily Capability.RECORDINGS)."""
    from daily.enums import CAPABILITIES, Dialect

    try:
        return Capability.RECORDINGS in CAPABILITIES[Dialect(team.dialect)]
    except ValueError:
        return False


def blocked(team: Team, mirror: RecordingMirror) -> bool:
    """Daily refused the token: nothing is tried until the team's credentials change."""
    return (
        mirror.last_error_type == "AuthError"
        and mirror.last_error_at is not None
        and mirror.last_error_at >= team.updated_at
    )


# -- queueing --------------------------------------------------------------------------------


def debounced(key: str, seconds: int) -> bool:
    return cache.add(f"{_PREFIX}:{key}", 1, seconds)


def clear_debounce(team: Team, what: str) -> None:
    cache.delete(f"{_PREFIX}:{team.pk}:{what}")


def request_refresh(team: Team) -> bool:
    """Queue a walk of the team's list after the current transaction; clicks while one
    waits queue nothing more. False: nothing queued (unsupported, or already queued)."""
    from recordings import tasks  # tasks imports this module

    if not team.has_token or not supported(team):
        return False
    if debounced(f"{team.pk}:refresh", REFRESH_DEBOUNCE_SECONDS):
        tasks.refresh_task.delay_on_commit(team.pk)
        return True
    return False


def ensure_started(team: Team) -> None:
    """A team whose list was never walked: queue the first walk (cheap, per page view)."""
    mirror = state(team)
    if mirror.refreshed_at is not None or blocked(team, mirror):
        return
    if mirror.lease_until is not None and mirror.lease_until > timezone.now():
        return
    request_refresh(team)


# -- the walk --------------------------------------------------------------------------------


class Lease(leases.Lease):
    """One walk per team (teams.leases)."""

    model = RecordingMirror
    what = "recordings mirror"

    def __init__(self, team: Team) -> None:
        super().__init__(team, timedelta(seconds=lease_seconds()))


def refresh(team: Team) -> bool:
    """Walk the team's whole list into the mirror. False: another walk holds the lease
    (or the team's dialect has no recordings)."""
    if not supported(team):
        return False
    lease = Lease(team)
    if not lease.acquire():
        return False
    try:
        with client_for(team, background=True) as client:
            _walk(team, client, lease)
    except DailyError as exc:
        RecordingMirror.objects.filter(team=team).update(
            last_error=str(exc)[:2000],
            last_error_type=type(exc).__name__,
            last_error_at=timezone.now(),
        )
        raise
    finally:
        lease.release()
    return True


def _bucket_of(client: DailyClient) -> str:
    """The bucket the domain configuration names, if any (domain-config: recordings_bucket)."""
    bucket = client.domain_config().config.get("recordings_bucket")
    if isinstance(bucket, dict) and isinstance(bucket.get("bucket_name"), str):
        return bucket["bucket_name"][:255]
    return ""


def _walk(team: Team, client: DailyClient, lease: Lease) -> None:
    mirror = state(team)
    if mirror.walk_started_at is None:
        # A new walk; an interrupted one goes on from its cursor.
        mirror.walk_started_at = timezone.now()
        mirror.walk_cursor = ""
        mirror.walk_seen = 0
        mirror.save(update_fields=["walk_started_at", "walk_cursor", "walk_seen"])
    bucket = _bucket_of(client)
    cursor = mirror.walk_cursor or None
    while True:
        try:
            page = client.recording_page(starting_after=cursor, limit=PAGE)
        except InvalidRequest:
            if cursor is None:
                raise
            # The cursor's recording is gone and Daily no longer takes it: start over.
            log.info("recordings mirror of %s: cursor refused, walking again", team)
            cursor = None
            RecordingMirror.objects.filter(team=team).update(
                walk_started_at=timezone.now(), walk_cursor="", walk_seen=0
            )
            continue
        with transaction.atomic():
            lease.renew()
            store(team, page.recordings)
            if page.recordings:
                cursor = page.recordings[-1].id
            RecordingMirror.objects.filter(team=team).update(
                walk_cursor=cursor or "",
                walk_seen=F("walk_seen") + len(page.recordings),
                total_count=page.total_count,
            )
        if page.last or not page.recordings:
            break
    with transaction.atomic():
        lease.renew()
        started = RecordingMirror.objects.get(team=team).walk_started_at
        assert started is not None
        recordings(team).filter(seen_at__lt=started).delete()
        RecordingMirror.objects.filter(team=team).update(
            refreshed_at=started,
            walk_started_at=None,
            walk_cursor="",
            domain_bucket=bucket,
            last_error="",
            last_error_type="",
            last_error_at=None,
        )


# -- storing ---------------------------------------------------------------------------------

FIELDS = (
    "room_name",
    "started_at",
    "status",
    "duration",
    "max_participants",
    "s3key",
    "mtg_session_id",
    "tracks",
    "seen_at",
)


def row_of(team: Team, recording: Recording, seen_at: datetime) -> MirroredRecording:
    return MirroredRecording(
        team=team,
        recording_id=recording.id,
        room_name=recording.room_name[:128],
        started_at=recording.start,
        status=recording.status.value if recording.status else Status.UNKNOWN,
        duration=recording.duration,
        max_participants=recording.max_participants,
        s3key=(recording.s3key or "")[:1024],
        mtg_session_id=(recording.mtg_session_id or "")[:64],
        tracks=min(len(recording.tracks or ()), 32767),
        seen_at=seen_at,
    )


def store(team: Team, listed: Iterable[Recording]) -> None:
    now = timezone.now()
    rows = {r.id: row_of(team, r, now) for r in listed}  # one row per id, last wins
    if rows:
        MirroredRecording.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["team", "recording_id"],
            update_fields=list(FIELDS),
        )


def forget(team: Team, recording_id: str) -> None:
    """The write-through of a deletion the dashboard made (after Daily answered)."""
    recordings(team).filter(recording_id=recording_id).delete()
