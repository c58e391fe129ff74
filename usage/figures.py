"""Participant-minutes per month: the people report's figures, read through its queries.

Daily bills video calls by the participant-minute ("Daily calculates 'participant-minutes'":
https://www.daily.co/blog/pricing-our-video-calling-api/; invoiced monthly for the
past billing period: https://help.daily.co/en/articles/3494538-billing-and-invoices).
Here a month's participant-minutes are the people report's minutes of that month with
guests included (`attendance.reports.people.people_page`, its totals): each person's time
in each meeting, their overlapping sessions merged, each guest session on its own.
Daily counts a second device as another participant, so its bill can be a little higher
than this estimate when people join twice at once; the page says so.

Per room, the same per-meeting merged rows (the people report's `presence_cte` for the
meetings not summarised and for guests, and the stored `MeetingPresence` rows of the
others) are added up by the meeting's room instead of by person: the rooms add up to the
month's total, as each person's meetings do.

A month is a calendar month in the team's time zone: a meeting belongs to the month it
started in, as it belongs to a day in every report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Page
from django.db.models import Q, Sum

from attendance.reports.filters import ReportFilters, local_today
from attendance.reports.people import Totals, people_page, people_rows
from attendance.reports.presence import Scope, presence_cte
from attendance.reports.sql import fetch_all, param
from recordings.models import MirroredRecording, Status
from teams.models import Team
from usage.models import UsagePrice

CHART_MONTHS = 12


@dataclass(frozen=True)
class Month:
    first: dt.date  # the month's first day

    @property
    def last(self) -> dt.date:
        return next_month(self.first) - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"

    @property
    def short(self) -> str:
        return f"{self.first:%b %Y}"


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: dt.date) -> dt.date:
    return dt.date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def current_month(team: Team, now: dt.datetime) -> Month:
    return Month(local_today(team.tz, now).replace(day=1))


def parse_month(raw: str) -> Month | None:
    """'2026-03' as a Month; None for anything else."""
    try:
        year, month = (int(part) for part in raw.split("-"))
        day = dt.date(year, month, 1)
    except ValueError:
        return None
    if len(raw) != 7:
        return None
    return Month(day) if 2000 <= day.year <= 9999 else None


def last_months(month: Month, count: int = CHART_MONTHS) -> list[Month]:
    """`count` months ending with `month`, oldest first."""
    out = [month]
    while len(out) < count:
        out.append(Month(previous_month(out[-1].first)))
    return out[::-1]


def month_filters(team: Team, month: Month, now: dt.datetime, **extra) -> ReportFilters:
    """The people report's filters for a month: guests included (they are participants)."""
    return ReportFilters(
        team=team,
        date_from=month.first,
        date_to=month.last,
        now=now.replace(microsecond=0),
        include_guests=True,
        **extra,
    )


def month_totals(f: ReportFilters) -> Totals:
    """The people report's totals of the range (one query)."""
    return people_page(f.with_page(1))[1]


def person_page(f: ReportFilters) -> tuple[Page, Totals]:
    """A page of people with their participant-minutes, and the range's totals."""
    return people_page(f)


person_rows = people_rows


@dataclass(frozen=True)
class RoomUsage:
    room: str
    seconds: int
    people: int  # participants: identified people and guest sessions

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def per_room(f: ReportFilters) -> list[RoomUsage]:
    """Participant-seconds per room of the range, most used first: one query."""
    scope = Scope(filters=f, include_guests=True, skip_summarised=True)
    cte, params = presence_cte(scope)
    # Only constants are formatted in; every value is a parameter.
    sql = f"""{cte}
SELECT room, SUM(seconds) AS seconds, COUNT(DISTINCT who) AS people FROM (
    SELECT mt.room AS room, pm.merged AS seconds,
           CASE WHEN pm.guest_session = 0 THEN pm.identity ELSE 'guest:' || pm.guest_session END
               AS who
    FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id
    UNION ALL
    SELECT room, merged, identity FROM attendance_meetingpresence
    WHERE team_id = %s AND start >= %s AND start < %s
) u
GROUP BY room
ORDER BY SUM(seconds) DESC, room"""  # noqa: S608
    params += [f.team.pk, param(f.start), param(f.end)]
    return [
        RoomUsage(room=r[0], seconds=round(float(r[1] or 0)), people=int(r[2]))
        for r in fetch_all(sql, params)
    ]


def recording_seconds(team: Team, months: list[Month]) -> dict[str, int]:
    """Seconds of finished cloud recordings started in each month (one query), from the
    recordings mirror (`recordings.models`: below this app, so read directly)."""
    tz = team.tz

    def bounds(m: Month) -> Q:
        start = dt.datetime.combine(m.first, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(next_month(m.first), dt.time.min, tzinfo=tz)
        return Q(started_at__gte=start, started_at__lt=end)

    if not months:
        return {}
    sums = MirroredRecording.objects.filter(team=team, status=Status.FINISHED).aggregate(
        **{f"m{i}": Sum("duration", filter=bounds(m)) for i, m in enumerate(months)}
    )
    return {m.key: int(sums[f"m{i}"] or 0) for i, m in enumerate(months)}


def price_of(team: Team) -> UsagePrice | None:
    return UsagePrice.objects.filter(team=team).first()


def cost(seconds: float, price: UsagePrice | None) -> Decimal | None:
    """The estimate for these participant-seconds, to the cent (None without a price)."""
    if price is None:
        return None
    minutes = Decimal(repr(float(seconds))) / 60
    return (minutes * price.per_minute).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
