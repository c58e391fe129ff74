"""The people report: per person, meetings, sessions, merged minutes, first join, last leave.

One SQL query (see `presence.py` for how overlapping sessions are merged) answers a
page of people and, through window functions over the grouped rows, the total number
of people and the totals of the whole filtered table. Ended meetings are read from their
stored summaries (`attendance.summary`), so a month of a busy team is a few hundred
thousand narrow rows added up, not a merge of every session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db import connection

from attendance.reports.filters import ReportFilters
from attendance.reports.pages import page_of
from attendance.reports.presence import Person, Scope, presence_cte
from attendance.reports.sql import fetch_all, from_epoch, param, stream

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
class PersonRow(Person):
    identity: str
    guest_session: int  # 0 for an identified person; the session id for a guest
    name: str
    meetings: int
    sessions: int
    seconds: int
    first_join: dt.datetime
    last_leave: dt.datetime
    still_in: bool  # one of the sessions has no leave yet (counted up to now)


@dataclass(frozen=True)
class Totals:
    people: int = 0
    sessions: int = 0
    seconds: int = 0

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def _query(f: ReportFilters, *, paged: bool) -> tuple[str, list[Any]]:
    # Per person twice (the meetings computed from their sessions, and the stored
    # summaries of the others: disjoint), then per person once more over those few rows.
    scope = Scope(filters=f, person=f.person, include_guests=f.include_guests, skip_summarised=True)
    cte, params = presence_cte(scope)
    # merged / length >= X%, written without a division (a zero-length meeting counts).
    qualifying = ""
    if f.min_percent:
        qualifying = "WHERE merged * 100 >= %s * m_len"
        params.append(f.min_percent)
    stored, stored_params = _stored(f)
    totals = (
        ", COUNT(*) OVER () AS total_people, SUM(SUM(sessions)) OVER () AS total_sessions,"
        " SUM(SUM(seconds)) OVER () AS total_seconds"
        if paged
        else ""
    )
    # Only constants are formatted in (the order comes from ORDERS); values are parameters.
    sql = f"""{cte},
per_person AS (
    SELECT identity, guest_session, MAX(name) AS name, COUNT(*) AS meetings,
           SUM(sessions) AS sessions, SUM(merged) AS seconds, MIN(first_join) AS first_join,
           MAX(last_leave) AS last_leave, MAX(open) AS open
    FROM pm {qualifying}
    GROUP BY identity, guest_session
    UNION ALL
    SELECT identity, 0, MAX(name), SUM(meetings), SUM(sessions), SUM(merged),
           MIN(first_join), MAX(last_leave), MAX(open)
    FROM ({stored}) stored
    GROUP BY identity
)
SELECT identity, guest_session, MAX(name) AS name,
       SUM(meetings) AS meetings, SUM(sessions) AS sessions, SUM(seconds) AS seconds,
       MIN(first_join) AS first_join, MAX(last_leave) AS last_leave, MAX(open) AS still_in,
       COALESCE(NULLIF(MAX(name), ''), identity) AS sort_name{totals}
FROM per_person
GROUP BY identity, guest_session
ORDER BY {ORDERS.get(f.sort, ORDERS["-minutes"])}, identity, guest_session"""  # noqa: S608
    return sql, params + stored_params


# The columns both kinds of stored rows are read as (a MeetingPresence row is 1 meeting).
_STORED = "identity, name, {meetings} AS meetings, sessions, merged, first_join, last_leave,"
_STORED += " CASE WHEN open THEN 1 ELSE 0 END AS open"


def _stored(f: ReportFilters) -> tuple[str, list[Any]]:
    """The stored rows of the range: PersonDay for its whole UTC days, MeetingPresence for
    the hours at its ends (days in the team's time zone rarely start at 00:00 UTC), or
    MeetingPresence only when a room or a threshold is asked for (per meeting)."""
    person = ["identity = %s"] if f.person else []
    who = [f.person] if f.person else []
    first_day = (f.start + dt.timedelta(days=1, microseconds=-1)).astimezone(dt.UTC).date()
    end_day = f.end.astimezone(dt.UTC).date()
    if f.room or f.min_percent or first_day >= end_day:
        where = ["team_id = %s", "start >= %s", "start < %s", *person]
        params: list[Any] = [f.team.pk, param(f.start), param(f.end), *who]
        if f.room:
            where.append("room = %s")
            params.append(f.room)
        if f.min_percent:
            where.append("merged * 100 >= %s * meeting_seconds")
            params.append(f.min_percent)
        table = "attendance_meetingpresence"
        sql = f"SELECT {_STORED.format(meetings=1)} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608
        return sql, params
    days_start = dt.datetime.combine(first_day, dt.time.min, dt.UTC)
    days_end = dt.datetime.combine(end_day, dt.time.min, dt.UTC)
    days = " AND ".join(["team_id = %s", "day >= %s", "day < %s", *person])
    ends = " AND ".join(
        ["team_id = %s", "(start >= %s AND start < %s OR start >= %s AND start < %s)", *person]
    )
    sql = f"""SELECT {_STORED.format(meetings="meetings")} FROM attendance_personday
    WHERE {days}
    UNION ALL
    SELECT {_STORED.format(meetings=1)} FROM attendance_meetingpresence
    WHERE {ends}"""  # noqa: S608 (constants only; values are parameters)
    ops = connection.ops
    params = [
        f.team.pk,
        ops.adapt_datefield_value(first_day),
        ops.adapt_datefield_value(end_day),
        *who,
        f.team.pk,
        param(f.start),
        param(days_start),
        param(days_end),
        param(f.end),
        *who,
    ]
    return sql, params


def person_row(r: tuple) -> PersonRow:
    """A row of `people_sql`'s columns as a `PersonRow` (also read by `usage.figures`)."""
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
        return [person_row(r) for r in rows], int(first[10])

    page = page_of(fetch, f.page)
    return page, (totals[-1] if totals else Totals())


def people_sql(f: ReportFilters) -> tuple[str, list[Any]]:
    """The whole filtered table's query, in the report's order, without totals; columns
    identity, guest_session, name, meetings, sessions, seconds (unrounded), first_join,
    last_leave, still_in, sort_name."""
    return _query(f, paged=False)


def people_rows(f: ReportFilters) -> Iterator[PersonRow]:
    """Every row of the filtered table, streamed (for the CSV)."""
    sql, params = _query(f, paged=False)
    for r in stream(sql, params):
        yield person_row(r)
