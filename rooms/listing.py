"""Search, sort and paginate a team's (cached) room list in memory.

Daily has no server-side search or sort, and a team has at most a few thousand rooms, so
the whole list is fetched once (and cached) and sliced here: the page costs the same at
2,000 rooms as at 20, and never more than one Daily call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from daily import Privacy, Room

PER_PAGE = 50
MAX_QUERY = 128
SORTS = ("name", "-name", "created", "-created", "privacy", "-privacy")
DEFAULT_SORT = "name"
_PRIVACY_ORDER = {Privacy.PUBLIC: 0, Privacy.TEAM: 1, Privacy.PRIVATE: 2, None: 3}
_EPOCH = datetime.min.replace(tzinfo=UTC)


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


def _key(field: str):
    if field == "created":
        return lambda r: (r.created_at or _EPOCH, r.name.lower())
    if field == "privacy":
        return lambda r: (_PRIVACY_ORDER.get(r.privacy, 3), r.name.lower())
    return lambda r: (r.name.lower(), r.name)


def search(rooms: list[Room], query: RoomQuery) -> Page:
    needle = query.q.casefold()
    matching = [r for r in rooms if needle in r.name.casefold()] if needle else list(rooms)
    matching.sort(key=_key(query.sort_field), reverse=query.descending)
    return Paginator(matching, PER_PAGE).get_page(query.page)
