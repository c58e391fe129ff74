"""Putting rooms in a team's mirror for the pages to read, without the worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from daily import Privacy, Room
from rooms import mirror
from rooms.models import MirrorState, RoomMirror
from teams.models import Team


def mirror_rooms(
    team: Team,
    rooms: Sequence[Room],
    *,
    state: MirrorState = MirrorState.READY,
    refreshed_at: datetime | None = None,
    **fields,
) -> RoomMirror:
    """Store `rooms` in the team's mirror (as the worker's walk would) and set its state:
    READY and refreshed now unless told otherwise. Other RoomMirror fields by keyword."""
    mirror.upsert(team, rooms)
    now = timezone.now()
    defaults = {
        "state": state,
        "refreshed_at": refreshed_at if refreshed_at is not None else now,
        "filled_at": now if state == MirrorState.READY else None,
        **fields,
    }
    row, _ = RoomMirror.objects.update_or_create(team=team, defaults=defaults)
    return row


def fill_from_daily(team: Team) -> RoomMirror:
    """The worker's real first fill of the team's mirror (from the simulator), run here."""
    assert mirror.fill(team), "another run holds the team's mirror"
    return mirror.state(team)


def numbered_rooms(count: int, *, prefix: str = "room") -> list[Room]:
    """`count` rooms named f"{prefix}-0000"…, one minute apart, privacy by turns."""
    base = datetime(2025, 1, 1, tzinfo=UTC)
    turns = (Privacy.PUBLIC, Privacy.TEAM, Privacy.PRIVATE)
    return [
        Room(
            name=f"{prefix}-{i:04d}",
            privacy=turns[i % 3],
            url=f"https://demo.daily.co/{prefix}-{i:04d}",
            id=f"id-{prefix}-{i}",
            created_at=base + timedelta(minutes=i),
        )
        for i in range(count)
    ]
