"""The figures behind the charts: per day, and per weekday and hour (team's time zone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from attendance.models import Attendance
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import filtered_meetings, meeting_length

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


def per_day(f: ReportFilters) -> list[Day]:
    """Every day of the range, the empty ones included."""
    rows = (
        filtered_meetings(f)
        .annotate(day=TruncDate("start", tzinfo=f.tz))
        .order_by()
        .values("day")
        .annotate(meetings=Count("id"), length=Sum(meeting_length(f.now)))
    )
    found = {
        r["day"]: (r["meetings"], round(r["length"].total_seconds()) if r["length"] else 0)
        for r in rows
    }
    return [Day(day, *found.get(day, (0, 0))) for day in f.days]


def heat_map(f: ReportFilters) -> list[list[int]]:
    """Meetings started per [weekday 0=Monday][hour 0-23]."""
    grid = [[0] * 24 for _ in WEEKDAYS]
    rows = (
        filtered_meetings(f)
        .annotate(
            weekday=ExtractIsoWeekDay("start", tzinfo=f.tz), hour=ExtractHour("start", tzinfo=f.tz)
        )
        .order_by()
        .values("weekday", "hour")
        # COUNT(*), not COUNT(id): the (team, start) index alone answers it (no table read).
        .annotate(n=Count("*"))
    )
    for r in rows:
        grid[r["weekday"] - 1][r["hour"]] = r["n"]
    return grid


def summary(f: ReportFilters, days: list[Day]) -> Summary:
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
    counts = per_person.aggregate(
        people=Count("person"),
        guests=Sum("sessions", filter=Q(person__isnull=True)),
    )
    busiest = max(days, key=lambda d: (d.meetings, d.seconds), default=None)
    return Summary(
        meetings=sum(d.meetings for d in days),
        seconds=sum(d.seconds for d in days),
        people=counts["people"] or 0,
        guests=counts["guests"] or 0,
        busiest=busiest if busiest and busiest.meetings else None,
    )
