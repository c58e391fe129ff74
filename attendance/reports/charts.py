"""The figures behind the charts: per day, and per weekday and hour (team's time zone).

Without a person filter they are read from the report summaries (attendance.rollups):
the team's (or the room's) 15-minute slots of the range, added up per local hour, and
the meetings not summarised yet; with one, from the person's meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from attendance.models import Attendance, Grain, RoomPeriod
from attendance.reports import periods
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import filtered_meetings, meeting_length
from attendance.reports.sql import fetch_all, param

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Day:
    day: dt.date
    meetings: int
    seconds: int

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class Summary:
    meetings: int
    seconds: int
    people: int
    guests: int
    busiest: Day | None

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def average_minutes(self) -> float:
        return self.minutes / self.meetings if self.meetings else 0.0


def _summarised(f: ReportFilters) -> list | None:
    """The range's pieces when the summaries answer (no person filter), else None."""
    if f.person:
        return None
    return periods.pieces(f.start, f.end)


def _slots(f: ReportFilters) -> QuerySet[RoomPeriod]:
    """The team's (or the room's) 15-minute slots of the range: each lies within one hour
    of every time zone, so they add up per local day and hour exactly."""
    return RoomPeriod.objects.filter(
        team=f.team, room=f.room, grain=Grain.SLOT, start__gte=f.start, start__lt=f.end
    ).order_by()


def per_day(f: ReportFilters) -> list[Day]:
    """Every day of the range, the empty ones included."""
    found: dict[dt.date, list] = {}
    meetings = filtered_meetings(f)
    if _summarised(f) is not None:
        stored = (
            _slots(f)
            .annotate(day=TruncDate("start", tzinfo=f.tz))
            .values("day")
            .annotate(n=Sum("meetings"), seconds=Sum("seconds"))
        )
        found = {r["day"]: [r["n"], r["seconds"]] for r in stored}
        meetings = meetings.filter(summarised=False)
    rows = (
        meetings.annotate(day=TruncDate("start", tzinfo=f.tz))
        .order_by()
        .values("day")
        .annotate(meetings=Count("id"), length=Sum(meeting_length(f.now)))
    )
    for r in rows:
        cell = found.setdefault(r["day"], [0, 0.0])
        cell[0] += r["meetings"]
        cell[1] += r["length"].total_seconds() if r["length"] else 0
    return [Day(day, *_day(found.get(day))) for day in f.days]


def _day(cell: list | None) -> tuple[int, int]:
    return (0, 0) if cell is None else (cell[0], round(cell[1]))


def heat_map(f: ReportFilters) -> list[list[int]]:
    """Meetings started per [weekday 0=Monday][hour 0-23]."""
    grid = [[0] * 24 for _ in WEEKDAYS]
    meetings = filtered_meetings(f)
    local = {
        "weekday": ExtractIsoWeekDay("start", tzinfo=f.tz),
        "hour": ExtractHour("start", tzinfo=f.tz),
    }
    if _summarised(f) is not None:
        for r in _slots(f).annotate(**local).values("weekday", "hour").annotate(n=Sum("meetings")):
            grid[r["weekday"] - 1][r["hour"]] += r["n"]
        meetings = meetings.filter(summarised=False)
    rows = (
        meetings.annotate(**local)
        .order_by()
        .values("weekday", "hour")
        # COUNT(*), not COUNT(id): the (team, start) index alone answers it (no table read).
        .annotate(n=Count("*"))
    )
    for r in rows:
        grid[r["weekday"] - 1][r["hour"]] += r["n"]
    return grid


def summary(f: ReportFilters, days: list[Day]) -> Summary:
    ps = _summarised(f)
    counts = _counts(f) if ps is None else _summarised_counts(f, ps)
    busiest = max(days, key=lambda d: (d.meetings, d.seconds), default=None)
    return Summary(
        meetings=sum(d.meetings for d in days),
        seconds=sum(d.seconds for d in days),
        people=counts["people"] or 0,
        guests=counts["guests"] or 0,
        busiest=busiest if busiest and busiest.meetings else None,
    )


def _summarised_counts(f: ReportFilters, ps: list) -> dict[str, int]:
    """Distinct identified people and guest sessions of the range: the summaries' days and
    months, the stored presence of the slots at the ends, the unsummarised meetings."""
    room = [f.room] if f.room else []
    room_sql = " AND room = %s" if f.room else ""
    people, params = periods.people(f.team.pk, [f.room], ps, f.start, f.end)
    guests, guest_params = periods.union(
        ps, "guests AS n", "attendance_roomperiod", "team_id = %s AND room = %s",
        [f.team.pk, f.room],
    )  # fmt: skip
    guests += f"""
        UNION ALL SELECT COUNT(*) FROM attendance_meeting m
        JOIN attendance_attendance a ON a.meeting_id = m.id
        WHERE m.team_id = %s AND m.summarised = %s AND m.start >= %s AND m.start < %s
          AND a.is_guest{room_sql.replace("room", "m.room")}"""  # noqa: S608
    guest_params += [f.team.pk, False, param(f.start), param(f.end), *room]
    # Only constants are formatted in; values are parameters.
    sql = f"""SELECT (SELECT COUNT(DISTINCT identity) FROM ({people}) p),
                     (SELECT SUM(n) FROM ({guests}) g)"""  # noqa: S608
    row = fetch_all(sql, [*params, *guest_params])[0]
    return {"people": int(row[0] or 0), "guests": int(row[1] or 0)}


def _counts(f: ReportFilters) -> dict[str, int]:
    # The sessions of the filtered meetings (range, room, and the person's meetings).
    sessions = Attendance.objects.filter(meeting__in=filtered_meetings(f))
    # Grouped by person first (all the guest sessions in one group, NULL), then counted:
    # the groups are a small hash table (one per person), where COUNT(DISTINCT identity)
    # would sort every identified session of the range.
    per_person = (
        sessions.annotate(person=Case(When(is_guest=False, then=F("identity"))))
        .order_by()
        .values("person")
        .annotate(sessions=Count("*"))
    )
    return per_person.aggregate(
        people=Count("person"),
        guests=Sum("sessions", filter=Q(person__isnull=True)),
    )
