from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from attendance.freshness import freshness
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services import overview as overview_service
from teams.views.common import respond


@require_GET
@team_view(Permission.VIEW_TEAM)
def overview(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    data = overview_service.build(team)
    context = {"overview": data, "freshness": freshness(team)}
    return respond(request, "teams/overview.html", "overview-body", context)
