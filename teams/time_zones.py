"""The team time zone field: a text input with a searchable list of zones (`<datalist>`),
the usual ones first, each with its offset from UTC now; checked on the server, with the
names it probably meant when a name is not a zone."""

from __future__ import annotations

import difflib
import zoneinfo
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Offered first: where most teams are (and the dashboard's own zone, and the team's).
COMMON = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
# The IANA regions of canonical "Region/City" names; the rest (US/Eastern, Etc/GMT+5,
# EST5EDT…) are aliases and legacy names: accepted when typed, not offered.
REGIONS = {
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}


@cache
def all_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _by_lower() -> dict[str, str]:
    return {name.lower(): name for name in all_names()}


@cache
def offered() -> tuple[str, ...]:
    """Canonical names, alphabetically."""
    return tuple(sorted(n for n in all_names() if n.split("/", 1)[0] in REGIONS))


def choices(current: str | None = None) -> list[str]:
    """The list as shown: the team's zone, the dashboard's, the common ones, then the rest."""
    first = [current, settings.TIME_ZONE, *COMMON]
    head = list(dict.fromkeys(n for n in first if n and n in all_names()))
    return head + [n for n in offered() if n not in head]


def offset(name: str, now: datetime | None = None) -> str:
    """ "UTC+01:00" now (daylight saving time included)."""
    delta = (now or datetime.now(UTC)).astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def normalize(value: str) -> str:
    """The zone's own spelling of a name typed in any case, or raise a ValidationError
    naming the closest zones."""
    value = value.strip()
    if value in all_names():
        return value
    known = _by_lower().get(value.lower().replace(" ", "_"))
    if known:
        return known
    close = difflib.get_close_matches(value.lower(), list(_by_lower()), n=3, cutoff=0.6)
    hint = ""
    if close:
        names = [_by_lower()[c] for c in close]
        hint = " " + gettext("Did you mean %(names)s?") % {"names": gettext(" or ").join(names)}
    raise forms.ValidationError(
        _(
            "“%(value)s” is not a time zone.%(hint)s Choose one from the list: "
            "a region and a city, such as Europe/Paris."
        ),
        code="unknown_time_zone",
        params={"value": value[:64], "hint": hint},
    )


class TimeZoneInput(forms.TextInput):
    """A text input and its `<datalist>`: the browser filters the list as one types."""

    template_name = "teams/widgets/time_zone.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-list"
        context["widget"]["attrs"]["list"] = list_id
        now = datetime.now(UTC)
        context["list_id"] = list_id
        context["zones"] = [(n, offset(n, now)) for n in choices(value if value else None)]
        return context


class TimeZoneField(forms.CharField):
    widget = TimeZoneInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize(value) if value else value
