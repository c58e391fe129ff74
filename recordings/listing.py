"""The recordings page's query: filters from the URL, one page of the mirror by SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from daily import InvalidInput
from daily import validation as daily_validation
from daily.enums import Dialect
from recordings import mirror
from recordings.models import MirroredRecording, Status
from teams.models import Team

PER_PAGE = 50
STATUS_CHOICES = [
    ("", _("Any status")),
    *[(s.value, s.label) for s in Status if s != Status.UNKNOWN],
]


class FilterForm(forms.Form):
    room = forms.CharField(required=False, max_length=128)
    start = forms.DateField(required=False, label=_("From"))
    end = forms.DateField(required=False, label=_("To"))
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)

    def clean_room(self) -> str:
        room = (self.cleaned_data.get("room") or "").strip()
        if room:
            try:
                daily_validation.room_name(room, dialect=Dialect.REST, field="room")
            except InvalidInput as exc:
                raise forms.ValidationError(exc.message) from None
        return room

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data


@dataclass(frozen=True)
class Query:
    room: str = ""
    start: date | None = None
    end: date | None = None
    status: str = ""

    @classmethod
    def from_form(cls, form: FilterForm) -> Query:
        if not form.is_valid():
            # Whatever is valid is kept; a bad field is left out and shown as an error.
            data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        else:
            data = form.cleaned_data
        return cls(
            room=data.get("room") or "",
            start=data.get("start"),
            end=data.get("end"),
            status=data.get("status") or "",
        )

    @property
    def params(self) -> QueryDict:
        q = QueryDict(mutable=True)
        if self.room:
            q["room"] = self.room
        if self.start:
            q["start"] = self.start.isoformat()
        if self.end:
            q["end"] = self.end.isoformat()
        if self.status:
            q["status"] = self.status
        return q


def filtered(team: Team, query: Query) -> QuerySet[MirroredRecording]:
    """The team's recordings matching the filters; dates are days in the team's time zone."""
    rows = mirror.recordings(team)
    if query.room:
        rows = rows.filter(room_name=query.room)
    if query.status:
        rows = rows.filter(status=query.status)
    zone = team.tz
    if query.start:
        rows = rows.filter(started_at__gte=datetime.combine(query.start, time.min, zone))
    if query.end:
        after = query.end + timedelta(days=1)
        rows = rows.filter(started_at__lt=datetime.combine(after, time.min, zone))
    return rows.order_by("-started_at", "-id")


def page_of(rows: QuerySet[MirroredRecording], number: Any) -> Page:
    return Paginator(rows, PER_PAGE).get_page(number)


def room_names(team: Team) -> list[str]:
    """The rooms that have recordings, for the filter (one indexed query)."""
    return list(
        mirror.recordings(team).order_by("room_name").values_list("room_name", flat=True).distinct()
    )


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}
