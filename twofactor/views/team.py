"""A team's second-factor requirement: a tab of the team's settings, for owners."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.audit import perform_local
from teams.models import AuditAction, Membership, Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import request_id
from twofactor import policy, services
from twofactor.forms import PolicyForm


def _people(team: Team):
    """The team's owners and admins, each with whether they have a second factor."""
    has_factor = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    return (
        Membership.objects.filter(team=team, role__in=policy.COVERED_ROLES)
        .select_related("user")
        .annotate(has_factor=Exists(has_factor))
        .order_by("user__username")
    )


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_TEAM)
def team_policy(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    required = policy.is_required(team)
    form = PolicyForm(
        request.POST if request.method == "POST" else None, initial={"required": required}
    )
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["required"]
        if wanted == required:
            messages.info(request, gettext("Nothing changed."))
            return redirect("twofactor:team_policy", team_slug=team.slug)
        if wanted and not services.has_second_factor(request.user):
            # Whoever turns it on would be the first one sent away: set up yours first.
            form.add_error(
                "required",
                gettext("Turn on your own second factor first, then come back to require it."),
            )
            return _page(request, team, form)
        note = (
            "Owners and admins must use a second factor."
            if wanted
            else "A second factor is no longer required."
        )
        perform_local(
            actor=request.user,
            team=team,
            permission=Permission.MANAGE_TEAM,
            action=AuditAction.SECOND_FACTOR_POLICY,
            target=team.name,
            operation=lambda: policy.set_required(team, wanted),
            request_id=request_id(request),
            message=note,
        )
        shown = (
            gettext("Owners and admins must use a second factor.")
            if wanted
            else gettext("A second factor is no longer required.")
        )
        messages.success(request, gettext("Saved. %(note)s") % {"note": shown})
        return redirect("twofactor:team_policy", team_slug=team.slug)
    return _page(request, team, form)


def _page(request: HttpRequest, team: Team, form: PolicyForm) -> HttpResponse:
    context = {"form": form, "people": _people(team), "setup_url": reverse("twofactor:setup")}
    return render(request, "twofactor/team_policy.html", context)
