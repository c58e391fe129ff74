"""A team's requirement that its owners and admins (and superusers, who act as owners) use
a second factor, and the gate that enforces it on the team's pages.

`teams.permissions.team_view` sends `teams.signals.team_page_opening` once it knows the team
and the person's role; `gate` answers with a redirect when the role is covered, the team
requires a second factor and this session has not entered a code: to set one up, or to
enter it. One query for an owner or admin on a team page, none for a manager. An htmx
request is redirected with `HX-Redirect` so the whole page moves, not a fragment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

from teams.models import Membership, Role, Team
from teams.signals import team_page_opening
from twofactor import services
from twofactor.models import SecondFactorPolicy

COVERED_ROLES = (Role.OWNER, Role.ADMIN)


def is_required(team: Team) -> bool:
    return SecondFactorPolicy.objects.filter(team_id=team.pk, required=True).exists()


def set_required(team: Team, required: bool) -> bool:
    """Store the requirement; return whether it changed."""
    policy, _ = SecondFactorPolicy.objects.get_or_create(team=team)
    if policy.required == required:
        return False
    policy.required = required
    policy.save(update_fields=["required", "updated_at"])
    return True


def teams_requiring(user: Any) -> list[str]:
    """Names of the teams whose requirement covers this person."""
    required = SecondFactorPolicy.objects.filter(required=True)
    if user.is_superuser:
        return list(required.values_list("team__name", flat=True).order_by("team__name"))
    teams = required.values_list("team_id", flat=True)
    return list(
        Membership.objects.filter(user=user, team_id__in=teams, role__in=COVERED_ROLES)
        .values_list("team__name", flat=True)
        .order_by("team__name")
    )


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)  # django-otp's OTPMiddleware
    return bool(is_verified and is_verified())


def gate(
    sender: Any, request: HttpRequest, team: Team, role: Role, **_: Any
) -> HttpResponse | None:
    if role not in COVERED_ROLES or _is_verified(request.user) or not is_required(team):
        return None
    if services.has_second_factor(request.user):
        name = "twofactor:verify"
        note = gettext("Enter a code from your authenticator app to open this team's pages.")
    else:
        name = "twofactor:setup"
        note = gettext(
            "This team requires its owners and admins to use a second factor. "
            "Set one up to continue."
        )
    messages.warning(request, note)
    htmx = getattr(request, "htmx", None)
    # Afterwards, back to the page: for htmx, the page that asked, not the fragment.
    back = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
    url = f"{reverse(name)}?{urlencode({'next': back})}"
    if htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def connect_signals() -> None:
    team_page_opening.connect(gate, sender=Team, dispatch_uid="twofactor-policy-gate")
