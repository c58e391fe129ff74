"""The rows of the rooms list: each room with its links (detail, privacy, delete).

The table is rendered per request from a page of the mirror (`rooms.listing.search`):
a page is a few indexed queries, so nothing of it is cached. Its 50 rows are written by
`RowHtml` in Python (the `room_rows` and `room_row` tags of `rooms_extras`): through the
template engine, a row's dozen variables, its privacy choices, CSRF field and two dates
cost several times more than the rest of the page. Every value is escaped as the
template engine would (`html.escape`, which Django's `escape` wraps: the same text,
without its lazy-string wrapper, a third of the rows' cost).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from daily import Privacy, Room
from rooms import listing
from rooms.words import NOT_REPORTED, privacy_word
from teams import dates

# Stands for the room in a URL reversed once for every row; the last occurrence is the room.
_ROOM = "@room@"
# What `reverse` leaves unquoted in a path, but "/": a name must not add a path segment.
_SAFE = RFC3986_SUBDELIMS + "~:@"


def _room_url(viewname: str, team_slug: str) -> Callable[[str], str]:
    """`lambda quoted: reverse(viewname, args=[team_slug, room])` for a room name already
    quoted by `_quote`, for the cost of one `reverse`."""
    head, _, tail = reverse(viewname, args=[team_slug, _ROOM]).rpartition(_ROOM)
    return lambda quoted: f"{head}{quoted}{tail}"


def _quote(room: str) -> str:
    """The room as `reverse` quotes it in a path."""
    return quote(room, safe=_SAFE)


@dataclass(frozen=True, slots=True)
class RoomRow:
    """A room as a row of the list shows it, with its links."""

    name: str
    privacy: Privacy | None
    created_at: datetime | None
    url: str
    privacy_url: str
    delete_url: str


class RoomRows:
    """Rows of a team's rooms, their links made without a `reverse` per link (the list
    would make 150 of them, a cost close to that of rendering the rows)."""

    def __init__(self, team_slug: str) -> None:
        self._detail = _room_url("rooms:detail", team_slug)
        self._privacy = _room_url("rooms:privacy", team_slug)
        self._delete = _room_url("rooms:delete", team_slug)

    def row(self, room: listing.ListedRoom | Room) -> RoomRow:
        quoted = _quote(room.name)
        return RoomRow(
            name=room.name,
            privacy=room.privacy,
            created_at=room.created_at,
            url=self._detail(quoted),
            privacy_url=self._privacy(quoted),
            delete_url=self._delete(quoted),
        )


def _zone(name: str) -> zoneinfo.ZoneInfo | timezone.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()  # a team's zone is validated when saved


class RowHtml:
    """The HTML of rows of the list for one viewer: what the row partial of
    `rooms/list.html` would write, from the parts made once per page (the CSRF field, the
    privacy choices for each privacy, the month names, the time zone)."""

    def __init__(
        self,
        *,
        can_manage: bool,
        has_created: bool,
        privacy_choices: Sequence[Privacy],
        time_zone: str,
        csrf_token: str | None,
    ) -> None:
        self._manage = can_manage
        self._created = has_created
        self._choices = tuple(privacy_choices)
        self._zone = _zone(time_zone)
        # As `{% csrf_token %}` writes it (nothing without a token).
        token = str(csrf_token or "")
        self._csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token and token != "NOTPROVIDED"  # noqa: S105 - Django's "no token" marker
            else ""
        )
        # `date:"M"` is the month's short name, translated, title-cased (English's pattern,
        # written here without the template engine; another language's by teams.dates).
        self._months = ["", *(str(MONTHS_3[m]).title() for m in range(1, 13))]
        self._english_dates = (get_language() or "en").split("-")[0] == "en"
        self._options: dict[Privacy | None, str] = {}
        # The row's words, translated once per page ("%(room)s": the escaped name).
        self._not_reported = escape(str(NOT_REPORTED))
        self._select = escape(gettext("Select %(room)s"))
        self._privacy_of = escape(gettext("Privacy of %(room)s"))
        self._save_for = escape(gettext("Save privacy for %(room)s"))
        self._save = escape(pgettext("room privacy", "Save"))
        self._saved = escape(pgettext("room privacy", "Saved"))
        self._delete = escape(pgettext("room", "Delete"))

    def _privacy_options(self, privacy: Privacy | None) -> str:
        options = self._options.get(privacy)
        if options is None:
            parts = (
                []
                if privacy
                else [f'<option value="" selected disabled>{self._not_reported}</option>']
            )
            for choice in self._choices:
                selected = " selected" if choice == privacy else ""
                value, label = escape(str(choice.value)), escape(privacy_word(choice))
                parts.append(f'<option value="{value}"{selected}>{label}</option>')
            options = self._options[privacy] = "".join(parts)
        return options

    def _created_cell(self, created: datetime | None) -> str:
        if created is None:
            return f'<td><span class="muted">{self._not_reported}</span></td>'
        local = created.astimezone(self._zone) if timezone.is_aware(created) else created
        if self._english_dates:
            label = (
                f"{local.day} {self._months[local.month]} {local.year:04d}, "
                f"{local.hour:02d}:{local.minute:02d}"
            )
        else:
            label = dates.day_time(local, self._zone)
        return f'<td><time datetime="{escape(local.isoformat())}">{escape(label)}</time></td>'

    def row(
        self, row: RoomRow, *, saved: bool = False, failed: bool = False, retry: str = ""
    ) -> str:
        """One row; `retry` is the (already rendered) retry form of a failed change."""
        name = escape(row.name)
        named = {"room": name}
        state = " row-failed" if failed else " row-saved" if saved else ""
        parts = [f'<tr class="room-row{state}">']
        if self._manage:
            url = escape(row.privacy_url)
            delete = escape(row.delete_url)
            # A privacy change is saved when asked for (Save, or Enter on the select), never
            # on an arrow key (app.js, `data-save-when-asked`); the select's id (a room name
            # is letters, digits, '-' and '_') gets focus back after the row is swapped.
            parts.append(
                f'<td class="select-col"><input type="checkbox" name="rooms" value="{name}"'
                f' form="bulk-form" aria-label="{self._select % named}"></td>'
                f'<td><a href="{escape(row.url)}">{name}</a></td>'
                f'<td><form class="privacy-form" method="post" action="{url}" hx-post="{url}"'
                ' hx-target="closest tr" hx-swap="outerHTML" data-save-when-asked>'
                f'{self._csrf}<select id="privacy-{name}" name="privacy" class="auto-width"'
                f' aria-label="{self._privacy_of % named}">'
                f"{self._privacy_options(row.privacy)}</select>"
                ' <button type="submit" class="small" data-save'
                f' aria-label="{self._save_for % named}">{self._save}</button>'
                + (f' <span class="saved" role="status">{self._saved}</span>' if saved else "")
                + "</form></td>"
            )
        else:
            label = escape(privacy_word(row.privacy)) if row.privacy else self._not_reported
            parts.append(f'<td><a href="{escape(row.url)}">{name}</a></td><td>{label}</td>')
        if self._created:
            parts.append(self._created_cell(row.created_at))
        if self._manage:
            parts.append(
                f'<td class="actions"><a class="button small danger-outline" href="{delete}"'
                f' hx-get="{delete}" hx-target="closest tr" hx-swap="outerHTML">{self._delete}</a>'
                f"{retry}</td>"
            )
        parts.append("</tr>")
        return "".join(parts)

    def rows(self, rows: Iterable[RoomRow]) -> SafeString:
        # Every value above is escaped; the fixed markup is ours.
        return mark_safe("\n".join(self.row(row) for row in rows))  # noqa: S308
