"""Search, sort and paginate a team's (cached) room list in memory.

Daily has no server-side search or sort, and a team has at most a few thousand rooms, so
the whole list is fetched once (and cached) and sliced here: the page costs the same at
2,000 rooms as at 20, and never more than one Daily call.

The list is searched in a light copy of the rooms (`ListedRoom`), cached beside Daily's
answer: 2,000 `daily.Room` with their properties take several times longer to read back
from the cache than their names, privacy and creation times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple, Protocol, TypeVar

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from daily import Privacy, Room
from rooms import services
from teams.models import Team

PER_PAGE = 50
MAX_QUERY = 128
SORTS = ("name", "-name", "created", "-created", "privacy", "-privacy")
DEFAULT_SORT = "name"
_PRIVACY_ORDER = {Privacy.PUBLIC: 0, Privacy.TEAM: 1, Privacy.PRIVATE: 2, None: 3}
_EPOCH = datetime.min.replace(tzinfo=UTC)


class ListedRoom(NamedTuple):
    """What the list shows of a room, which is all it searches and sorts by."""

    name: str
    privacy: Privacy | None
    created_at: datetime | None

    @classmethod
    def of(cls, room: Room) -> ListedRoom:
        return cls(room.name, room.privacy, room.created_at)


@dataclass(frozen=True)
class RoomList:
    """The team's rooms as the list reads them, and until when the cache keeps them:
    what is made from them (a rendered page of rows) must not be served any longer."""

    rooms: list[ListedRoom]
    expires: float  # unix time


def listed_rooms(team: Team) -> RoomList:
    """The team's rooms (`services.get_rooms`), listed; cached per team like the rooms."""

    def compute() -> tuple[RoomList, float]:
        # Kept no longer than the answer it is made from.
        rooms, expires = services.rooms_until(team)
        return RoomList([ListedRoom.of(room) for room in rooms], expires), expires

    return services.cached_until(team, "listed", compute)


@dataclass(frozen=True)
class RoomQuery:
    q: str
    sort: str
    page: str

    @classmethod
    def from_get(cls, params: QueryDict) -> RoomQuery:
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            q=params.get("q", "").strip()[:MAX_QUERY],
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=params.get("page", "1"),
        )

    @property
    def sort_field(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def params(self) -> QueryDict:
        """The search and the sort as URL parameters, for the links of the sort headers and
        the pager (`{% querystring query.params page=2 %}`)."""
        params = QueryDict(mutable=True)
        if self.q:
            params["q"] = self.q
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return params


def _key(field: str):
    if field == "created":
        return lambda r: (r.created_at or _EPOCH, r.name.lower())
    if field == "privacy":
        return lambda r: (_PRIVACY_ORDER.get(r.privacy, 3), r.name.lower())
    return lambda r: (r.name.lower(), r.name)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


Named = TypeVar("Named", bound=_Named)


def named_like(rooms: Iterable[Named], q: str) -> list[Named]:
    """The rooms whose name contains `q` (case-insensitive), every room for no `q`: the
    search of the list, and of a bulk action on every room it matches."""
    needle = q.strip()[:MAX_QUERY].casefold()
    return [r for r in rooms if needle in r.name.casefold()] if needle else list(rooms)


def search(rooms: Sequence[ListedRoom], query: RoomQuery) -> Page:
    matching = named_like(rooms, query.q)
    matching.sort(key=_key(query.sort_field), reverse=query.descending)
    return Paginator(matching, PER_PAGE).get_page(query.page)
