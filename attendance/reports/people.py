"""The people report: per person, meetings, sessions, merged minutes, first join, last leave.

One SQL query (see `presence.py` for how overlapping sessions are merged) answers a
page of people and, through window functions over the grouped rows, the total number
of people and the totals of the whole filtered table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page

from attendance.reports.filters import ReportFilters
from attendance.reports.pages import page_of
from attendance.reports.presence import Scope, presence_cte
from attendance.reports.sql import fetch_all, from_epoch, stream

ORDERS = {
    "-minutes": "seconds DESC",
    "minutes": "seconds ASC",
    "-meetings": "meetings DESC",
    "-sessions": "sessions DESC",
    "person": "sort_name ASC",
    "first_join": "first_join ASC",
    "-last_leave": "last_leave DESC",
}


@dataclass(frozen=True)
class PersonRow:
    identity: str
    guest_session: int  # 0 for an identified person; the session id for a guest
    name: str
    meetings: int
    sessions: int
    seconds: int
    first_join: dt.datetime
    last_leave: dt.datetime
    still_in: bool  # one of the sessions has no leave yet (counted up to now)

    @property
    def is_guest(self) -> bool:
        return self.guest_session != 0

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return "Guest" if self.is_guest else self.identity


@dataclass(frozen=True)
class Totals:
    people: int = 0
    sessions: int = 0
    seconds: int = 0

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def _query(f: ReportFilters, *, paged: bool) -> tuple[str, list[Any]]:
    # Per (meeting, person) first (a streaming pass over the window's order), then per
    # person: a plan PostgreSQL keeps without a second sort of the sessions.
    cte, params = presence_cte(Scope(filters=f, person=f.person, include_guests=f.include_guests))
    qualifying = ""
    if f.min_percent:
        # merged / length >= X%, written without a division (a zero-length meeting counts).
        qualifying = "WHERE merged * 100 >= %s * m_len"
        params.append(f.min_percent)
    totals = (
        ", COUNT(*) OVER () AS total_people, SUM(SUM(sessions)) OVER () AS total_sessions,"
        " SUM(SUM(merged)) OVER () AS total_seconds"
        if paged
        else ""
    )
    # Only constants are formatted in (the order comes from ORDERS); values are parameters.
    sql = f"""{cte}
SELECT identity, guest_session, MAX(name) AS name,
       COUNT(*) AS meetings, SUM(sessions) AS sessions, SUM(merged) AS seconds,
       MIN(first_join) AS first_join, MAX(last_leave) AS last_leave, MAX(open) AS still_in,
       COALESCE(NULLIF(MAX(name), ''), identity) AS sort_name{totals}
FROM pm {qualifying}
GROUP BY identity, guest_session
ORDER BY {ORDERS.get(f.sort, ORDERS["-minutes"])}, identity, guest_session"""  # noqa: S608
    return sql, params


def _row(r: tuple) -> PersonRow:
    return PersonRow(
        identity=r[0],
        guest_session=int(r[1]),
        name=r[2] or "",
        meetings=int(r[3]),
        sessions=int(r[4]),
        seconds=round(float(r[5])),
        first_join=from_epoch(r[6]),
        last_leave=from_epoch(r[7]),
        still_in=bool(r[8]),
    )


def people_page(f: ReportFilters) -> tuple[Page, Totals]:
    sql, params = _query(f, paged=True)
    totals: list[Totals] = []

    def fetch(limit: int, offset: int) -> tuple[list[PersonRow], int | None]:
        rows = fetch_all(f"{sql}\nLIMIT %s OFFSET %s", [*params, limit, offset])
        if not rows:
            return [], None
        first = rows[0]
        totals.append(Totals(int(first[10]), int(first[11]), round(float(first[12]))))
        return [_row(r) for r in rows], int(first[10])

    page = page_of(fetch, f.page)
    return page, (totals[-1] if totals else Totals())


def people_rows(f: ReportFilters) -> Iterator[PersonRow]:
    """Every row of the filtered table, streamed (for the CSV)."""
    sql, params = _query(f, paged=False)
    for r in stream(sql, params):
        yield _row(r)
