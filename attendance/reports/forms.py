"""The query string of a report, validated. The same form drives a page and its CSV.

A field that does not validate is shown with its message and left out (its default
applies); the other filters still apply. Nothing a person types can cause a 500.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from attendance.reports.filters import DEFAULT_DAYS, MAX_DAYS, ReportFilters, local_today
from teams.models import Team

# Far from the ends of the calendar, where a day in a time zone would not be a datetime.
DATE_BOUNDS = [
    MinValueValidator(dt.date(1970, 1, 1), _("Choose a date after 1970.")),
    MaxValueValidator(dt.date(2999, 12, 31), _("Choose a date before 3000.")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RoomInput(forms.TextInput):
    """A text box suggesting the rooms of the synced history (a `<datalist>`).

    A team may have thousands of rooms: the suggestions are written in one pass rather
    than through an option template each (which made a `<select>` most of a page's time).
    """

    def __init__(self, rooms: Sequence[str] = ()) -> None:
        super().__init__(
            attrs={"placeholder": _("All rooms"), "autocomplete": "off", "spellcheck": "false"}
        )
        self.rooms = rooms

    def render(self, name, value, attrs=None, renderer=None) -> str:
        attrs = {**(attrs or {})}
        suggestions = f"{attrs.get('id') or name}-suggestions"
        attrs["list"] = suggestions
        box = super().render(name, value, attrs, renderer)
        # html.escape, not format_html per option: the same escaping, at a tenth of the cost.
        options = "".join(f'<option value="{html.escape(r)}">' for r in self.rooms)
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            box,
            suggestions,
            mark_safe(options),  # noqa: S308
        )


class ReportForm(forms.Form):
    """From and to (days in the team's time zone, both included), room, person, page, sort."""

    # Drawn in the filter bar (templates/forms/field.html): errors are said above the results.
    field_class = "filter"
    optional_marks = False

    # (value, label, default direction) of the sortable columns; the first is the default.
    SORTS: Sequence[tuple[str, str]] = ()

    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=DATE_BOUNDS
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=DATE_BOUNDS
    )
    room = forms.CharField(label=_("Room"), required=False, max_length=128)
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=255,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("email or user id"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput())
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    # The query string uses the short names "from" and "to".
    RENAMES = {"date_from": "from", "date_to": "to"}

    def __init__(
        self,
        data: Any,
        *,
        team: Team,
        rooms: Sequence[str],
        now: dt.datetime | None = None,
    ) -> None:
        self.team = team
        self.now = (now or timezone.now()).replace(microsecond=0)
        today = local_today(team.tz, self.now)
        self.default_from = today - dt.timedelta(days=DEFAULT_DAYS - 1)
        self.default_to = today
        # The date inputs show the range in use, the default one included.
        data = data.copy()
        for key, default in (("from", self.default_from), ("to", self.default_to)):
            if not data.get(key):
                data[key] = default.isoformat()
        super().__init__(data)
        self.fields = {self.RENAMES.get(name, name): f for name, f in self.fields.items()}
        self.known_rooms = frozenset(rooms)
        self.fields["room"].widget = RoomInput(rooms)
        self.fields["sort"].choices = [("", ""), *((v, v) for v, _label in self.SORTS)]

    def clean_room(self) -> str:
        room = (self.cleaned_data.get("room") or "").strip()
        if room and room not in self.known_rooms:
            raise forms.ValidationError(
                gettext("No meeting has been synced in a room named “%(room)s”.") % {"room": room},
                code="unknown_room",
            )
        return room

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", gettext("The end date is before the start date."))
        elif (start or self.default_from) and (end or self.default_to):
            span = ((end or self.default_to) - (start or self.default_from)).days + 1
            if span > MAX_DAYS:
                self.add_error("to", gettext("Choose at most %(days)s days.") % {"days": MAX_DAYS})
        return data

    # -- the filters -----------------------------------------------------------------
    def valid(self, name: str, default: Any = None) -> Any:
        """A field's cleaned value if it validated, else the default."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        if name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def filters(self) -> ReportFilters:
        self.is_valid()
        bad_dates = "from" in self.errors or "to" in self.errors
        return ReportFilters(
            team=self.team,
            date_from=self.default_from if bad_dates else self.valid("from", self.default_from),
            date_to=self.default_to if bad_dates else self.valid("to", self.default_to),
            room=self.valid("room", ""),
            person=self.valid("person", ""),
            now=self.now,
            page=self.valid("page", 1),
            sort=self.valid("sort", self.SORTS[0][0] if self.SORTS else ""),
            **self.extra_filters(),
        )

    def extra_filters(self) -> dict[str, Any]:
        return {}

    def error_messages(self) -> list[str]:
        """One sentence per invalid field, for the message above the table."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                out.append(f"{label}: {error}" if label else str(error))
        return out

    def get_context(self) -> dict[str, Any]:
        """{{ form }} draws the filters only: the sort and the page are the links' business
        (a change of filters starts again on the first page)."""
        context = super().get_context()
        context["fields"] = [
            (bf, errors) for bf, errors in context["fields"] if bf.name not in ("sort", "page")
        ]
        context["hidden_fields"] = []
        return context


class MeetingsForm(ReportForm):
    SORTS = (
        ("-start", _("Newest first")),
        ("start", _("Oldest first")),
        ("room", _("Room")),
        ("-length", _("Longest")),
        ("-peak", _("Most participants")),
    )


class PeopleForm(ReportForm):
    SORTS = (
        ("-minutes", _("Most minutes")),
        ("minutes", _("Fewest minutes")),
        ("-meetings", _("Most meetings")),
        ("-sessions", _("Most sessions")),
        ("person", _("Person")),
        ("first_join", _("First join")),
        ("-last_leave", _("Last leave")),
    )

    min_percent = forms.IntegerField(
        label=_("Attended ≥ (%)"),
        required=False,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"placeholder": _("any %"), "inputmode": "numeric"}),
    )
    guests = forms.BooleanField(label=_("Include guests"), required=False)

    def extra_filters(self) -> dict[str, Any]:
        return {
            "min_percent": self.valid("min_percent"),
            "include_guests": bool(self.valid("guests", False)),
        }


class RoomsForm(ReportForm):
    SORTS = (
        ("-meetings", _("Most meetings")),
        ("-minutes", _("Most minutes")),
        ("-peak", _("Highest peak")),
        ("-last_used", _("Recently used")),
        ("last_used", _("Least recently used")),
        ("room", _("Room")),
    )

    unused = forms.IntegerField(
        label=_("Unused for (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": _("any"), "inputmode": "numeric"}),
    )

    def extra_filters(self) -> dict[str, Any]:
        return {"unused_days": self.valid("unused")}


class ChartsForm(ReportForm):
    SORTS = ()


class MeetingForm(forms.Form):
    """The one meeting page: only its pagination."""

    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
