"""Dashboard memberships (owners only): invite by email, resend or revoke an invitation,
change a role, remove; the last owner of a team can be neither demoted nor removed.

Nothing here looks accounts up: an invitation goes to an address, and the page says it was
sent whatever logins exist (teams.services.invitations)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from teams.audit import Refused
from teams.forms import AlertPreferenceForm, InviteForm, MemberRoleForm
from teams.models import Invitation, Membership, Role, Team
from teams.permissions import Permission, role_of, team_view
from teams.services import invitations, memberships
from teams.views.common import request_id


def _page(
    request: HttpRequest, team: Team, *, invite_form: InviteForm | None = None
) -> HttpResponse:
    own = Membership.objects.filter(team=team, user_id=request.user.pk).first()
    context = {
        "members": memberships.members_page(team),
        "invitations": invitations.pending(team),
        "invite_form": invite_form or InviteForm(),
        "own_membership": own,
        "roles": Role.choices,
        "now": timezone.now(),
        "invitation_days": settings.INVITATION_DAYS,
    }
    return render(request, "teams/members.html", context)


def _done(request: HttpRequest, team: Team) -> HttpResponse:
    """Back to the list, or out of the team's settings when the actor lost access."""
    if role_of(request.user, team) == Role.OWNER:
        return redirect("teams:members", team_slug=team.slug)
    return redirect("home")


def _link_for(request: HttpRequest) -> invitations.LinkFor:
    def link(token: str) -> str:
        return request.build_absolute_uri(reverse("invitation", args=[token]))

    return link


@require_GET
@team_view(Permission.MANAGE_TEAM)
def members(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    return _page(request, team)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def invite(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, team, invite_form=form)
    email = form.cleaned_data["email"]
    try:
        invitation = invitations.invite(
            actor=request.user,
            team=team,
            email=email,
            role=Role(form.cleaned_data["role"]),
            link_for=_link_for(request),
            request_id=request_id(request),
        )
    except Refused as exc:
        messages.error(request, exc.shown)
        return redirect("teams:members", team_slug=team.slug)
    messages.success(
        request, gettext("Invitation sent to %(email)s.") % {"email": invitation.email}
    )
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def invitation_resend(
    request: HttpRequest, invitation_id: int, *, team: Team, role: Role
) -> HttpResponse:
    try:
        invitation = invitations.resend(
            actor=request.user,
            team=team,
            invitation_id=invitation_id,
            link_for=_link_for(request),
            request_id=request_id(request),
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation") from None
    except Refused as exc:
        messages.error(request, exc.shown)
    else:
        messages.success(
            request,
            gettext("Invitation sent again to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def invitation_revoke(
    request: HttpRequest, invitation_id: int, *, team: Team, role: Role
) -> HttpResponse:
    try:
        invitation = invitations.revoke(
            actor=request.user,
            team=team,
            invitation_id=invitation_id,
            request_id=request_id(request),
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation") from None
    except Refused as exc:
        messages.error(request, exc.shown)
    else:
        messages.success(
            request,
            gettext("The invitation to %(email)s is revoked.") % {"email": invitation.email},
        )
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def alert_preference(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form = AlertPreferenceForm(request.POST)
    form.is_valid()  # a checkbox: absent is off
    enabled = bool(form.cleaned_data.get("alert_emails"))
    try:
        memberships.set_alert_emails(
            actor=request.user, team=team, enabled=enabled, request_id=request_id(request)
        )
    except Membership.DoesNotExist:
        # A superuser acting as owner has no membership: there is nothing to opt out of.
        messages.error(request, gettext("Alerts go to the team's owners; you are not one of them."))
        return redirect("teams:members", team_slug=team.slug)
    if enabled:
        said = gettext("You will get %(team)s's alerts by email.")
    else:
        said = gettext("You will no longer get %(team)s's alerts by email.")
    messages.success(request, said % {"team": team.name})
    return redirect("teams:members", team_slug=team.slug)


def _change(request: HttpRequest, team: Team, change: Callable[[], str]) -> HttpResponse:
    """Run a role change or removal; a refusal comes back as a message on the page."""
    try:
        message = change()
    except Membership.DoesNotExist:
        raise Http404("No such member") from None
    except Refused as exc:
        messages.error(request, exc.shown)
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
        messages.error(request, gettext("Choose owner, admin or manager."))
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
        return gettext("%(user)s is now %(role)s of %(team)s.") % {
            "user": m.user.get_username(),
            "role": new_role.in_sentence,
            "team": team.name,
        }

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
        return gettext("%(user)s can no longer use %(team)s.") % {
            "user": m.user.get_username(),
            "team": team.name,
        }

    return _change(request, team, change)
