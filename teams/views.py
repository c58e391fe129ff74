from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from teams.models import Membership, Role, Team


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The teams this person may administer, with their role in each."""
    if request.user.is_superuser:
        rows = [(team, Role.OWNER) for team in Team.objects.all()]
    else:
        memberships = Membership.objects.filter(user=request.user).select_related("team")
        rows = [(m.team, Role(m.role)) for m in memberships]
    return render(request, "teams/home.html", {"rows": rows})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
