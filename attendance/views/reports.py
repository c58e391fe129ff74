"""Attendance reports: meetings, one meeting, people, rooms, charts, and their CSVs.

Each view parses the query string with the report's form (bad input becomes a message
on the page, its default applies), calls one function of `attendance.reports`, and
renders the whole page or, for htmx, its `results` partial. A CSV view uses the same
form and the same query as its page, without the pagination.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from attendance.freshness import freshness
from attendance.models import Meeting
from attendance.reports import definitions, known, tables
from attendance.reports.charts import WEEKDAYS, heat_map, per_day, summary
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
from attendance.reports.svg import bar_chart, timeline, timeline_axis
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
        "range_note": definitions.RANGE.format(tz=team.time_zone),
        "ongoing_note": definitions.ONGOING.format(now=f.now.astimezone(f.tz).strftime("%H:%M %Z")),
    }


def _link(team: Team, report: str, request: HttpRequest, key: str) -> str:
    """The URL of `report` with the shared filters but `key`, ending with `key=`."""
    query = _query(request, tuple(k for k in SHARED if k != key))
    url = reverse(f"attendance:{report}", args=[team.slug])
    return f"{url}?{query}&{key}=" if query else f"{url}?{key}="


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _csv_url(report: str, team: Team, request: HttpRequest) -> str:
    if report not in ("meetings", "people", "rooms", "charts"):
        return ""
    url = reverse(f"attendance:{report}-csv", args=[team.slug])
    query = _query(request)
    return f"{url}?{query}" if query else url


def _back_to_page(report: str, team: Team, request: HttpRequest) -> HttpResponse:
    """A CSV asked with invalid filters: show the page with the message instead."""
    url = reverse(f"attendance:{report}", args=[team.slug])
    return redirect(f"{url}?{request.GET.urlencode()}")


# -- meetings ------------------------------------------------------------------------
@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def meetings(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, MeetingsForm)
    f = form.filters()
    page = meetings_page(f)
    explained = dict(definitions.MEETINGS)
    if f.person:
        explained.update(definitions.MEETINGS_PERSON)
    context = _context(request, "meetings", form, f, explained)
    context.update(page=page, caption=_count(page.paginator.count, "meeting"))
    return _render(request, "attendance/meetings.html", context)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def meetings_csv(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, MeetingsForm)
    if not form.is_valid():
        return _back_to_page("meetings", team, request)
    f = form.filters()
    rows = (tables.meeting_cells(f, row) for row in meeting_rows(f))
    return csv_response("meetings", team.slug, f.tz, tables.meetings_header(f), rows)


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
        "errors": ["Page: enter a whole number of at least 1."] if form.errors else [],
        "freshness": freshness(team),
        "definitions": definitions.MEETING,
        "ongoing_note": definitions.ONGOING.format(now=f.now.astimezone(f.tz).strftime("%H:%M %Z")),
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
    return f"{p.label}: {n} session{'s' if n != 1 else ''}, {p.minutes:.1f} minutes merged"


# -- people --------------------------------------------------------------------------
@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def people(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, PeopleForm)
    f = form.filters()
    page, totals = people_page(f)
    context = _context(request, "people", form, f, definitions.PEOPLE)
    context.update(
        page=page,
        totals=totals,
        caption=f"{totals.people:,} {'person' if totals.people == 1 else 'people'}",
    )
    return _render(request, "attendance/people.html", context)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def people_csv(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, PeopleForm)
    if not form.is_valid():
        return _back_to_page("people", team, request)
    f = form.filters()
    rows = (tables.person_cells(f, r) for r in people_rows(f))
    return csv_response("people", team.slug, f.tz, tables.PEOPLE_HEADER, rows)


# -- rooms ---------------------------------------------------------------------------
@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def rooms(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, RoomsForm)
    f = form.filters()
    page = rooms_page(f)
    context = _context(request, "rooms", form, f, definitions.ROOMS)
    context.update(page=page, caption=_count(page.paginator.count, "room"))
    return _render(request, "attendance/rooms.html", context)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def rooms_csv(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, RoomsForm)
    if not form.is_valid():
        return _back_to_page("rooms", team, request)
    f = form.filters()
    rows = (tables.room_cells(f, r) for r in room_rows(f))
    return csv_response("rooms", team.slug, f.tz, tables.ROOMS_HEADER, rows)


# -- charts --------------------------------------------------------------------------
@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def charts(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, ChartsForm)
    f = form.filters()
    days = per_day(f)
    grid = heat_map(f)
    context = _context(request, "charts", form, f, definitions.CHARTS)
    context.update(
        days=days,
        grid=grid,
        summary=summary(f, days),
        meetings_chart=bar_chart(
            days, value=lambda d: d.meetings, title="Meetings per day", unit="meetings"
        ),
        minutes_chart=bar_chart(
            days,
            value=lambda d: d.minutes,
            title="Meeting minutes per day",
            unit="minutes",
            decimals=0,
        ),
        heat_chart=heat_map_svg(grid, tz_name=team.time_zone),
        heat_rows=list(zip(WEEKDAYS, grid, strict=True)),
        hours=range(24),
    )
    return _render(request, "attendance/charts.html", context)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def charts_csv(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = _form(request, team, ChartsForm)
    if not form.is_valid():
        return _back_to_page("charts", team, request)
    f = form.filters()
    return csv_response(
        "meetings-per-day", team.slug, f.tz, tables.DAYS_HEADER, tables.day_cells(per_day(f))
    )
