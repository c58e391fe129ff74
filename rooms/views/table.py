"""The rooms table (count, rows, pager) of the room list: rendered once, then cached.

Rendering 50 rows is most of what the rooms page costs, and a page of the list looks the
same to every viewer with the same permissions. So the table is cached, keyed by all its
HTML depends on (the fields of `RoomsTable`), under the team's cache generation: every
mutation moves it (`services.invalidate`), so a table is never served after a change made
here, and never after the room list it was made from expires. It is rendered without the
request, from those fields and the rooms only, so nothing of one viewer reaches another.
The one exception is put in on the way out: the CSRF token of the rows' forms, which work
without JavaScript too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from daily import Privacy, Room
from rooms import listing, services
from teams.models import Team

TEMPLATE = "rooms/list.html#rooms"

# Stands for the room in a URL reversed once for every row; the last occurrence is the room.
_ROOM = "@room@"
# What `reverse` leaves unquoted in a path, but "/": a name must not add a path segment.
_SAFE = RFC3986_SUBDELIMS + "~:@"
# Stands for the viewer's CSRF token in a cached table. A room name cannot spell the field
# that `{% csrf_token %}` writes for it: names are escaped, and the field starts with "<".
_CSRF_STAND_IN = "csrf-token-stand-in"


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


@dataclass(frozen=True)
class RoomsTable:
    """One page of the rooms table as a viewer with these permissions sees it. The fields
    are all the HTML depends on besides the rooms, so they are its cache key too."""

    team_slug: str
    time_zone: str  # creation times read in the team's time zone
    privacy_choices: tuple[Privacy, ...]
    has_created: bool
    can_manage: bool  # the mutation controls
    query: listing.RoomQuery
    language: str = field(default_factory=get_language)  # of the month names

    @property
    def cache_key(self) -> str:
        return "table:" + hashlib.sha256(repr(self).encode()).hexdigest()

    def render(self, rooms: listing.RoomList) -> str:
        page = listing.search(rooms.rooms, self.query)
        rows = RoomRows(self.team_slug)
        context = {
            "time_zone": self.time_zone,
            "privacy_choices": self.privacy_choices,
            "has_created": self.has_created,
            "can_manage": self.can_manage,
            "query": self.query,
            "total": len(rooms.rooms),
            "page": page,
            "rows": [rows.row(room) for room in page.object_list],
            "csrf_token": _CSRF_STAND_IN,
        }
        return render_to_string(TEMPLATE, context)


def _csrf_field(token: str) -> str:
    """The hidden form field `{% csrf_token %}` writes for `token`."""
    return CsrfTokenNode().render(Context({"csrf_token": token}))


def rooms_table(request: HttpRequest, team: Team, table: RoomsTable) -> SafeString:
    """The table's HTML for this request, from the cache when another request made it.
    Upstream failures propagate as DailyError (and are not cached)."""

    def compute() -> tuple[str, float]:
        rooms = listing.listed_rooms(team)
        return table.render(rooms), rooms.expires

    if table.query.q:
        # A search is typed a letter at a time and seldom repeated: cached, it would only
        # fill the cache (and crowd the room list out of a file cache, which culls at random).
        html, _expires = compute()
    else:
        html = services.cached_until(team, table.cache_key, compute)
    stand_in = _csrf_field(_CSRF_STAND_IN)
    if stand_in in html:
        html = html.replace(stand_in, _csrf_field(get_token(request)))
    return mark_safe(html)  # noqa: S308 - rendered (and escaped) by the template engine
