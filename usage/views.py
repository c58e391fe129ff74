"""The usage page (every role), its CSV, and the price form (owners and admins)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from attendance.reports.export import csv_response, minutes
from teams.audit import Refused
from teams.models import Role, Team
from teams.permissions import Permission, has_permission, team_view
from teams.views.common import request_id
from usage import figures
from usage.chart import month_chart
from usage.forms import PriceForm
from usage.services import SET_PRICE, set_price

PAGE = "usage/usage.html"
ROOMS_SHOWN = 50  # the most used rooms on the page; the CSV lists every room
# The CSV's header stays English whatever the reader's language, like its values ("total",
# "room"...) and the reports' CSVs: scripts read it by its names.
CSV_HEADER = ("Kind", "Room or person", "Identity", "Participant-minutes", "Estimated cost")


def _month(request: HttpRequest, team: Team, now: dt.datetime) -> tuple[figures.Month, str]:
    """The month asked for (default: this month, team's time zone) and a message when the
    query string held something else."""
    current = figures.current_month(team, now)
    raw = request.GET.get("month", "").strip()
    if not raw:
        return current, ""
    month = figures.parse_month(raw[:16])
    if month is None:
        return current, gettext(
            "“%(value)s” is not a month: pick one as YYYY-MM (for example %(example)s). "
            "Showing %(shown)s."
        ) % {"value": raw[:16], "example": current.key, "shown": current.label}
    if month.first > current.first:
        return current, gettext("%(month)s has not begun yet. Showing %(shown)s.") % {
            "month": month.label,
            "shown": current.label,
        }
    return month, ""


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _chart(
    team: Team, months: list[figures.Month], now: dt.datetime, price, pending: list[tuple]
) -> dict[str, Any]:
    recorded = figures.recording_seconds(team, months)
    every = figures.months_totals(team, months, now, pending)  # the twelve months at once
    rows = []
    for m in months:
        totals = every[m.key]
        rows.append(
            {
                "month": m,
                "seconds": totals.seconds,
                "minutes": totals.minutes,
                "participants": totals.people,
                "totals": totals,
                "recording_minutes": recorded[m.key] / 60,
                "cost": figures.cost(totals.seconds, price),
            }
        )
    bars = [
        (
            date_format(r["month"].first, "M")
            if i and r["month"].first.month != 1
            else r["month"].short,
            r["month"].label,
            r["minutes"],
        )
        for i, r in enumerate(rows)
    ]
    svg = month_chart(
        bars,
        title=gettext("Participant-minutes per month"),
        unit=lambda n: ngettext("%(count)s participant-minute", "%(count)s participant-minutes", n),
    )
    return {"months": rows, "chart": svg}


def _context(
    request: HttpRequest, team: Team, role: Role, form: PriceForm | None = None
) -> dict[str, Any]:
    now = timezone.now()
    month, problem = _month(request, team, now)
    price = figures.price_of(team)
    f = figures.month_filters(team, month, now, page=_page_number(request))
    months = figures.last_months(month)
    # The meetings not summarised (ongoing ones) of the chart's months, read once: the
    # chart, the people and the rooms of the month shown all add them.
    pending = figures.unsummarised_of(team, months, now)
    chart = _chart(team, months, now, price, pending)
    this = chart["months"][-1]  # the month shown: its totals computed once, with the chart
    people, totals = figures.person_page(f, this["totals"], pending)
    can_set = has_permission(role, SET_PRICE)
    if form is None and can_set:
        form = PriceForm(
            initial={"per_minute": price.per_minute, "currency": price.currency}
            if price
            else {"currency": "USD"}
        )
    rooms, rooms_used = figures.top_rooms(f, ROOMS_SHOWN, pending)
    current = figures.current_month(team, now)
    previous = figures.Month(figures.previous_month(month.first))
    following = figures.Month(figures.next_month(month.first))
    return {
        "month": month,
        "problem": problem,
        "previous": previous,
        "following": following if following.first <= current.first else None,
        "totals": totals,
        "cost": figures.cost(totals.seconds, price),
        "recording_minutes": this["recording_minutes"],
        "rooms": [{"row": r, "cost": figures.cost(r.seconds, price)} for r in rooms],
        "rooms_used": rooms_used,
        "people": people,
        "people_rows": [{"row": r, "cost": figures.cost(r.seconds, price)} for r in people],
        "price": price,
        "form": form,
        "can_set_price": can_set,
        "now": f.now,
        "tz": team.tz,
        **chart,
    }


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def usage_page(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    return render(request, PAGE, _context(request, team, role))


@require_POST
@team_view(SET_PRICE)
def price(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    form = PriceForm(request.POST)
    if not form.is_valid():
        return render(request, PAGE, _context(request, team, role, form), status=200)
    try:
        set_price(
            actor=request.user,
            team=team,
            per_minute=form.cleaned_data["per_minute"],
            currency=form.cleaned_data["currency"],
            request_id=request_id(request),
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Price saved."))
    url = reverse("usage:page", kwargs={"team_slug": team.slug})
    month = request.GET.get("month", "")
    if figures.parse_month(month[:16]):
        url += f"?month={month[:7]}"
    return redirect(url)


def csv_rows(team: Team, month: figures.Month, now: dt.datetime) -> Iterator[tuple]:
    """The month's total, rooms, people and recordings, one row each."""
    price = figures.price_of(team)
    f = figures.month_filters(team, month, now)
    totals = figures.month_totals(f)

    def money(seconds: float) -> str:
        value = figures.cost(seconds, price)
        return "" if value is None else f"{value} {price.currency}"  # type: ignore[union-attr]

    yield ("total", month.key, "", minutes(totals.seconds), money(totals.seconds))
    for r in figures.per_room(f):
        yield ("room", r.room, "", minutes(r.seconds), money(r.seconds))
    for p in figures.person_rows(f):
        identity = "" if p.is_guest else p.identity
        yield ("person", p.label, identity, minutes(p.seconds), money(p.seconds))
    recorded = figures.recording_seconds(team, [month])[month.key]
    yield ("recordings", month.key, "", minutes(recorded), "")


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def usage_csv(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    now = timezone.now()
    month, _ = _month(request, team, now)
    return csv_response(
        f"usage-{month.key}", team.slug, team.tz, CSV_HEADER, csv_rows(team, month, now)
    )
