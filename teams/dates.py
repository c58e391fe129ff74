"""How the dashboard writes dates and times: one convention for every page, mail and message.

- a day: ``5 Dec 2026`` (`day`);
- a moment: ``5 Dec 2026, 14:05`` (`day_time`), in the time zone in force (a team's pages
  read in the team's, `teams.permissions.team_view`);
- a time of a day already stated nearby: ``14:05`` (`clock`);
- a chart's day axis: ``4 Dec`` under each bar, the chart's description giving the range;
- how long ago: ``3 minutes ago``, ``just now`` (`ago`), one unit, always with the moment
  itself at hand (the `{% ago %}` tag puts it in a ``<time>`` element's ``title``).

Dates typed in are ISO (``2026-12-05``), the value of ``<input type="date">``.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from django.utils import timezone
from django.utils.dateformat import format as django_format
from django.utils.timesince import timesince, timeuntil

DAY = "j M Y"
DAY_TIME = "j M Y, H:i"
CLOCK = "H:i"
JUST_NOW_SECONDS = 60


def _local(value: datetime, tz: tzinfo | None) -> datetime:
    """In `tz`, else in the time zone in force (a team's, on its pages)."""
    return timezone.localtime(value, tz) if timezone.is_aware(value) else value


def day(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _local(value, tz)
    return django_format(value, DAY)


def day_time(value: datetime | None, tz: tzinfo | None = None) -> str:
    return "" if value is None or value == "" else django_format(_local(value, tz), DAY_TIME)


def clock(value: datetime | None, tz: tzinfo | None = None) -> str:
    return "" if value is None or value == "" else django_format(_local(value, tz), CLOCK)


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """``3 minutes ago``, ``in 2 hours``, ``just now``: the largest unit only."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    if abs(seconds) < JUST_NOW_SECONDS:
        return "just now"
    if seconds > 0:
        return f"{timesince(value, now, depth=1)} ago"
    return f"in {timeuntil(value, now, depth=1)}"
