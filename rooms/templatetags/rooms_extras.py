from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from rooms import words
from rooms.views.table import RoomRow, RowHtml

register = template.Library()


@register.filter
def duration(seconds: object) -> str:
    """A length of time for people: "45 s", "12 min", "1 h 05 min" (the units in the
    reader's language: "12 Min.", "1 Std. 05 Min.")."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        return ""
    total = int(seconds)
    if total < 60:
        return pgettext("duration unit", "%(seconds)s s") % {"seconds": total}
    minutes = total // 60
    if minutes < 60:
        return pgettext("duration unit", "%(minutes)s min") % {"minutes": minutes}
    return pgettext("duration unit", "%(hours)s h %(minutes)s min") % {
        "hours": minutes // 60,
        "minutes": f"{minutes % 60:02d}",
    }


@register.filter
def http_url(value: object) -> str:
    """The URL if it is http(s), else "": a link from Daily must never be javascript:."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value
    return ""


@register.filter
def count(value: object) -> str:
    """A count with the language's thousands separators: "12,300", "12.300" (the rooms of a
    large team)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    return words.number(value)


@register.filter
def privacy_word(value: object) -> str:
    """Daily's privacy (or a bulk job's stored English word for it) in the reader's
    language."""
    return words.privacy_word(value)


@register.filter
def outcome(value: object) -> str:
    """A bulk job's stored English sentence in the reader's language."""
    return words.outcome(str(value or ""))


def _row_html(context: template.Context) -> RowHtml:
    return RowHtml(
        can_manage=bool(context.get("can_manage")),
        has_created=bool(context.get("has_created")),
        privacy_choices=context.get("privacy_choices") or (),
        time_zone=context.get("time_zone") or "UTC",
        csrf_token=context.get("csrf_token"),
    )


@register.simple_tag(takes_context=True)
def room_rows(context: template.Context, rows: Iterable[RoomRow]) -> SafeString:
    """The rows of a page of the rooms list (`rooms.views.table.RowHtml`)."""
    return _row_html(context).rows(rows)


@register.simple_tag(takes_context=True)
def room_row(context: template.Context, row: RoomRow) -> SafeString:
    """One row of the rooms list, alone (htmx swaps it in place): saved, or failed with
    its retry form (the partial `row-retry` of `rooms/list.html`)."""
    failed = bool(context.get("error_message"))
    retry = ""
    if failed:
        retry = get_template("rooms/list.html#row-retry").render(context.flatten())
    html = _row_html(context).row(row, saved=bool(context.get("saved")), failed=failed, retry=retry)
    return mark_safe(html)  # noqa: S308 - RowHtml escapes every value; retry is a template's
