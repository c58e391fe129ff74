"""The meetings report (a list) and one meeting's page (who was there, and when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from attendance.models import Attendance, Meeting
from attendance.reports.filters import ReportFilters
from attendance.reports.pages import page_of, queryset_page
from attendance.reports.presence import Scope, presence_cte
from attendance.reports.sql import fetch_all, from_epoch

ORDERS = {
    "-start": ("-start", "-id"),
    "start": ("start", "id"),
    "room": ("room", "-start", "-id"),
    "-length": ("-length", "-start", "-id"),
    "-peak": (F("max_participants").desc(nulls_last=True), "-start", "-id"),
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


def _count(**conditions) -> Coalesce:
    """Per meeting: distinct identified people, or guest sessions (a correlated subquery,
    run only for the rows of the page)."""
    sessions = Attendance.objects.filter(meeting=OuterRef("pk"), **conditions)
    counted = Count("identity", distinct=True) if not conditions["is_guest"] else Count("id")
    sub = sessions.order_by().values("meeting").annotate(n=counted).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def meetings_queryset(f: ReportFilters) -> QuerySet[Meeting]:
    return (
        filtered_meetings(f)
        .annotate(
            length=meeting_length(f.now),
            people=_count(is_guest=False),
            guests=_count(is_guest=True),
        )
        .order_by(*ORDERS.get(f.sort, ORDERS["-start"]))
    )


@dataclass(frozen=True)
class PersonInMeeting:
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
    def is_guest(self) -> bool:
        return self.guest_session != 0

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    @property
    def percent(self) -> float:
        return 100.0 if self.length <= 0 else min(100.0, 100.0 * self.seconds / self.length)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return "Guest" if self.is_guest else self.identity


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


def person_presence(f: ReportFilters, meetings: Iterable[Meeting]) -> dict[int, PersonInMeeting]:
    """The filtered person's merged presence in each of `meetings` (one query)."""
    ids = [m.pk for m in meetings]
    if not f.person or not ids:
        return {}
    rows = _presence(f, ids, person=f.person)
    # A guest identity ("guest") is many people: only an identified person has a figure.
    return {int(r[0]): _person(r) for r in rows if int(r[2]) == 0}


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    presence: PersonInMeeting | None  # the filtered person's figures, if a person is filtered

    @property
    def seconds(self) -> int:
        return round(self.meeting.length.total_seconds())

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    @property
    def ongoing(self) -> bool:
        return self.meeting.end is None


def _rows(f: ReportFilters, meetings: list[Meeting]) -> list[MeetingRow]:
    presence = person_presence(f, meetings)
    return [MeetingRow(m, presence.get(m.pk)) for m in meetings]


def meetings_page(f: ReportFilters) -> Page:
    page = queryset_page(meetings_queryset(f), f.page)
    page.object_list = _rows(f, list(page.object_list))
    return page


def meeting_rows(f: ReportFilters, chunk: int = 1000) -> Iterator[MeetingRow]:
    """Every meeting of the filtered table, streamed, with the person's figures if filtered."""
    batch: list[Meeting] = []
    for meeting in meetings_queryset(f).iterator(chunk_size=chunk):
        batch.append(meeting)
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
