"""The filters every report shares, once validated: the date range as aware datetimes.

A meeting belongs to the day it started, in the team's time zone, and all of its
sessions count with it: the meetings, people, rooms and charts of one range agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.utils import timezone

from teams.models import Team

DEFAULT_DAYS = 30
MAX_DAYS = 366
PER_PAGE = 50


def local_today(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(tz).date()


def start_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Midnight of `day` in `tz`, as an aware datetime in UTC (DST-safe)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class ReportFilters:
    team: Team
    date_from: dt.date
    date_to: dt.date  # inclusive
    room: str = ""
    person: str = ""
    # Ongoing meetings and sessions count up to this instant (whole seconds, so every
    # figure is a whole number of seconds on every database).
    now: dt.datetime = field(default_factory=lambda: timezone.now().replace(microsecond=0))
    page: int = 1
    sort: str = ""
    # People report.
    min_percent: int | None = None
    include_guests: bool = False
    # Rooms report.
    unused_days: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        return self.team.tz

    @property
    def start(self) -> dt.datetime:
        """Meetings that started at or after this instant are in the range..."""
        return start_of_day(self.date_from, self.tz)

    @property
    def end(self) -> dt.datetime:
        """...and before this one (midnight after the last day)."""
        return start_of_day(self.date_to + dt.timedelta(days=1), self.tz)

    @property
    def days(self) -> list[dt.date]:
        n = (self.date_to - self.date_from).days + 1
        return [self.date_from + dt.timedelta(days=i) for i in range(n)]

    def with_page(self, page: int) -> ReportFilters:
        return replace(self, page=page)

    @classmethod
    def default(cls, team: Team, now: dt.datetime | None = None, **extra) -> ReportFilters:
        now = (now or timezone.now()).replace(microsecond=0)
        today = local_today(team.tz, now)
        return cls(
            team=team,
            date_from=today - dt.timedelta(days=DEFAULT_DAYS - 1),
            date_to=today,
            now=now,
            **extra,
        )
