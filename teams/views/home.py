from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from teams.forms import TeamCreateForm
from teams.permissions import may_connect_team, teams_of
from teams.services import team_settings
from teams.views.common import request_id


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The team picker; someone with exactly one team goes straight to it."""
    rows = teams_of(request.user)
    if len(rows) == 1:
        return redirect("dashboard:overview", team_slug=rows[0][0].slug)
    return render(request, "teams/home.html", {"rows": rows})


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    """Connect a Daily team: the token is tried against Daily before anything is saved, and
    the person who connects it becomes its first owner. Who may: TEAM_CONNECT_ALLOWED."""
    if not may_connect_team(request.user):
        raise PermissionDenied(gettext("You may not connect a Daily team to this dashboard."))
    form = TeamCreateForm(request.POST or None, initial={"dialect": "rest", "time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        try:
            team = team_settings.create_team(
                actor=request.user, data=form.cleaned_data, request_id=request_id(request)
            )
        except team_settings.ConnectRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(
                request,
                gettext("Team %(team)s connected: Daily accepted its token.") % {"team": team.name},
            )
            return redirect("teams:settings", team_slug=team.slug)
    return render(request, "teams/team_create.html", {"form": form})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
