from __future__ import annotations

import time
from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from attendance.freshness import freshness
from dashboard.services import mirror_status
from dashboard.services import overview as overview_service
from teams.models import Dialect, Role, Team
from teams.permissions import Permission, has_permission, team_view
from teams.views.common import poll_url, respond, wants_partial


@require_GET
@team_view(Permission.VIEW_TEAM)
def overview(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    asked_at = mirror_status.asked_at(request.GET.get("after"))
    data = overview_service.build(team, asked_at=asked_at)
    context = {
        "overview": data,
        "freshness": freshness(team),
        "poll_url": poll_url(request, asked_at),
        "cards": card_links(team, role),
    }
    return respond(request, "dashboard/overview.html", "overview-body", context)


def _link(name: str, team: Team, role: Role, permission: Permission, **query: str) -> str:
    """The page a stat card links to, if this role may open it (and it exists)."""
    if not has_permission(role, permission):
        return ""
    try:
        url = reverse(name, kwargs={"team_slug": team.slug})
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def card_links(team: Team, role: Role) -> dict[str, str]:
    """Each stat card opens the page that lists what it counts: the rooms, the users (or
    the people known), the meetings of the days the card counts, today's meetings (the
    ongoing ones marked) for "live now". A card whose page this role cannot open is no
    link."""
    today = overview_service.team_today(team)
    first = today - timedelta(days=overview_service.MEETINGS_DAYS - 1)
    days = {"from": first.isoformat(), "to": today.isoformat()}
    only_today = {"from": today.isoformat(), "to": today.isoformat()}
    meetings, view = "attendance:meetings", Permission.VIEW_ATTENDANCE
    return {
        "rooms": _link("rooms:list", team, role, Permission.VIEW_TEAM),
        "users": _link("dashboard:users", team, role, Permission.VIEW_TEAM),
        "meetings": _link(meetings, team, role, view, **days),
        "live": _link(meetings, team, role, view, **only_today),
    }


# The pages a "Try again" of the team's loading comes back to.
RETRY_PAGES = ("overview", "users")


@require_POST
@team_view(Permission.VIEW_TEAM)
def refresh(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    """The pages' "Try again" when the worker could not load the team from Daily (the
    rooms mirror): ask it again, then back to the page, which waits for the answer.

    Not audited, like the rooms page's "Refresh now": it changes nothing at Daily or in
    the dashboard, and it is debounced per team (`mirror_status.retry`)."""
    asked_at = time.time()
    page = request.POST.get("next", "")
    url = reverse(f"dashboard:{page if page in RETRY_PAGES else 'overview'}", args=[team.slug])
    failed = mirror_status.retry(team)
    if failed:
        messages.error(request, failed)
        return redirect(url)
    return redirect(f"{url}?after={asked_at:.3f}")


# How often the "live now" tile asks again while the overview is open.
LIVE_SECONDS = 30


@require_GET
@team_view(Permission.VIEW_TEAM)
def overview_live(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    """The overview's "live now" tile (REST); the page loads it, then every 30 s."""
    if not wants_partial(request) or team.dialect != Dialect.REST:
        return redirect("dashboard:overview", team_slug=team.slug)
    context = {
        "live": overview_service.live_now(team),
        "live_seconds": LIVE_SECONDS,
        "cards": card_links(team, role),
    }
    return respond(request, "dashboard/overview.html", "live-now", context)
