"""The invitee's side of an invitation: open the link, then accept with one's login or a
new one. The token leaves the address bar at once (kept in the session), so it is never
sent on as a Referer nor left in the history of a shared computer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from teams.audit import Refused
from teams.forms import InviteeSignUpForm
from teams.models import Role
from teams.services import invitations
from teams.views.common import request_id

SESSION_KEY = "invitation_token"
# Logging in a login made here: the password just set is the proof, whatever other
# ways of logging in the site has.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_GET
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    request.session[SESSION_KEY] = token[:200]
    return redirect("invitation_accept")


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/invitation_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
@never_cache
def invitation_accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY, "")
    found = invitations.find(token)
    if found is None:
        request.session.pop(SESSION_KEY, None)
        return _invalid(request)
    signup_form = None
    if request.method == "POST":
        if request.user.is_authenticated:
            try:
                membership = invitations.accept(
                    token=token, user=request.user, request_id=request_id(request)
                )
            except Refused as exc:
                messages.error(request, exc.shown)
                return redirect("invitation_accept")
            return _welcome(request, membership)
        signup_form = InviteeSignUpForm(request.POST, email=found.invitation.email)
        if signup_form.is_valid():
            try:
                membership = invitations.sign_up_and_accept(
                    token=token,
                    username=signup_form.cleaned_data["username"],
                    password=signup_form.cleaned_data["password1"],
                    request_id=request_id(request),
                )
            except Refused as exc:
                signup_form.add_error(None, exc.shown)
            else:
                login(request, membership.user, backend=MODEL_BACKEND)
                return _welcome(request, membership)
    context = {
        "found": found,
        "signup_form": signup_form or InviteeSignUpForm(email=found.invitation.email),
        "login_url": f"{reverse('login')}?next={reverse('invitation_accept')}",
    }
    return render(request, "teams/invitation_accept.html", context)


def _welcome(request: HttpRequest, membership) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        gettext("Welcome to %(team)s: you are %(role)s.")
        % {"team": membership.team.name, "role": Role(membership.role).in_sentence},
    )
    return redirect("dashboard:overview", team_slug=membership.team.slug)
