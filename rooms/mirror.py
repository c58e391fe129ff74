"""The mirror of each team's rooms: what the pages read instead of listing rooms at Daily.

The worker keeps it (`rooms.tasks`); the pages only read it and ask for a refresh:

- `rooms(team)`, `state(team)`, `progress(team)`, `team_info(team)`: the reads.
- `request_refresh(team)`, `ensure_started(team)`: queue the worker's work (debounced).
- `store_room(team, room)`, `forget_room(team, name)`: the write-through of a mutation the
  dashboard made, after Daily answered, so the user sees it at once.

The walks that fill and reconcile the mirror, and the cheap refresh, are in
`rooms.mirror_walk` (`fill`, `refresh`, `reconcile`), re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from daily import Privacy, Room, RoomProperties, TeamInfo, TeamUser
from daily.enums import TeamRole
from rooms.models import MirroredRoom, MirrorState, RoomMirror, WalkKind
from teams.models import Team

_PREFIX = "dailyadmin:rooms:mirror"
# A second click on "Refresh now" while one is queued queues nothing more.
REFRESH_DEBOUNCE_SECONDS = 30
# A fill is queued at most this often per team by the pages (the beat resumes a stuck one).
FILL_DEBOUNCE_SECONDS = 120

# The columns a room's upsert writes (all but the team and the name, its key).
ROOM_FIELDS = (
    "daily_id",
    "privacy",
    "created_at",
    "api_created",
    "url",
    "dial_in_pin",
    "opens_at",
    "expires_at",
    "config",
    "seen_at",
)


# -- reads (the pages) -----------------------------------------------------------------


def rooms(team: Team) -> QuerySet[MirroredRoom]:
    """The team's rooms as the mirror has them (unordered: the caller sorts and pages).

    Empty until the first fill has stored its first page; see `state(team).state`."""
    return MirroredRoom.objects.filter(team=team)


def state(team: Team) -> RoomMirror:
    """The team's mirror state (created EMPTY on first use): `.state` (empty, filling,
    ready), `.refreshed_at` (how fresh the list is), `.last_error`/`.last_error_at`."""
    mirror, _ = RoomMirror.objects.get_or_create(team=team)
    return mirror


def progress(team: Team) -> tuple[int, int | None]:
    """(rooms loaded, rooms at Daily) for "12,300 of 100,000 rooms loaded".

    During the first fill: the rooms the walk has stored and Daily's `total_count` of its
    last page (None before the first page). Otherwise the rooms in the mirror, of the
    same (READY) or of Daily's last count (EMPTY)."""
    mirror = state(team)
    if mirror.state == MirrorState.FILLING:
        total = mirror.total_count
        return mirror.walk_seen, None if total is None else max(total, mirror.walk_seen)
    loaded = rooms(team).count()
    if mirror.state == MirrorState.READY:
        return loaded, loaded
    return loaded, mirror.total_count


def team_info(team: Team, *, with_rooms: bool = False) -> TeamInfo | None:
    """Domains teams: the team-info answer as the mirror last stored it (name, invite
    link, users), None before the first refresh. Its `rooms` is empty unless `with_rooms`
    (a domains team may have 100,000: query `rooms(team)` instead). REST teams: None (the
    REST API has no team info; its rooms are `rooms(team)`)."""
    if team.dialect != "domains":
        return None
    mirror = state(team)
    if mirror.team_info is None:
        return None
    info: dict[str, Any] = mirror.team_info
    users = [
        TeamUser(
            email=u["email"],
            name=u.get("name"),
            avatar_url=u.get("avatar_url"),
            role=TeamRole(u["role"]),
        )
        for u in info.get("users", [])
    ]
    listed = [to_room(r) for r in rooms(team).order_by("name")] if with_rooms else []
    return TeamInfo(
        name=info.get("name") or team.name,
        invite_link=info.get("invite_link"),
        rooms=listed,
        users=users,
    )


def to_room(row: MirroredRoom) -> Room:
    """The mirrored room as a `daily.Room` (for code written against Daily's answers)."""
    return Room(
        name=row.name,
        privacy=Privacy(row.privacy) if row.privacy else None,
        url=row.url,
        id=row.daily_id or None,
        created_at=row.created_at,
        api_created=row.api_created,
        dial_in_pin=row.dial_in_pin or None,
        properties=RoomProperties.from_config(row.config or None),
    )


# -- queueing the worker's work ------------------------------------------------------------


def debounced(key: str, seconds: int) -> bool:
    """True the first time in `seconds` (cache.add is atomic on Redis and near enough on
    the file cache: a rare second message costs one idempotent run)."""
    return cache.add(f"{_PREFIX}:{key}", 1, seconds)


def clear_debounce(team: Team, what: str) -> None:
    """The queued run has started: a later request must queue another."""
    cache.delete(f"{_PREFIX}:{team.pk}:{what}")


def request_refresh(team: Team) -> None:
    """Queue a refresh of the team's newest rooms ("Refresh now", "Try again"), after the
    current transaction commits. Clicking many times while one waits in the queue queues
    one. A mirror not filled yet has nothing to refresh: its fill is resumed now instead,
    past the longer debounce of the pages' own fill requests."""
    from rooms import tasks  # tasks imports this module

    if state(team).state != MirrorState.READY:
        if debounced(f"{team.pk}:retry", REFRESH_DEBOUNCE_SECONDS):
            clear_debounce(team, "fill")
        ensure_started(team)
        return
    if debounced(f"{team.pk}:refresh", REFRESH_DEBOUNCE_SECONDS):
        tasks.refresh_task.delay_on_commit(team.pk)


def ensure_started(team: Team) -> None:
    """Queue the first fill if the mirror is empty (or a fill was interrupted and nobody
    holds it), after the current transaction commits. Cheap: called on every rooms page."""
    from rooms import tasks

    if not team.has_token:
        return
    mirror = state(team)
    if mirror.state == MirrorState.READY or blocked(team, mirror):
        return
    if mirror.lease_until is not None and mirror.lease_until > timezone.now():
        return  # a worker is on it
    if debounced(f"{team.pk}:fill", FILL_DEBOUNCE_SECONDS):
        tasks.fill_task.delay_on_commit(team.pk)


def blocked(team: Team, mirror: RoomMirror) -> bool:
    """Daily refused the team's token: nothing is tried again until the team changes (a
    new token or address moves `updated_at`); the error shows on the rooms page."""
    return (
        mirror.last_error_type == "AuthError"
        and mirror.last_error_at is not None
        and mirror.last_error_at >= team.updated_at
    )


def restart(team: Team) -> None:
    """The team's credentials now point elsewhere (dialect, address or name): forget the
    mirror and fill it again."""
    with transaction.atomic():
        rooms(team).delete()
        RoomMirror.objects.update_or_create(
            team=team,
            defaults={
                "state": MirrorState.EMPTY,
                "walk": WalkKind.NONE,
                "walk_cursor": "",
                "walk_seen": 0,
                "walk_started_at": None,
                "total_count": None,
                "team_info": None,
                "last_error": "",
                "last_error_type": "",
                "last_error_at": None,
            },
        )
        rooms_changed(team)
    clear_debounce(team, "fill")
    ensure_started(team)


def on_team_connected(sender: object, team: Team, moved: bool = False, **kwargs: Any) -> None:
    """`teams.signals.team_connected`: a new team starts its first fill; one that now
    points at another Daily team starts over; a new token tries again at once."""
    if moved:
        restart(team)
        return
    RoomMirror.objects.filter(team=team).update(
        last_error="", last_error_type="", last_error_at=None
    )
    clear_debounce(team, "fill")
    if state(team).state == MirrorState.READY:
        request_refresh(team)
    else:
        ensure_started(team)


# -- storing rooms (the walks and the write-through) ---------------------------------------


def config_of(properties: RoomProperties) -> dict[str, Any]:
    """Daily's `config` as the mirror keeps it: the set properties, in Daily's wire form,
    with the read-only `sip_uri` too (the detail page shows the SIP endpoint)."""
    config = properties.to_config()
    if properties.sip_uri is not None:
        config["sip_uri"] = properties.sip_uri.to_config()
    return config


def row_of(team: Team, room: Room, seen_at: datetime) -> MirroredRoom:
    props = room.properties
    return MirroredRoom(
        team=team,
        name=room.name,
        daily_id=room.id or "",
        privacy=room.privacy.value if room.privacy is not None else "",
        created_at=room.created_at,
        api_created=room.api_created,
        url=room.url or "",
        dial_in_pin=room.dial_in_pin or "",
        opens_at=props.nbf,
        expires_at=props.exp,
        config=config_of(props),
        seen_at=seen_at,
    )


def upsert(
    team: Team,
    listed: Iterable[Room],
    seen_at: datetime | None = None,
    *,
    keep_privacy: bool = False,
) -> int:
    """Insert or update these rooms (by team and name) in one statement; how many.

    `keep_privacy`: the answer did not say (domains team info), so a known privacy (the
    dashboard's own change, written through) is kept."""
    when = seen_at or timezone.now()
    by_name = {room.name: row_of(team, room, when) for room in listed}
    columns = [f for f in ROOM_FIELDS if not (keep_privacy and f == "privacy")]
    if by_name:
        MirroredRoom.objects.bulk_create(
            list(by_name.values()),
            update_conflicts=True,
            unique_fields=["team", "name"],
            update_fields=columns,
            batch_size=500,
        )
        rooms_changed(team)
    return len(by_name)


def store_room(team: Team, room: Room) -> None:
    """Write-through of a room Daily just created or changed (its answer)."""
    upsert(team, [room])


def store_rooms(team: Team, listed: Sequence[Room]) -> None:
    """Write-through of a batch create."""
    upsert(team, listed)


def store_privacy(team: Team, name: str, privacy: Privacy) -> None:
    """Write-through of a privacy change Daily confirmed without the room (domains)."""
    if rooms(team).filter(name=name).update(privacy=privacy.value, seen_at=timezone.now()):
        rooms_changed(team)  # the privacy sort's marks


def forget_room(team: Team, name: str) -> None:
    """Write-through of a room Daily just deleted."""
    if rooms(team).filter(name=name).delete()[0]:
        rooms_changed(team)


def forget_rooms(team: Team, names: Iterable[str]) -> None:
    """Write-through of a batch delete."""
    names = list(names)
    for start in range(0, len(names), 500):
        rooms(team).filter(name__in=names[start : start + 500]).delete()
    rooms_changed(team)


def rooms_changed(team: Team) -> None:
    """Rooms were added to or removed from the team's mirror, or changed where they sort:
    move its `rooms_version`, which the list's cached count and page marks are keyed by
    (`rooms.listing`). Call it after the write, or in its transaction, never before (a
    count taken in between would be kept under the new version)."""
    RoomMirror.objects.filter(team=team).update(rooms_version=F("rooms_version") + 1)


def users_json(users: Iterable[TeamUser]) -> list[dict[str, Any]]:
    return [
        {
            "email": u.email,
            "name": u.name,
            "avatar_url": u.avatar_url,
            "role": u.role.value,
        }
        for u in users
    ]


# -- the worker's walks (in rooms.mirror_walk) ----------------------------------------------


def fill(team: Team) -> bool:
    """The first fill: walk Daily's whole room list, newest first, paced, page by page,
    resumable. False if another worker holds the team's mirror (nothing done)."""
    from rooms import mirror_walk

    return mirror_walk.fill(team)


def refresh(team: Team) -> bool:
    """Read the newest rooms until a page reaches rooms already known (domains: the one
    team-info call). False if skipped (not filled yet, or another refresh under way)."""
    from rooms import mirror_walk

    return mirror_walk.refresh(team)


def reconcile(team: Team) -> bool:
    """A full walk that updates every room and then drops the rooms Daily no longer lists.
    False if another worker holds the team's mirror."""
    from rooms import mirror_walk

    return mirror_walk.reconcile(team)
