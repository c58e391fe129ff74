"""The attendance sync: plain functions, testable without Celery.

For one team, a run fetches the window ``[watermark - overlap, now - settle]``
through ``daily/`` (outside any transaction), upserts meetings and sessions in
batches, and advances the watermark only once the whole window is written. A
run that dies half-way leaves the watermark where it was, so the next run
fetches the same window again; the unique constraints make the second write of
a row an update, never a duplicate. Meetings still ongoing at one run widen
the next run's window back to their start, so they are revisited until they end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

import daily
from attendance.locks import TeamLease
from attendance.models import (
    Attendance,
    Meeting,
    SyncOutcome,
    SyncRun,
    SyncState,
    SyncTrigger,
)
from teams.daily_client import client_for
from teams.models import Team

log = logging.getLogger(__name__)

# Daily's times are accurate to about a minute (domains) or 15 s (REST), and a
# meeting's end is reported up to ~20 s late: refetch a margin behind the
# watermark, and leave the last minute for the next run.
OVERLAP = timedelta(minutes=10)
SETTLE = timedelta(seconds=60)
# A meeting that claims to be ongoing for longer than this is not revisited.
MAX_ONGOING_LOOKBACK = timedelta(days=2)
BATCH_MEETINGS = 500

MEETING_FIELDS = [
    "upstream_id",
    "room",
    "start",
    "end",
    "ongoing",
    "duration",
    "max_participants",
    "session_count",
    "synced_at",
]
SESSION_FIELDS = ["room", "identity", "is_guest", "user_name", "join", "leave", "duration"]

Progress = Callable[[SyncRun, datetime | None], None]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def initial_history() -> timedelta:
    return timedelta(days=getattr(settings, "DAILY_SYNC_INITIAL_DAYS", 90))


def plan_window(
    team: Team,
    state: SyncState,
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Window:
    end = until or (now - SETTLE)
    if since is not None:
        start = since
    elif state.watermark is not None:
        start = state.watermark - OVERLAP
    else:
        start = now - initial_history()
    oldest_ongoing = Meeting.objects.filter(
        team=team, ongoing=True, start__gte=now - MAX_ONGOING_LOOKBACK, start__lt=end
    ).aggregate(oldest=Min("start"))["oldest"]
    if oldest_ongoing is not None and oldest_ongoing < start:
        start = oldest_ongoing
    # Whole minutes: the domains API is minute-accurate, and a window edge
    # inside a minute could cut a meeting reported at that minute.
    start = start.replace(second=0, microsecond=0)
    return Window(start=start, end=max(end, start + timedelta(minutes=1)))


def _session_rows(team: Team, meeting: Meeting, upstream: daily.Meeting) -> list[Attendance]:
    rows: dict[str, Attendance] = {}
    for p in upstream.participants:
        key = p.session_key
        # Two sessions with the same natural key (two guests joining in the same
        # minute on the domains API) are kept apart by their order of arrival.
        n = 2
        while key in rows:
            key = f"{p.session_key}#{n}"
            n += 1
        rows[key] = Attendance(
            meeting=meeting,
            team=team,
            room=upstream.room[:128],
            session_key=key[:255],
            identity=p.identity[:255],
            is_guest=p.is_guest,
            user_name=(p.user_name or "")[:255],
            join=p.join,
            leave=p.leave,
            duration=p.duration,
        )
    return list(rows.values())


def write_meetings(team: Team, upstream: Iterable[daily.Meeting]) -> tuple[int, int]:
    """Upsert meetings and their sessions in one transaction; return the counts."""
    upstream = list(upstream)
    if not upstream:
        return 0, 0
    now = timezone.now()
    meetings = [
        Meeting(
            team=team,
            key=m.key[:255],
            upstream_id=(m.upstream_id or "")[:64],
            room=m.room[:128],
            start=m.start,
            end=m.end,
            ongoing=m.ongoing,
            duration=m.duration,
            max_participants=m.max_participants or m.peak_participants,
            session_count=len(m.participants),
            synced_at=now,
        )
        for m in upstream
    ]
    with transaction.atomic():
        Meeting.objects.bulk_create(
            meetings,
            update_conflicts=True,
            unique_fields=["team", "key"],
            update_fields=MEETING_FIELDS,
            batch_size=1000,
        )
        sessions = [
            row
            for meeting, m in zip(meetings, upstream, strict=True)
            for row in _session_rows(team, meeting, m)
        ]
        Attendance.objects.bulk_create(
            sessions,
            update_conflicts=True,
            unique_fields=["meeting", "session_key"],
            update_fields=SESSION_FIELDS,
            batch_size=2000,
        )
    return len(meetings), len(sessions)


def sync_team(
    team: Team,
    *,
    trigger: SyncTrigger = SyncTrigger.SCHEDULE,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SyncRun:
    """Run one sync of `team`. Records a SyncRun; re-raises a DailyError after recording it."""
    now = now or timezone.now()
    state, _ = SyncState.objects.get_or_create(team=team)
    window = plan_window(team, state, now, since=since, until=until)
    run = SyncRun.objects.create(
        team=team, trigger=trigger, window_start=window.start, window_end=window.end
    )
    lease = TeamLease(team)
    if not lease.acquire():
        run.outcome = SyncOutcome.SKIPPED
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "finished_at"])
        return run
    # Holding the lease, any other run still marked running is one whose
    # worker died: say so instead of leaving it "running" forever.
    SyncRun.objects.filter(team=team, outcome=SyncOutcome.RUNNING).exclude(pk=run.pk).update(
        outcome=SyncOutcome.FAILED,
        finished_at=timezone.now(),
        error="The process running this sync stopped before it finished.",
        error_type="WorkerLost",
    )
    try:
        _fetch_and_write(team, window, run, lease, progress)
    except Exception as exc:
        # Recorded whatever it was (the history page shows it), then re-raised
        # so the caller decides: the task retries what is retryable.
        _finish_failed(run, state, exc)
        raise
    finally:
        lease.release()
    _advance(state, window)
    run.outcome = SyncOutcome.OK
    run.finished_at = timezone.now()
    run.save()
    return run


def _fetch_and_write(
    team: Team, window: Window, run: SyncRun, lease: TeamLease, progress: Progress | None
) -> None:
    batch: list[daily.Meeting] = []

    def flush() -> None:
        written, rows = write_meetings(team, batch)
        run.meetings_written += written
        run.rows_written += rows
        batch.clear()
        lease.renew()
        run.save(update_fields=["meetings_seen", "rows_seen", "meetings_written", "rows_written"])

    with client_for(team) as client:
        for meeting in client.meetings(window.start, window.end):
            batch.append(meeting)
            run.meetings_seen += 1
            run.rows_seen += len(meeting.participants)
            if len(batch) >= BATCH_MEETINGS:
                flush()
                if progress:
                    progress(run, meeting.start)
        flush()
        if progress:
            progress(run, None)


def _advance(state: SyncState, window: Window) -> None:
    """Move the watermark forward, never backward and never over a gap."""
    # A backfill of a separate, older window leaves the watermark alone.
    contiguous = state.watermark is None or window.start <= state.watermark
    if contiguous and (state.watermark is None or window.end > state.watermark):
        state.watermark = window.end
    state.last_success_at = timezone.now()
    state.last_error = ""
    state.last_error_type = ""
    state.blocked_by_auth = False
    state.save(
        update_fields=[
            "watermark",
            "last_success_at",
            "last_error",
            "last_error_type",
            "blocked_by_auth",
        ]
    )


def _finish_failed(run: SyncRun, state: SyncState, exc: Exception) -> None:
    error_type = (
        (exc.error_type or type(exc).__name__)
        if isinstance(exc, daily.DailyError)
        else type(exc).__name__
    )
    run.outcome = SyncOutcome.FAILED
    run.finished_at = timezone.now()
    run.error = str(exc)[:2000]
    run.error_type = error_type[:64]
    run.save()
    state.last_error = run.error
    state.last_error_type = run.error_type
    state.blocked_by_auth = isinstance(exc, daily.AuthError)
    state.save(update_fields=["last_error", "last_error_type", "blocked_by_auth"])
    log.warning("Attendance sync of %s failed: %s", run.team, error_type)
