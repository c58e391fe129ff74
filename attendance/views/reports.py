"""Attendance reports: meetings, people, rooms, charts and their CSVs, and one meeting.

The four reports are rows of one registry (`REPORTS`): one page view and one CSV view
serve them all. The page parses the query string with the report's form (bad input
becomes a message on the page, its default applies), calls the report's functions of
`attendance.reports`, and renders the whole page or, for htmx, its `results` partial.
The CSV uses the same form and the same query as its page, without the pagination.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from attendance.freshness import freshness
from attendance.models import Meeting
from attendance.reports import definitions, known, tables
from attendance.reports.charts import heat_map, per_day, summary
from attendance.reports.export import csv_response
from attendance.reports.filters import ReportFilters
from attendance.reports.forms import (
    ChartsForm,
    MeetingForm,
    MeetingsForm,
    PeopleForm,
    ReportForm,
    RoomsForm,
)
from attendance.reports.meetings import meeting_participants, meeting_rows, meetings_page
from attendance.reports.people import people_page, people_rows
from attendance.reports.rooms import room_rows, rooms_page
from attendance.reports.svg import bar_chart, timeline, timeline_axis, weekdays
from attendance.reports.svg import heat_map as heat_map_svg
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import respond

SHARED = ("from", "to", "room", "person")


def _form(request: HttpRequest, team: Team, form_class: type[ReportForm]) -> ReportForm:
    return form_class(request.GET, team=team, rooms=known.rooms(team))


def _query(request: HttpRequest, keys: tuple[str, ...] | None = None) -> str:
    """The current query string, without the page (and limited to `keys` if given)."""
    pairs = [
        (k, v)
        for k, values in request.GET.lists()
        for v in values
        if k != "page" and (keys is None or k in keys) and v != ""
    ]
    return urlencode(pairs)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or its `results` partial for htmx (the project's one rule)."""
    return respond(request, template, "results", context)


def _context(
    request: HttpRequest,
    report: str,
    form: ReportForm,
    f: ReportFilters,
    explained: dict[str, str],
) -> dict[str, Any]:
    team = f.team
    return {
        "report": report,
        "form": form,
        "filters": f,
        "tz": f.tz,
        "errors": form.error_messages(),
        "freshness": freshness(team),
        "shared_query": _query(request, SHARED),
        # Links from a row to the meetings of that person or room, keeping the range.
        "person_link": _link(team, "meetings", request, "person"),
        "room_link": _link(team, "meetings", request, "room"),
        "csv_url": _csv_url(report, team, request),
        "definitions": explained,
        "range_note": definitions.RANGE % {"tz": team.time_zone},
        "ongoing_note": _ongoing_note(f),
    }


def _link(team: Team, report: str, request: HttpRequest, key: str) -> str:
    """The URL of `report` with the shared filters but `key`, ending with `key=`."""
    query = _query(request, tuple(k for k in SHARED if k != key))
    url = reverse(f"attendance:{report}", args=[team.slug])
    return f"{url}?{query}&{key}=" if query else f"{url}?{key}="


def _ongoing_note(f: ReportFilters) -> str:
    return definitions.ONGOING % {"now": f.now.astimezone(f.tz).strftime("%H:%M %Z")}


def _count(n: int, text: str) -> str:
    """``1,234 meetings`` (``1.234 Besprechungen``): `text` is ngettext's for `n`, with
    ``%(count)s``."""
    return text % {"count": number_format(n, force_grouping=True)}


def _csv_url(report: str, team: Team, request: HttpRequest) -> str:
    if report not in REPORTS:
        return ""
    url = reverse(f"attendance:{report}_csv", args=[team.slug])
    query = _query(request)
    return f"{url}?{query}" if query else url


def _back_to_page(report: str, team: Team, request: HttpRequest) -> HttpResponse:
    """A CSV asked with invalid filters: show the page with the message instead."""
    url = reverse(f"attendance:{report}", args=[team.slug])
    return redirect(f"{url}?{request.GET.urlencode()}")


# -- the reports: one page view and one CSV view over the registry -------------------
@dataclass(frozen=True)
class Report:
    """A report of the registry: its form, its page's template and figures, its CSV.

    `page` gives what the page shows besides the shared context; `csv` gives the CSV's
    header and rows (an iterable, read as the response streams). Both take the filters.
    """

    name: str
    form: type[ReportForm]
    template: str
    definitions: Callable[[ReportFilters], dict[str, str]]
    page: Callable[[ReportFilters], dict[str, Any]]
    csv_name: str
    csv: Callable[[ReportFilters], tuple[Sequence[str], Iterable[Sequence[Any]]]]


def _meetings_definitions(f: ReportFilters) -> dict[str, str]:
    explained = dict(definitions.MEETINGS)
    if f.person:
        explained.update(definitions.MEETINGS_PERSON)
    return explained


def _meetings_page(f: ReportFilters) -> dict[str, Any]:
    page = meetings_page(f)
    n = page.paginator.count
    return {
        "page": page,
        "caption": _count(n, ngettext("%(count)s meeting", "%(count)s meetings", n)),
    }


def _meetings_csv(f: ReportFilters):
    rows = (tables.meeting_cells(f, row) for row in meeting_rows(f))
    return tables.meetings_header(f), rows


def _people_page(f: ReportFilters) -> dict[str, Any]:
    page, totals = people_page(f)
    caption = _count(totals.people, ngettext("%(count)s person", "%(count)s people", totals.people))
    return {"page": page, "totals": totals, "caption": caption}


def _people_csv(f: ReportFilters):
    return tables.PEOPLE_HEADER, (tables.person_cells(f, r) for r in people_rows(f))


def _rooms_page(f: ReportFilters) -> dict[str, Any]:
    page = rooms_page(f)
    n = page.paginator.count
    return {"page": page, "caption": _count(n, ngettext("%(count)s room", "%(count)s rooms", n))}


def _rooms_csv(f: ReportFilters):
    return tables.ROOMS_HEADER, (tables.room_cells(f, r) for r in room_rows(f))


def _charts_page(f: ReportFilters) -> dict[str, Any]:
    days = per_day(f)
    grid = heat_map(f)
    return {
        "days": days,
        "grid": grid,
        "summary": summary(f, days),
        "meetings_chart": bar_chart(
            days,
            value=lambda d: d.meetings,
            title=gettext("Meetings per day"),
            unit=lambda n: ngettext("%(count)s meeting", "%(count)s meetings", n),
        ),
        "minutes_chart": bar_chart(
            days,
            value=lambda d: d.minutes,
            title=gettext("Meeting minutes per day"),
            unit=lambda n: ngettext("%(count)s minute", "%(count)s minutes", n),
            decimals=0,
        ),
        "heat_chart": heat_map_svg(grid, tz_name=f.team.time_zone),
        "heat_rows": list(zip(weekdays(), grid, strict=True)),
        "hours": range(24),
    }


def _charts_csv(f: ReportFilters):
    return tables.DAYS_HEADER, tables.day_cells(per_day(f))


def _fixed(explained: dict[str, str]) -> Callable[[ReportFilters], dict[str, str]]:
    return lambda f: explained


REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report(
            name="meetings",
            form=MeetingsForm,
            template="attendance/meetings.html",
            definitions=_meetings_definitions,
            page=_meetings_page,
            csv_name="meetings",
            csv=_meetings_csv,
        ),
        Report(
            name="people",
            form=PeopleForm,
            template="attendance/people.html",
            definitions=_fixed(definitions.PEOPLE),
            page=_people_page,
            csv_name="people",
            csv=_people_csv,
        ),
        Report(
            name="rooms",
            form=RoomsForm,
            template="attendance/rooms.html",
            definitions=_fixed(definitions.ROOMS),
            page=_rooms_page,
            csv_name="rooms",
            csv=_rooms_csv,
        ),
        Report(
            name="charts",
            form=ChartsForm,
            template="attendance/charts.html",
            definitions=_fixed(definitions.CHARTS),
            page=_charts_page,
            csv_name="meetings-per-day",
            csv=_charts_csv,
        ),
    )
}


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def report_page(request: HttpRequest, *, report: str, team: Team, role: Role) -> HttpResponse:
    """A report's page (or, for htmx, its results): filters from the query string, bad
    input a message on the page with the default applied."""
    r = REPORTS[report]
    form = _form(request, team, r.form)
    f = form.filters()
    figures = r.page(f)
    context = _context(request, r.name, form, f, r.definitions(f))
    context.update(figures)
    return _render(request, r.template, context)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def report_csv(request: HttpRequest, *, report: str, team: Team, role: Role) -> HttpResponse:
    """A report's CSV: the page's form and query, every row (no pagination). Invalid
    filters send back to the page, which says what is wrong."""
    r = REPORTS[report]
    form = _form(request, team, r.form)
    if not form.is_valid():
        return _back_to_page(r.name, team, request)
    f = form.filters()
    header, rows = r.csv(f)
    return csv_response(r.csv_name, team.slug, f.tz, header, rows)


# -- one meeting -----------------------------------------------------------------------
@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def meeting(request: HttpRequest, meeting_id: int, *, team: Team, role: Role) -> HttpResponse:
    m = get_object_or_404(Meeting, pk=meeting_id, team=team)
    form = MeetingForm(request.GET)
    page_number = (form.cleaned_data.get("page") or 1) if form.is_valid() else 1
    f = ReportFilters.default(team, page=page_number)
    page = meeting_participants(f, m)
    end = m.end or f.now
    people = [
        (
            p,
            timeline(p.intervals, start=m.start, end=end, label=_timeline_label(p, f), tz=f.tz),
        )
        for p in page.object_list
    ]
    context = {
        "meeting": m,
        "meeting_end": end,
        "length_minutes": (end - m.start).total_seconds() / 60,
        "page": page,
        "people": people,
        "axis": timeline_axis(m.start, end, f.tz),
        "tz": f.tz,
        "filters": f,
        "errors": [gettext("Page: enter a whole number of at least 1.")] if form.errors else [],
        "freshness": freshness(team),
        "definitions": definitions.MEETING,
        "ongoing_note": _ongoing_note(f),
        "person_link": reverse("attendance:meetings", args=[team.slug]) + "?person=",
        "room_query": urlencode(
            {
                "room": m.room,
                "from": m.start.astimezone(f.tz).date().isoformat(),
                "to": m.start.astimezone(f.tz).date().isoformat(),
            }
        ),
    }
    return _render(request, "attendance/meeting.html", context)


def _timeline_label(p, f: ReportFilters) -> str:
    n = len(p.intervals)
    return ngettext(
        "%(person)s: %(count)s session, %(minutes)s minutes merged",
        "%(person)s: %(count)s sessions, %(minutes)s minutes merged",
        n,
    ) % {"person": p.label, "count": n, "minutes": number_format(p.minutes, 1)}
