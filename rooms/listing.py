"""Search, sort and paginate a team's rooms: SQL over the mirror (`rooms.models.MirroredRoom`).

No page lists rooms at Daily (a team may have 100,000 of them): the worker keeps the
mirror, and the list reads it. Each sort is one index of `MirroredRoom` (the same
expressions, carrying the columns a row shows), so any page of it, even a deep one, is a
range of that index (a deep one starts from a mark, `_marks`). Names sort in natural order
(`rooms.models.natural_key`: "bulk-test-4" before "bulk-test-10"). A search is
`name ILIKE '%q%'` (Django's `icontains`; shorter than three characters: `_contains`).
A page of a search sorted by name or privacy walks the rows of the term's rarest trigram
(or letter, for one or two characters) kept in the name sort's order (`rooms.name_grams`,
`_walk_grams`) until a page of matches, wherever they sort. Otherwise (the creation sort,
a term with other characters) it is the sort's index walked until a page of matches, or,
on SQLite, the few rooms the FTS5 trigram index of `rooms.search_index` finds, sorted; on
PostgreSQL pg_trgm's index of LOWER(name) serves a rare term. A search's matches are
counted after the page is shown (`count_matches`, up to COUNT_CAP) unless the page itself
says how many there are.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from itertools import product
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import F, OrderBy, Q, QuerySet, Window
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Lower, RowNumber
from django.db.models.lookups import Contains, GreaterThanOrEqual, LessThanOrEqual
from django.http import QueryDict

from daily import Privacy
from rooms import name_grams, search_index
from rooms.models import MirroredRoom, MirrorState, RoomMirror
from teams.models import Team

PER_PAGE = 50
_COLUMNS = ("name", "privacy", "created_at")
# A search counts its matches up to this many: "1,000+ of 100,000 rooms match".
COUNT_CAP = 1000
# On SQLite, a search that the trigram index of names finds at most this many times reads
# only those rooms (`_found`): looking up and sorting them costs about 1.5 ms for 200.
FEW_MATCHES = 200
# How long a count of the team's rooms may be kept (it is keyed by the mirror's version).
COUNT_SECONDS = 600
_COUNT_KEY = "dailyadmin:rooms:count"
# A page this deep in an unsearched list starts from a mark (`_marks`): an OFFSET reads
# every row before it in the sort's index, some 20 ms at 100,000 rooms.
MARKS_FROM = 5000
MARK_EVERY = 1000
_MARKS_KEY = "dailyadmin:rooms:marks"
MAX_QUERY = 128
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "-_")
SORTS = ("name", "-name", "created", "-created", "privacy", "-privacy")
DEFAULT_SORT = "name"

# The terms of each sort, as the indexes of MirroredRoom have them: the name in natural
# order (`rooms.models.natural_key`, which ends with the name itself, so that every order
# is total and pages never overlap).
_NAME = (F("sort_key"),)
ORDERS = {
    "name": _NAME,
    "created": (F("created_at"), *_NAME),
    "privacy": (F("privacy_rank"), *_NAME),
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
    return rooms.filter(_contains(needle)) if needle else rooms


def _contains(needle: str) -> Q:
    """`name` contains `needle`, whatever the case. From three characters, on PostgreSQL
    `LOWER(name) LIKE '%needle%'`: a rare needle is found by the trigram index of
    LOWER(name) (migration 0006), and the trigrams of `rooms.name_grams` are of the same
    LOWER(name); elsewhere Django's `icontains`
    (SQLite's LIKE ignores the case of ASCII letters). Shorter, no index can help: every
    name is read, and a `LIKE` of each case of the needle on the name as stored ("y" or
    "Y") reads them about twice as fast as changing the case of each name first. The
    same for Daily's room names (letters, digits, "-" and "_":
    `daily.validation.ROOM_NAME_RE`)."""
    if len(needle) >= 3 or not set(needle) <= _NAME_CHARS:
        if connection.vendor == "postgresql":
            return Q(Contains(Lower("name"), needle.lower()))
        return Q(name__icontains=needle)
    cases = product(*({c.lower(), c.upper()} for c in needle))
    found = Q()
    for variant in sorted({"".join(chars) for chars in cases}):
        found |= Q(name__contains=variant)
    return found


def ordering(sort: str) -> list[OrderBy]:
    """The ORDER BY of a sort of `SORTS` (an unknown one sorts by name)."""
    terms = ORDERS.get(sort.lstrip("-"), _NAME)
    descending = sort.startswith("-")
    return [term.desc() if descending else term.asc() for term in terms]


class _Pager(NamedTuple):
    """Where a page is in the list. `num_pages` is None when the number of matches is not
    counted yet (a search of more than a page: `count_matches`, loaded after the page)
    or was counted only up to COUNT_CAP; `has_next` is then known from one row more than
    a page."""

    number: int
    has_next: bool
    num_pages: int | None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True)
class RoomPage:
    """One page of the list: its rooms, where it is, and the counts."""

    page: _Pager
    rooms: list[ListedRoom]
    total: int  # every room of the team in the mirror
    # The rooms the search matches (the total without a search); None while a search of
    # more than one page is not counted yet (`count_matches`).
    matched: int | None


class Matches(NamedTuple):
    """How many rooms a search matches: `capped` when more than COUNT_CAP (then
    `matched` is COUNT_CAP + 1: only that many were counted)."""

    matched: int
    capped: bool

    @property
    def num_pages(self) -> int | None:
        return None if self.capped else max(1, -(-self.matched // PER_PAGE))


def team_count(team: Team, version: int) -> int:
    """The team's rooms in the mirror, counted once per `RoomMirror.rooms_version` (every
    write that adds or removes a room moves it): at 100,000 rooms a count is several
    milliseconds, most of what a page of the list would otherwise cost in the database.
    The timeout bounds what a write that forgot the version could leave."""
    key = f"{_COUNT_KEY}:{team.pk}:{version}"
    count = cache.get(key)
    if count is None:
        count = MirroredRoom.objects.filter(team=team).count()
        cache.set(key, count, COUNT_SECONDS)
    return count


def _page_number(page: str) -> int:
    try:
        return max(1, int(page))
    except ValueError:
        return 1


def _found(team: Team, q: str) -> QuerySet[MirroredRoom]:
    """`matching(team, q)`, and on SQLite, when the trigram index of names
    (`rooms.search_index`) serves the needle and finds at most FEW_MATCHES names, only
    the rooms it found: a search for a rare name reads a few rows instead of every name.
    More than that and the sort's index, walked until a page of matches, is faster (the
    rooms found would all be looked up and sorted)."""
    found = matching(team, q)
    needle = clean_query(q)
    if not (search_index.serves(needle) and search_index.available(connection)):
        return found
    ids = search_index.candidates(connection, needle, FEW_MATCHES + 1)
    return found if len(ids) > FEW_MATCHES else found.filter(id__in=ids)


def count_matches(team: Team, q: str) -> Matches:
    """How many of the team's rooms the search `q` matches, counted up to COUNT_CAP + 1:
    counting every match of one letter reads the whole team. A term the grams of
    `rooms.name_grams` serve is counted on the rows of its rarest trigram or letter."""
    needle = clean_query(q)
    if _grams_serve(team, needle, None):
        gram, rows = name_grams.rarest(connection, team.pk, needle)
        if rows == 0:
            return Matches(0, False)
        matched = name_grams.count(connection, team.pk, needle, gram, COUNT_CAP + 1)
        return Matches(matched, matched > COUNT_CAP)
    matched = _found(team, q)[: COUNT_CAP + 1].count()
    return Matches(matched, matched > COUNT_CAP)


def _grams_serve(team: Team, needle: str, mirror: RoomMirror | None) -> bool:
    """Whether the grams of `rooms.name_grams` serve a search of `needle`: a term they
    serve, the table there, and the team's mirror ready (on SQLite they are written in one
    pass when a first fill ends)."""
    if not (name_grams.serves(needle) and name_grams.available(connection)):
        return False
    if mirror is None:
        return RoomMirror.objects.filter(team=team, state=MirrorState.READY).exists()
    return mirror.state == MirrorState.READY


def _walk_grams(
    team: Team, query: RoomQuery, mirror: RoomMirror, offset: int, limit: int
) -> list | None:
    """The rows of a page of a search sorted by name or privacy (`limit` from `offset`),
    found by walking the rows of the term's rarest gram (a trigram, or a letter of a term
    of one or two characters) in the name sort's order (`rooms.name_grams`): a term in
    many rooms that sort late costs a page of its matches, not every room before them (and
    a term in few rooms, at most every row of its rarest gram). None when this search is
    not served so (a term with other characters, the creation sort, no gram table, or a
    mirror not ready): the sort's index is walked as before."""
    needle = query.q
    if query.sort_field not in ("name", "privacy") or not _grams_serve(team, needle, mirror):
        return None
    gram, grams = name_grams.rarest(connection, team.pk, needle)
    if grams == 0:
        return []
    # The walk and its rooms in one query (on PostgreSQL each query of a page costs a
    # round trip: the walk's four and the rooms' one were ~1.5 ms of a 14 ms page).
    return name_grams.page(
        connection, team.pk, needle, gram, sort=query.sort_field, descending=query.descending,
        offset=offset, limit=limit,
    )  # fmt: skip


def search(team: Team, query: RoomQuery, mirror: RoomMirror) -> RoomPage:
    """One page of the team's rooms for this search and sort, whatever the number of
    rooms: the team's count (cached per `mirror.rooms_version`) and the page (from the
    nearest mark of `_marks` when it is deep in an unsearched list). A search is not
    counted here when it matches more than the page shows: the page reads one row more
    than it shows, so the count is known when that row is missing (the last page), and
    otherwise left to `count_matches`, which the page loads after it is shown (a count
    over a substring search is what costs: up to every name of the team)."""
    version = mirror.rooms_version
    total = team_count(team, version)
    number = _page_number(query.page)
    order = ordering(query.sort)
    if not query.q:
        num_pages = max(1, -(-total // PER_PAGE))
        number = min(number, num_pages)
        offset = (number - 1) * PER_PAGE
        rows = MirroredRoom.objects.filter(team=team).order_by(*order)
        if offset >= MARKS_FROM and mirror.state == MirrorState.READY:
            rows, offset = _after_mark(team, query.sort, version, rows, offset)
        listed = list(rows.values_list(*_COLUMNS)[offset : offset + PER_PAGE]) if total else []
        return _page(_Pager(number, number < num_pages, num_pages), listed, total, total)
    offset = (number - 1) * PER_PAGE
    walked = _walk_grams(team, query, mirror, offset, PER_PAGE + 1)
    if walked is not None:
        listed = walked
        found = matching(team, query.q)
        rows = found.order_by(*order).values_list(*_COLUMNS)
    else:
        found = _found(team, query.q)
        rows = found.order_by(*order).values_list(*_COLUMNS)
        listed = list(rows[offset : offset + PER_PAGE + 1])
    if not listed and number > 1:
        # Past the last page (a link kept from a longer list): the last page, all counted.
        matched = found.count()
        number = max(1, -(-matched // PER_PAGE))
        listed = list(rows[(number - 1) * PER_PAGE : number * PER_PAGE])
        return _page(_Pager(number, False, number), listed, total, matched)
    if len(listed) > PER_PAGE:
        return _page(_Pager(number, True, None), listed[:PER_PAGE], total, None)
    # The last page: every match is before it or on it.
    matched = offset + len(listed) if listed else 0
    return _page(_Pager(number, False, number if listed else 1), listed, total, matched)


def _page(page: _Pager, listed: list, total: int, matched: int | None) -> RoomPage:
    rooms = [ListedRoom(name, _privacy(privacy), created) for name, privacy, created in listed]
    return RoomPage(page=page, rooms=rooms, total=total, matched=matched)


def _marks(team: Team, sort: str, version: int) -> list[tuple]:
    """The sort's terms of every MARK_EVERY-th room of the team in this sort (the 1000th,
    the 2000th, ...), read once per `version` (every write that adds, removes or
    re-privacies a room moves it) in one pass of the sort's index. Empty when they cannot
    serve: a row comparison with a NULL creation time is never true."""
    key = f"{_MARKS_KEY}:{team.pk}:{version}:{sort}"
    marks = cache.get(key)
    if marks is None:
        rooms = MirroredRoom.objects.filter(team=team)
        terms = ORDERS.get(sort.lstrip("-"), _NAME)
        if sort.lstrip("-") == "created" and rooms.filter(created_at=None).exists():
            marks = []
        else:
            names = [f"term{i}" for i in range(len(terms))]
            numbered = rooms.annotate(
                **dict(zip(names, terms, strict=True)),
                number=Window(RowNumber(), order_by=ordering(sort)),
            )
            marked = numbered.annotate(mark=F("number") % MARK_EVERY).filter(mark=0)
            marks = [tuple(row) for row in marked.order_by("number").values_list(*names)]
        cache.set(key, marks, COUNT_SECONDS)
    return marks


def _after_mark(
    team: Team, sort: str, version: int, rows: QuerySet, offset: int
) -> tuple[QuerySet, int]:
    """The rows from the last mark before `offset`, and the offset from there: a range
    scan of the sort's index from the mark instead of a scan from the start."""
    marks = _marks(team, sort, version)
    index = min(offset // MARK_EVERY, len(marks)) - 1
    if index < 0:
        return rows, offset
    terms = ORDERS.get(sort.lstrip("-"), _NAME)
    mark = marks[index]
    if sort.startswith("-"):
        after, bound = TupleLessThan, LessThanOrEqual
    else:
        after, bound = TupleGreaterThan, GreaterThanOrEqual
    # The bound on the first term alone is implied by the row comparison, but SQLite
    # starts a range scan of an index only from a plain comparison of its column (not
    # from a row value): without it, it walks the index from the start (5 ms against
    # 0.1 ms at 100,000 rooms). PostgreSQL starts from the row comparison either way.
    rows = rows.filter(bound(terms[0], mark[0]), after(Tuple(*terms), mark))
    return rows, offset - (index + 1) * MARK_EVERY
