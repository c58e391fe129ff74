"""Digest subscriptions (every role subscribes themselves) and the logged-out unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from attendance.models import Meeting
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import request_id
from usage import digests
from usage.forms import DigestForm
from usage.models import DigestSubscription

PAGE = "usage/digests.html"
UNSUBSCRIBE = "usage/unsubscribe.html"
NO_EMAIL = _("Your account has no email address: add one before subscribing.")


def _rooms(team: Team) -> list[str]:
    return list(
        Meeting.objects.filter(team=team)
        .exclude(room="")
        .order_by("room")
        .values_list("room", flat=True)
        .distinct()
    )


@require_http_methods(["GET", "POST"])
@team_view(Permission.VIEW_ATTENDANCE)
def digest_list(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    rooms = _rooms(team)
    form = DigestForm(request.POST or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        if not request.user.email:
            messages.error(request, NO_EMAIL)
        else:
            digests.subscribe(
                actor=request.user,
                team=team,
                period=form.cleaned_data["period"],
                rooms=form.cleaned_data["rooms"],
                threshold=form.cleaned_data["threshold"],
                request_id=request_id(request),
            )
            messages.success(
                request,
                gettext("Subscribed: the digest goes to %(email)s.")
                % {"email": request.user.email},
            )
            return redirect(reverse("usage:digests", kwargs={"team_slug": team.slug}))
    subscriptions = DigestSubscription.objects.filter(team=team, user=request.user).order_by(
        "created_at", "pk"
    )
    return render(
        request,
        PAGE,
        {"form": form, "subscriptions": subscriptions, "email": request.user.email},
    )


@require_POST
@team_view(Permission.VIEW_ATTENDANCE)
def digest_delete(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """Unsubscribe one of one's own subscriptions of this team (its id in the form)."""
    raw = request.POST.get("subscription", "")
    sub = (
        DigestSubscription.objects.select_related("team", "user")
        .filter(pk=int(raw), team=team, user=request.user)
        .first()
        if raw.isdigit() and len(raw) < 12
        else None
    )
    if sub is None:
        messages.error(request, gettext("No such subscription of yours: nothing changed."))
    else:
        digests.unsubscribe(sub, request_id=request_id(request))
        messages.success(request, gettext("Unsubscribed."))
    return redirect(reverse("usage:digests", kwargs={"team_slug": team.slug}))


# The token is the credential (an HMAC only the link holds): no login, and no CSRF token,
# since mail clients' one-click unsubscribe (RFC 8058) POSTs without one. A GET only shows
# the button, so a link scanner following it unsubscribes nobody.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    sub = digests.subscription_for_token(token)
    if request.method == "POST" and sub is not None:
        digests.unsubscribe(sub, request_id=request_id(request))
        return render(request, UNSUBSCRIBE, {"done": True, "team_name": sub.team.name})
    if sub is None:
        return render(request, UNSUBSCRIBE, {"unknown": True})
    return render(request, UNSUBSCRIBE, {"sub": sub, "team_name": sub.team.name})
