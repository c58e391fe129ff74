from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from dashboard.services import mirror_status
from dashboard.services import users as users_service
from teams.forms import RemoveUserForm
from teams.models import Role, Team
from teams.permissions import Permission, has_permission, team_view
from teams.views.common import (
    poll_url,
    request_id,
    respond,
    wants_partial,
)

# Full-page answers to a removal that did not happen. htmx requests get 200 so the dialog
# is swapped in with its message (htmx does not swap error statuses by default).
REFUSED_STATUS = 409
UPSTREAM_STATUS = 502


@require_GET
@team_view(Permission.VIEW_TEAM)
def users(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    asked_at = mirror_status.asked_at(request.GET.get("after"))
    data = users_service.users_page(
        team, query=query, page=request.GET.get("page", 1), asked_at=asked_at
    )
    return respond(
        request,
        "dashboard/users.html",
        "users-region",
        {
            "page": data,
            "can_remove": has_permission(role, Permission.REMOVE_USERS),
            "poll_url": poll_url(request, asked_at),
        },
    )


@require_http_methods(["GET", "POST"])
@team_view(Permission.REMOVE_USERS)
def user_remove(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    """GET: the confirmation naming the person. POST: remove them from the Daily team."""
    form = RemoveUserForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return redirect("dashboard:users", team_slug=team.slug)
    email = form.cleaned_data["email"]
    if request.method == "GET":
        removal = users_service.removal(team, email)
        return respond(request, "dashboard/user_remove.html", "dialog", {"removal": removal})

    removal = users_service.remove_user(
        actor=request.user, team=team, email=email, request_id=request_id(request)
    )
    in_dialog = wants_partial(request)
    if removal.removed and not in_dialog:
        messages.success(
            request,
            gettext("%(user)s was removed from %(team)s.")
            % {"user": removal.user.label, "team": team.name},
        )
        return redirect("dashboard:users", team_slug=team.slug)
    status = 200
    if not in_dialog and not removal.removed:
        status = REFUSED_STATUS if removal.refused else UPSTREAM_STATUS
    # htmx posts from inside the open dialog: answer with its content only.
    response = respond(
        request, "dashboard/user_remove.html", "confirm", {"removal": removal}, status=status
    )
    if removal.removed:
        # The users table listens for this and reloads itself.
        trigger_client_event(response, "dashboard:users-changed")
    return response
