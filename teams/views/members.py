"""Dashboard memberships (owners only): add an existing user or create one, change a role,
remove; the last owner of a team can be neither demoted nor removed."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from teams.audit import Refused
from teams.forms import MemberAddForm, MemberCreateForm, MemberRoleForm
from teams.models import Membership, Role, Team
from teams.permissions import Permission, role_of, team_view
from teams.services import memberships
from teams.views.common import request_id


def _page(
    request: HttpRequest,
    team: Team,
    *,
    add_form: MemberAddForm | None = None,
    create_form: MemberCreateForm | None = None,
) -> HttpResponse:
    context = {
        "members": memberships.members_page(team),
        "add_form": add_form or MemberAddForm(),
        "create_form": create_form or MemberCreateForm(),
        "roles": Role.choices,
    }
    return render(request, "teams/members.html", context)


def _done(request: HttpRequest, team: Team) -> HttpResponse:
    """Back to the list, or out of the team's settings when the actor lost access."""
    if role_of(request.user, team) == Role.OWNER:
        return redirect("teams:members", team_slug=team.slug)
    return redirect("home")


@require_GET
@team_view(Permission.MANAGE_TEAM)
def members(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    return _page(request, team)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def member_add(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _page(request, team, add_form=form)
    user = form.cleaned_data["user"]
    try:
        memberships.add_member(
            actor=request.user,
            team=team,
            user=user,
            role=Role(form.cleaned_data["role"]),
            request_id=request_id(request),
        )
    except Refused as exc:
        form.add_error("user", exc.message)
        return _page(request, team, add_form=form)
    messages.success(request, f"{user.get_username()} can now use {team.name}.")
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def member_create(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = MemberCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, team, create_form=form)
    data = form.cleaned_data
    try:
        memberships.create_member(
            actor=request.user,
            team=team,
            username=data["username"],
            email=data.get("email") or "",
            password=data["password1"],
            role=Role(data["role"]),
            request_id=request_id(request),
        )
    except Refused as exc:
        form.add_error("username", exc.message)
        return _page(request, team, create_form=form)
    messages.success(
        request,
        f"Login {data['username']} created. Give them the password by a channel you trust.",
    )
    return redirect("teams:members", team_slug=team.slug)


def _change(request: HttpRequest, team: Team, change: Callable[[], str]) -> HttpResponse:
    """Run a role change or removal; a refusal comes back as a message on the page."""
    try:
        message = change()
    except Membership.DoesNotExist:
        raise Http404("No such member") from None
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return _done(request, team)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def member_role(
    request: HttpRequest, membership_id: int, *, team: Team, role: Role
) -> HttpResponse:
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, admin or manager.")
        return redirect("teams:members", team_slug=team.slug)
    new_role = Role(form.cleaned_data["role"])

    def change() -> str:
        m = memberships.change_role(
            actor=request.user,
            team=team,
            membership_id=membership_id,
            role=new_role,
            request_id=request_id(request),
        )
        return f"{m.user.get_username()} is now {new_role.label.lower()} of {team.name}."

    return _change(request, team, change)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def member_remove(
    request: HttpRequest, membership_id: int, *, team: Team, role: Role
) -> HttpResponse:
    def change() -> str:
        m = memberships.remove_member(
            actor=request.user,
            team=team,
            membership_id=membership_id,
            request_id=request_id(request),
        )
        return f"{m.user.get_username()} can no longer use {team.name}."

    return _change(request, team, change)
