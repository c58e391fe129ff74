"""The worker's side of the rooms mirror: the walks of Daily's room list and the refresh.

- `fill` (first fill) and `reconcile` (full reconcile) walk the whole list newest first,
  page by page, paced by the background client. Each page is stored in the same
  transaction as the walk's cursor and progress, so a killed worker resumes at the next
  page. The walk holds the team's lease (`RoomMirror.lease_until`, taken with one
  conditional UPDATE and renewed with each page). At its end, the rooms not seen since
  the walk started are dropped: Daily no longer lists them (deleted, renamed, expired).
  A room the dashboard wrote during the walk has a later `seen_at` and stays.
- `refresh` reads the newest pages until one reaches a room already known and unchanged
  (rooms created elsewhere appear at the front of the list). Domains teams: the team-info
  call is the whole list; `refresh` replaces the team's rooms and team info at once.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from daily import DailyClient, DailyError, InvalidRequest, Room
from daily.base import RoomPage
from rooms import mirror
from rooms.models import MirroredRoom, MirrorState, RoomMirror, WalkKind
from teams import leases
from teams.daily_client import client_for
from teams.models import Team
from teams.services.errors import for_background

log = logging.getLogger(__name__)

PAGE = 100


class Lease(leases.Lease):
    """One worker per team's mirror (teams.leases)."""

    model = RoomMirror
    what = "rooms mirror"

    def __init__(self, team: Team) -> None:
        super().__init__(team, timedelta(seconds=settings.ROOMS_MIRROR_LEASE_SECONDS))


def _record_error(team: Team, exc: DailyError) -> None:
    RoomMirror.objects.filter(team=team).update(
        # In words, as the pages show it (never the token: describe() names no header).
        last_error=for_background(exc, team)[:2000],
        last_error_type=type(exc).__name__,
        last_error_at=timezone.now(),
    )


def _clear_error() -> dict[str, Any]:
    return {"last_error": "", "last_error_type": "", "last_error_at": None}


# -- the walks -----------------------------------------------------------------------------


def fill(team: Team) -> bool:
    if team.dialect == "domains":
        return _domains_refresh(team, first=True)
    return _walk(team, WalkKind.FILL)


def reconcile(team: Team) -> bool:
    if team.dialect == "domains":
        return _domains_refresh(team, first=False)
    if mirror.state(team).state != MirrorState.READY:
        return fill(team)
    return _walk(team, WalkKind.RECONCILE)


def _walk(team: Team, kind: WalkKind) -> bool:
    lease = Lease(team)
    if not lease.acquire():
        return False
    try:
        with client_for(team, background=True) as client:
            _walk_with(team, kind, client, lease)
    except DailyError as exc:
        _record_error(team, exc)
        raise
    finally:
        lease.release()
    return True


def _begin(team: Team, kind: WalkKind) -> RoomMirror:
    state = mirror.state(team)
    if state.walk == kind and state.walk_started_at is not None:
        return state  # resume where the killed run stopped
    if kind == WalkKind.FILL and state.state == MirrorState.READY:
        kind = WalkKind.RECONCILE  # a filled mirror is walked again as a reconcile
        if state.walk == kind and state.walk_started_at is not None:
            return state
    state.walk = kind
    state.walk_cursor = ""
    state.walk_seen = 0
    state.walk_started_at = timezone.now()
    if kind == WalkKind.FILL:
        state.state = MirrorState.FILLING
    state.save(update_fields=["walk", "walk_cursor", "walk_seen", "walk_started_at", "state"])
    return state


def _walk_with(team: Team, kind: WalkKind, client: DailyClient, lease: Lease) -> None:
    state = _begin(team, kind)
    started = state.walk_started_at
    assert started is not None
    # The next page is fetched (in its paced slot) while this one is stored: the walk
    # then goes at Daily's pace, not at Daily's pace plus the database's time per page.
    # Only that thread uses the client; only this one the database.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rooms-walk") as fetcher:
        _walk_pages(team, state, started, fetcher, client, lease)


def _walk_pages(
    team: Team,
    state: RoomMirror,
    started: datetime,
    fetcher: ThreadPoolExecutor,
    client: DailyClient,
    lease: Lease,
) -> None:
    def fetch(cursor: str) -> Future[RoomPage]:
        return fetcher.submit(client.room_page, cursor or None, PAGE)

    pending = fetch(state.walk_cursor)
    while True:
        try:
            page = pending.result()
        except InvalidRequest:
            if not state.walk_cursor:
                raise
            # The cursor's room is no longer known to Daily: walk again from the newest,
            # keeping the start (rooms already stored were seen in this walk).
            log.info("rooms mirror of %s: the walk's cursor is gone; starting over", team)
            state.walk_cursor = ""
            pending = fetch("")
            continue
        # Only an empty page ends a walk, even after a short one: the end of a walk drops
        # every room it did not see, so it must not trust a page that came up short.
        done = not page.rooms
        if not done:
            pending = fetch(page.rooms[-1].id or "")
        with transaction.atomic():
            lease.renew()
            mirror.upsert(team, page.rooms)
            state.walk_seen += len(page.rooms)
            if page.rooms:
                state.walk_cursor = page.rooms[-1].id or ""
            if page.total_count is not None:
                state.total_count = page.total_count
            fields = ["walk_cursor", "walk_seen", "total_count"]
            if done:
                _finish(team, state, started)
                fields += [
                    "walk",
                    "walk_started_at",
                    "state",
                    "filled_at",
                    "refreshed_at",
                    "reconciled_at",
                    "last_error",
                    "last_error_type",
                    "last_error_at",
                ]
            state.save(update_fields=fields)
        if done:
            return


def _finish(team: Team, state: RoomMirror, started: datetime) -> None:
    """The walk saw every room Daily lists: drop the others, and mark the mirror ready."""
    if mirror.rooms(team).filter(seen_at__lt=started).delete()[0]:
        mirror.rooms_changed(team)
    now = timezone.now()
    if state.state != MirrorState.READY:
        state.filled_at = now
    state.state = MirrorState.READY
    state.walk = WalkKind.NONE
    state.walk_cursor = ""
    state.walk_started_at = None
    # The newest rooms were read when the walk started; the rest since.
    state.refreshed_at = max(state.refreshed_at or started, started)
    state.reconciled_at = started
    for name, value in _clear_error().items():
        setattr(state, name, value)


# -- the cheap refresh ---------------------------------------------------------------------


def refresh(team: Team) -> bool:
    state = mirror.state(team)
    if team.dialect == "domains":
        return _domains_refresh(team, first=state.state != MirrorState.READY)
    if state.state != MirrorState.READY:
        return False  # the fill reads everything
    # Two refreshes at once would only read the same pages twice.
    key, token = f"dailyadmin:rooms:mirror:{team.pk}:refreshing", secrets.token_hex(8)
    if not cache.add(key, token, settings.ROOMS_MIRROR_LEASE_SECONDS):
        return False
    try:
        with client_for(team, background=True) as client:
            _refresh_rest(team, client)
    except DailyError as exc:
        _record_error(team, exc)
        raise
    finally:
        if cache.get(key) == token:
            cache.delete(key)
    return True


def _refresh_rest(team: Team, client: DailyClient) -> None:
    started = timezone.now()
    cursor: str | None = None
    total: int | None = None
    updates: dict[str, Any] = {"refreshed_at": started, **_clear_error()}
    for _ in range(settings.ROOMS_MIRROR_REFRESH_MAX_PAGES):
        page: RoomPage = client.room_page(cursor, PAGE)
        if page.total_count is not None and total is None:
            total = page.total_count
        changed, reached_known = _changes(team, page.rooms)
        mirror.upsert(team, changed)
        if reached_known or page.last or not page.rooms:
            break
        cursor = page.rooms[-1].id
    else:
        # More new or changed rooms than a refresh reads (a script made thousands): the
        # next refresh would stop at the ones stored now, so the rest is left to a full
        # reconcile, which the dispatcher queues at its next round.
        log.info("rooms mirror of %s: too many new rooms for a refresh; reconciling", team)
        updates["reconciled_at"] = None
    if total is not None:
        updates["total_count"] = total
        # Daily counts fewer or more rooms than the mirror holds once the new ones are in:
        # rooms were deleted (or expired) outside the dashboard, which only a full walk can
        # tell apart: the dispatcher's next round (every 30 s) queues a reconcile instead of
        # waiting for the scheduled one.
        # (A room past its `exp` has left Daily's list on its own: not counted.)
        live = mirror.rooms(team).exclude(expires_at__lte=started)
        if total != live.count():
            log.info("rooms mirror of %s: Daily counts %d rooms; reconciling", team, total)
            updates["reconciled_at"] = None
    RoomMirror.objects.filter(team=team).update(**updates)


def _changes(team: Team, listed: list[Room]) -> tuple[list[Room], bool]:
    """The rooms of a page that are new or changed, and whether the page holds a room the
    mirror already has as it is (every older room was then read before)."""
    if not listed:
        return [], False
    known = {
        row["name"]: row
        for row in mirror.rooms(team)
        .filter(name__in=[room.name for room in listed])
        .values("name", "daily_id", "privacy", "config", "created_at")
    }
    changed: list[Room] = []
    reached = False
    for room in listed:
        row = known.get(room.name)
        if row is not None and _same(row, room):
            reached = True
        else:
            changed.append(room)
    return changed, reached


def _same(row: dict[str, Any], room: Room) -> bool:
    return (
        row["daily_id"] == (room.id or "")
        and row["privacy"] == (room.privacy.value if room.privacy is not None else "")
        and row["created_at"] == room.created_at
        and row["config"] == mirror.config_of(room.properties)
    )


# -- domains: the team-info call is the whole list -------------------------------------------


def _domains_refresh(team: Team, *, first: bool) -> bool:
    lease = Lease(team)
    if not lease.acquire():
        return False
    try:
        if first:
            RoomMirror.objects.filter(team=team, state=MirrorState.EMPTY).update(
                state=MirrorState.FILLING
            )
        started = timezone.now()
        with client_for(team, background=True) as client:
            info = client.team_info()
        # Only what changed is written: a domains team may list 100,000 rooms a minute.
        known = dict(
            mirror.rooms(team).values_list("name", "dial_in_pin").iterator(chunk_size=5000)
        )
        changed = [r for r in info.rooms if known.get(r.name) != (r.dial_in_pin or "")]
        with transaction.atomic():
            lease.renew()
            names = {room.name for room in info.rooms}
            mirror.upsert(team, changed, started, keep_privacy=True)
            _drop_others(team, names, started)
            state = mirror.state(team)
            now = timezone.now()
            state.team_info = {
                "name": info.name,
                "invite_link": info.invite_link,
                "users": mirror.users_json(info.users),
            }
            if state.state != MirrorState.READY:
                state.filled_at = now
            state.state = MirrorState.READY
            state.total_count = len(names)
            state.walk_seen = len(names)
            state.refreshed_at = started
            state.reconciled_at = started
            for name, value in _clear_error().items():
                setattr(state, name, value)
            state.save(
                update_fields=[
                    "team_info",
                    "filled_at",
                    "state",
                    "total_count",
                    "walk_seen",
                    "refreshed_at",
                    "reconciled_at",
                    *_clear_error(),
                ]
            )
    except DailyError as exc:
        _record_error(team, exc)
        raise
    finally:
        lease.release()
    return True


def _drop_others(team: Team, names: set[str], started: datetime) -> None:
    """Drop the rooms the answer did not list, but not one the dashboard wrote since (the
    answer may have been made before it)."""
    stale = mirror.rooms(team).filter(seen_at__lt=started).values_list("name", flat=True)
    gone = [name for name in stale.iterator() if name not in names]
    for start in range(0, len(gone), 500):
        MirroredRoom.objects.filter(team=team, name__in=gone[start : start + 500]).delete()
    if gone:
        mirror.rooms_changed(team)
