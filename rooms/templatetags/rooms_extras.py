from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def duration(seconds: object) -> str:
    """A length of time for people: "45 s", "12 min", "1 h 05 min"."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        return ""
    total = int(seconds)
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


@register.filter
def http_url(value: object) -> str:
    """The URL if it is http(s), else "": a link from Daily must never be javascript:."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value
    return ""


@register.filter
def count(value: object) -> str:
    """A count with thousands separators: "12,300" (the rooms of a large team)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    return f"{value:,}"
