"""Search, sort and paginate a team's rooms: SQL over the mirror (`rooms.models.MirroredRoom`).

No page lists rooms at Daily (a team may have 100,000 of them): the worker keeps the
mirror, and the list reads it. Each sort is one index of `MirroredRoom` (the same
expressions, carrying the columns a row shows), so any page of it, even a deep one, is an
index-only scan on PostgreSQL; a search is `name ILIKE '%q%'` (Django's `icontains`),
served by a trigram index on PostgreSQL for three characters or more. SQLite may scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict

from daily import Privacy
from rooms.models import MirroredRoom, privacy_rank
from teams.models import Team

PER_PAGE = 50
MAX_QUERY = 128
SORTS = ("name", "-name", "created", "-created", "privacy", "-privacy")
DEFAULT_SORT = "name"

# The terms of each sort, as the indexes of MirroredRoom have them: the name
# case-insensitively then exactly, so that every order is total and pages never overlap.
_NAME = (Lower("name"), F("name"))
ORDERS = {
    "name": _NAME,
    "created": (F("created_at"), *_NAME),
    "privacy": (privacy_rank(), *_NAME),
}


class ListedRoom(NamedTuple):
    """What the list shows of a room, which is all it searches and sorts by."""

    name: str
    privacy: Privacy | None
    created_at: datetime | None


def _privacy(value: str) -> Privacy | None:
    try:
        return Privacy(value) if value else None
    except ValueError:
        return None  # a value this dashboard does not know shows as "not reported"


@dataclass(frozen=True)
class RoomQuery:
    q: str
    sort: str
    page: str

    @classmethod
    def from_get(cls, params: QueryDict) -> RoomQuery:
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            q=clean_query(params.get("q", "")),
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=params.get("page", "1")[:12],
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


def clean_query(q: str) -> str:
    """A search as the list runs it: trimmed, at most MAX_QUERY characters, without NUL
    (which can match no name, and which PostgreSQL refuses in a query)."""
    return q.replace("\x00", "").strip()[:MAX_QUERY]


def matching(team: Team, q: str) -> QuerySet[MirroredRoom]:
    """The team's rooms whose name contains `q` (case-insensitively), every room for no
    `q`: the search of the list, and of a bulk action on every room it matches. Unordered
    (order with `ordering(sort)`)."""
    rooms = MirroredRoom.objects.filter(team=team)
    needle = clean_query(q)
    return rooms.filter(name__icontains=needle) if needle else rooms


def ordering(sort: str) -> list[OrderBy]:
    """The ORDER BY of a sort of `SORTS` (an unknown one sorts by name)."""
    terms = ORDERS.get(sort.lstrip("-"), _NAME)
    descending = sort.startswith("-")
    return [term.desc() if descending else term.asc() for term in terms]


class _Counted(Paginator):
    """A paginator told its count: the total of an unsearched list is counted once."""

    def __init__(self, object_list: QuerySet, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


@dataclass(frozen=True)
class RoomPage:
    """One page of the list: its rooms, the pager, and the team's count of rooms."""

    page: Page
    rooms: list[ListedRoom]
    total: int  # every room of the team in the mirror
    matched: int  # the rooms the search matches (the total without a search)


def search(team: Team, query: RoomQuery) -> RoomPage:
    """One page of the team's rooms for this search and sort: two queries (the count and
    the page), three with a search (the team's count too), whatever the number of rooms."""
    total = MirroredRoom.objects.filter(team=team).count()
    found = matching(team, query.q)
    matched = found.count() if query.q else total
    rows = found.order_by(*ordering(query.sort)).values_list("name", "privacy", "created_at")
    page = _Counted(rows, PER_PAGE, matched).get_page(query.page)
    rooms = [ListedRoom(name, _privacy(privacy), created) for name, privacy, created in page]
    page.object_list = rooms
    return RoomPage(page=page, rooms=rooms, total=total, matched=matched)
