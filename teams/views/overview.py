from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from attendance.freshness import freshness
from teams.models import Dialect, Role, Team
from teams.permissions import Permission, team_view
from teams.services import overview as overview_service
from teams.views.common import respond, wants_partial


@require_GET
@team_view(Permission.VIEW_TEAM)
def overview(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    data = overview_service.build(team)
    context = {"overview": data, "freshness": freshness(team)}
    return respond(request, "teams/overview.html", "overview-body", context)


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
