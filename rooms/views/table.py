"""The rows of the rooms list: each room with its links (detail, privacy, delete).

The table is rendered per request from a page of the mirror (`rooms.listing.search`):
a page is two or three indexed queries, so nothing of it is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from daily import Privacy, Room
from rooms import listing

# Stands for the room in a URL reversed once for every row; the last occurrence is the room.
_ROOM = "@room@"
# What `reverse` leaves unquoted in a path, but "/": a name must not add a path segment.
_SAFE = RFC3986_SUBDELIMS + "~:@"


def _room_url(viewname: str, team_slug: str) -> Callable[[str], str]:
    """`lambda room: reverse(viewname, args=[team_slug, room])`, for the cost of one
    `reverse`: the room is quoted as `reverse` quotes it."""
    head, _, tail = reverse(viewname, args=[team_slug, _ROOM]).rpartition(_ROOM)
    return lambda room: f"{head}{quote(room, safe=_SAFE)}{tail}"


@dataclass(frozen=True, slots=True)
class RoomRow:
    """A room as a row of the list shows it, with its links."""

    name: str
    privacy: Privacy | None
    created_at: datetime | None
    url: str
    privacy_url: str
    delete_url: str


class RoomRows:
    """Rows of a team's rooms, their links made without a `reverse` per link (the list
    would make 150 of them, a cost close to that of rendering the rows)."""

    def __init__(self, team_slug: str) -> None:
        self._detail = _room_url("rooms:detail", team_slug)
        self._privacy = _room_url("rooms:privacy", team_slug)
        self._delete = _room_url("rooms:delete", team_slug)

    def row(self, room: listing.ListedRoom | Room) -> RoomRow:
        return RoomRow(
            name=room.name,
            privacy=room.privacy,
            created_at=room.created_at,
            url=self._detail(room.name),
            privacy_url=self._privacy(room.name),
            delete_url=self._delete(room.name),
        )
