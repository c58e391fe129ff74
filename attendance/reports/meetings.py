"""The meetings report (a list) and one meeting's page (who was there, and when).

The list is one SQL query for a page and its total, as the people report: the meetings
of the page, each with its people and guests counted by a subquery that runs for the
page's rows only, and the total from an uncorrelated subquery (run once). The ORM would
ask for the total in a second query and build a model instance per row: on the default
range of a busy team that doubles the page's time. The CSV streams the same query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from attendance.models import Attendance, Meeting
from attendance.reports import periods
from attendance.reports.filters import ReportFilters
from attendance.reports.pages import page_of
from attendance.reports.presence import Person, Scope, presence_cte
from attendance.reports.sql import dialect, fetch_all, from_epoch, param, stream

# Ties are broken by start then id, so a page never repeats or skips a meeting.
ORDERS = {
    "-start": "m.start DESC, m.id DESC",
    "start": "m.start ASC, m.id ASC",
    "room": "m.room ASC, m.start DESC, m.id DESC",
    "-length": "seconds DESC, m.start DESC, m.id DESC",
    "-peak": "m.max_participants DESC NULLS LAST, m.start DESC, m.id DESC",
}


def meeting_end(now: dt.datetime):
    """The meeting's end, or `now` while it is ongoing."""
    return Coalesce(F("end"), Value(now, output_field=DateTimeField()))


def meeting_length(now: dt.datetime) -> ExpressionWrapper:
    return ExpressionWrapper(meeting_end(now) - F("start"), output_field=DurationField())


def attended_by(person: str) -> Exists:
    return Exists(Attendance.objects.filter(meeting=OuterRef("pk"), identity=person))


def filtered_meetings(f: ReportFilters) -> QuerySet[Meeting]:
    """The meetings of the range (by start, in the team's time zone), room and person."""
    qs = Meeting.objects.filter(team=f.team, start__gte=f.start, start__lt=f.end)
    if f.room:
        qs = qs.filter(room=f.room)
    if f.person:
        qs = qs.filter(attended_by(f.person))
    return qs


def filtered_meetings_sql(f: ReportFilters) -> tuple[str, list[Any]]:
    """`filtered_meetings` as an SQL condition on `m` (attendance_meeting), for raw queries."""
    where = ["m.team_id = %s", "m.start >= %s", "m.start < %s"]
    params: list[Any] = [f.team.pk, param(f.start), param(f.end)]
    if f.room:
        where.append("m.room = %s")
        params.append(f.room)
    if f.person:
        where.append(
            "EXISTS (SELECT 1 FROM attendance_attendance p"
            " WHERE p.meeting_id = m.id AND p.identity = %s)"
        )
        params.append(f.person)
    return " AND ".join(where), params


@dataclass(frozen=True)
class ListedMeeting:
    """A meeting as the list shows it. The attributes are named as the model's fields,
    so the table and the CSV read it like a `Meeting`."""

    pk: int
    room: str
    start: dt.datetime
    end: dt.datetime | None  # None while ongoing
    max_participants: int | None  # the peak, as Daily reports it
    session_count: int
    seconds: int  # its length, up to now while ongoing
    people: int  # distinct identified people
    guests: int  # guest sessions (each guest session is its own person)


def _query(f: ReportFilters, *, paged: bool) -> tuple[str, list[Any]]:
    d = dialect()
    where, where_params = filtered_meetings_sql(f)
    params: list[Any] = [param(f.now)]
    # A page's total: an uncorrelated subquery, which the database runs once.
    total = "NULL"
    if paged:
        total, total_params = _total(f, where, where_params)
        params += total_params
    params += where_params
    # Only constants are formatted in (the order comes from ORDERS); values are parameters.
    sql = f"""
SELECT m.id, m.room, {d.epoch("m.start")}, {d.epoch('m."end"')},
       m.max_participants, m.session_count,
       {d.epoch('COALESCE(m."end", %s)')} - {d.epoch("m.start")} AS seconds,
       (SELECT COUNT(DISTINCT a.identity) FROM attendance_attendance a
        WHERE a.meeting_id = m.id AND NOT a.is_guest) AS people,
       (SELECT COUNT(*) FROM attendance_attendance a
        WHERE a.meeting_id = m.id AND a.is_guest) AS guests,
       {total} AS total
FROM attendance_meeting m
WHERE {where}
ORDER BY {ORDERS.get(f.sort, ORDERS["-start"])}"""  # noqa: S608
    return sql, params


def _total(f: ReportFilters, where: str, params: list[Any]) -> tuple[str, list[Any]]:
    """The number of meetings of the filtered table, as a scalar subquery: from the
    report summaries (attendance.rollups) and the meetings not summarised, unless a
    person is filtered (then counted one by one)."""
    ps = None if f.person else periods.pieces(f.start, f.end)
    if ps is None:
        return f"(SELECT COUNT(*) FROM attendance_meeting m WHERE {where})", params  # noqa: S608
    stored, stored_params = periods.union(
        ps, "meetings AS n", "attendance_roomperiod", "team_id = %s AND room = %s",
        [f.team.pk, f.room],
    )  # fmt: skip
    rest = f"SELECT COUNT(*) FROM attendance_meeting m WHERE {where} AND m.summarised = %s"  # noqa: S608
    sql = f"(SELECT COALESCE(SUM(n), 0) FROM ({stored} UNION ALL {rest}) t)"  # noqa: S608
    return sql, [*stored_params, *params, False]


def _meeting(r: Sequence[Any]) -> ListedMeeting:
    return ListedMeeting(
        pk=int(r[0]),
        room=r[1],
        start=from_epoch(r[2]),
        end=from_epoch(r[3]),
        max_participants=r[4],
        session_count=int(r[5]),
        seconds=round(float(r[6])),
        people=int(r[7]),
        guests=int(r[8]),
    )


@dataclass(frozen=True)
class PersonInMeeting(Person):
    """One person's merged presence in one meeting."""

    identity: str
    guest_session: int
    name: str
    sessions: int
    seconds: int
    length: int  # the meeting's length in seconds
    first_join: dt.datetime
    last_leave: dt.datetime
    still_in: bool
    intervals: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 if self.length <= 0 else min(100.0, 100.0 * self.seconds / self.length)


def _presence(
    f: ReportFilters,
    meeting_ids: Sequence[int],
    person: str = "",
    order: str = "meeting_id",
    limit: int | None = None,
    offset: int = 0,
) -> list[tuple]:
    cte, params = presence_cte(Scope(filters=f, meeting_ids=meeting_ids, person=person))
    # Only constants are formatted in; every value is a parameter.
    sql = f"""{cte}
SELECT meeting_id, identity, guest_session, name, sessions, merged, m_len,
       first_join, last_leave, open, COUNT(*) OVER () AS total
FROM pm ORDER BY {order}, identity, guest_session"""  # noqa: S608
    if limit is not None:
        sql += "\nLIMIT %s OFFSET %s"
        params += [limit, offset]
    return fetch_all(sql, params)


def _person(r: tuple) -> PersonInMeeting:
    return PersonInMeeting(
        identity=r[1],
        guest_session=int(r[2]),
        name=r[3] or "",
        sessions=int(r[4]),
        seconds=round(float(r[5])),
        length=round(float(r[6])),
        first_join=from_epoch(r[7]),
        last_leave=from_epoch(r[8]),
        still_in=bool(r[9]),
    )


def person_presence(
    f: ReportFilters, meetings: Iterable[ListedMeeting]
) -> dict[int, PersonInMeeting]:
    """The filtered person's merged presence in each of `meetings` (one query)."""
    ids = [m.pk for m in meetings]
    if not f.person or not ids:
        return {}
    rows = _presence(f, ids, person=f.person)
    # A guest identity ("guest") is many people: only an identified person has a figure.
    return {int(r[0]): _person(r) for r in rows if int(r[2]) == 0}


@dataclass(frozen=True)
class MeetingRow:
    meeting: ListedMeeting
    presence: PersonInMeeting | None  # the filtered person's figures, if a person is filtered

    @property
    def seconds(self) -> int:
        return self.meeting.seconds

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    @property
    def ongoing(self) -> bool:
        return self.meeting.end is None


def _rows(f: ReportFilters, meetings: list[ListedMeeting]) -> list[MeetingRow]:
    presence = person_presence(f, meetings)
    return [MeetingRow(m, presence.get(m.pk)) for m in meetings]


def meetings_page(f: ReportFilters) -> Page:
    sql, params = _query(f, paged=True)

    def fetch(limit: int, offset: int) -> tuple[list[ListedMeeting], int | None]:
        rows = fetch_all(f"{sql}\nLIMIT %s OFFSET %s", [*params, limit, offset])
        # The total is the last column, the same in every row.
        return [_meeting(r) for r in rows], (int(rows[0][-1]) if rows else None)

    page = page_of(fetch, f.page)
    page.object_list = _rows(f, page.object_list)
    return page


def meeting_rows(f: ReportFilters, chunk: int = 1000) -> Iterator[MeetingRow]:
    """Every meeting of the filtered table, streamed, with the person's figures if filtered."""
    sql, params = _query(f, paged=False)
    batch: list[ListedMeeting] = []
    for r in stream(sql, params, chunk):
        batch.append(_meeting(r))
        if len(batch) >= chunk:
            yield from _rows(f, batch)
            batch = []
    yield from _rows(f, batch)


# -- one meeting ---------------------------------------------------------------------
def meeting_participants(f: ReportFilters, meeting: Meeting) -> Page:
    """A page of the meeting's participants (guests included), each with their sessions."""

    def fetch(limit: int, offset: int) -> tuple[list[PersonInMeeting], int | None]:
        rows = _presence(f, [meeting.pk], order="first_join", limit=limit, offset=offset)
        if not rows:
            return [], None
        return [_person(r) for r in rows], int(rows[0][10])

    page = page_of(fetch, f.page)
    people: list[PersonInMeeting] = page.object_list
    if people:
        identities = {p.identity for p in people}
        by_key: dict[tuple[str, int], PersonInMeeting] = {
            (p.identity, p.guest_session): p for p in people
        }
        sessions = Attendance.objects.filter(meeting=meeting, identity__in=identities).order_by(
            "join", "id"
        )
        for s in sessions.only("id", "identity", "is_guest", "join", "leave"):
            person = by_key.get((s.identity, s.pk if s.is_guest else 0))
            if person is not None:
                person.intervals.append((s.join, s.leave))
    return page
