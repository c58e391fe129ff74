"""The dashboard's dates in templates (`teams.dates`): ``{% load when %}``, then
``{{ value|day }}``, ``{{ value|day_time }}``, ``{{ value|clock }}``, ``{% ago value %}``
and ``{% at value %}`` (the last two as ``<time>`` elements)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from teams import dates

register = template.Library()

# As filters the second argument is unused: the time zone in force applies.
register.filter("day", lambda value: dates.day(value))
register.filter("day_time", lambda value: dates.day_time(value))
register.filter("clock", lambda value: dates.clock(value))
# The words alone ("3 minutes ago"), where the moment itself is shown beside them.
register.filter("ago", lambda value, now=None: dates.ago(value, now or None))


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _zone() -> str:
    return timezone.get_current_timezone_name()


@register.simple_tag
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """``<time datetime="…" title="5 Dec 2026, 14:05 (UTC)">3 minutes ago</time>``."""
    if value is None:
        return ""
    title = f"{dates.day_time(value)} ({_zone()})"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', _iso(value), title, dates.ago(value, now)
    )


@register.simple_tag
def at(value: date | datetime | None) -> str:
    """``<time datetime="…">5 Dec 2026, 14:05</time>`` (a day alone for a date)."""
    if value is None:
        return ""
    shown = dates.day_time(value) if isinstance(value, datetime) else dates.day(value)
    return format_html('<time datetime="{}">{}</time>', _iso(value), shown)
