from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from attendance.freshness import freshness
from teams.models import Dialect, Role, Team
from teams.permissions import Permission, team_view
from teams.services import mirror_status
from teams.services import overview as overview_service
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
    }
    return respond(request, "teams/overview.html", "overview-body", context)


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
    url = reverse(f"teams:{page if page in RETRY_PAGES else 'overview'}", args=[team.slug])
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
        return redirect("teams:overview", team_slug=team.slug)
    context = {"live": overview_service.live_now(team), "live_seconds": LIVE_SECONDS}
    return respond(request, "teams/overview.html", "live-now", context)
