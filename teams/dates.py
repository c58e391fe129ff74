"""How the dashboard writes dates and times: one convention for every page, mail and message.

- a day: ``5 Dec 2026`` (`day`);
- a moment: ``5 Dec 2026, 14:05`` (`day_time`), in the time zone in force (a team's pages
  read in the team's, `teams.permissions.team_view`);
- a time of a day already stated nearby: ``14:05`` (`clock`);
- a chart's day axis: ``4 Dec`` under each bar, the chart's description giving the range;
- how long ago: ``3 minutes ago``, ``just now`` (`ago`), one unit, always with the moment
  itself at hand (the `{% ago %}` tag puts it in a ``<time>`` element's ``title``).

Dates typed in are ISO (``2026-12-05``), the value of ``<input type="date">``.

Each language writes them its own way (`PATTERNS`, in Django's date format letters; the
month names are Django's own translations): in German ``5. Dez. 2026, 14:05``, ``vor
3 Minuten``. A language not in `PATTERNS` writes them as English does.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from django.utils import timezone
from django.utils.dateformat import format as django_format
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language, gettext, npgettext_lazy

DAY = "j M Y"
DAY_TIME = "j M Y, H:i"
CLOCK = "H:i"
PATTERNS = {
    "en": {"day": DAY, "day_time": DAY_TIME, "clock": CLOCK},
    # "5. Dez. 2026", "7. März 2026" (N: the month as newspapers abbreviate it).
    "de": {"day": "j. N Y", "day_time": "j. N Y, H:i", "clock": "H:i"},
}
JUST_NOW_SECONDS = 60
# The units of "3 minutes ago" and "in 2 hours", said after "ago"/"in" (German inflects them
# there: "vor 3 Tagen", not Django's "3 Tage").
TIME_STRINGS = {
    "year": npgettext_lazy("how long ago", "%(num)d year", "%(num)d years", "num"),
    "month": npgettext_lazy("how long ago", "%(num)d month", "%(num)d months", "num"),
    "week": npgettext_lazy("how long ago", "%(num)d week", "%(num)d weeks", "num"),
    "day": npgettext_lazy("how long ago", "%(num)d day", "%(num)d days", "num"),
    "hour": npgettext_lazy("how long ago", "%(num)d hour", "%(num)d hours", "num"),
    "minute": npgettext_lazy("how long ago", "%(num)d minute", "%(num)d minutes", "num"),
}


def _pattern(kind: str) -> str:
    """The pattern of `kind` in the active language (its base: "de" for "de-at")."""
    language = (get_language() or "en").split("-")[0]
    return PATTERNS.get(language, PATTERNS["en"])[kind]


def _local(value: datetime, tz: tzinfo | None) -> datetime:
    """In `tz`, else in the time zone in force (a team's, on its pages)."""
    return timezone.localtime(value, tz) if timezone.is_aware(value) else value


def day(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _local(value, tz)
    return django_format(value, _pattern("day"))


def day_time(value: datetime | None, tz: tzinfo | None = None) -> str:
    if value is None or value == "":
        return ""
    return django_format(_local(value, tz), _pattern("day_time"))


def clock(value: datetime | None, tz: tzinfo | None = None) -> str:
    return (
        "" if value is None or value == "" else django_format(_local(value, tz), _pattern("clock"))
    )


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """``3 minutes ago``, ``in 2 hours``, ``just now``: the largest unit only."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    if abs(seconds) < JUST_NOW_SECONDS:
        return gettext("just now")
    if seconds > 0:
        return gettext("%(time)s ago") % {
            "time": timesince(value, now, time_strings=TIME_STRINGS, depth=1)
        }
    return gettext("in %(time)s") % {
        "time": timeuntil(value, now, time_strings=TIME_STRINGS, depth=1)
    }
