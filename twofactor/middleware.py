"""Send an owner or admin of a team that requires a second factor to set one up (or to enter
a code, for a session not yet verified) before any page of that team.

A team page is any URL with a `team_slug`; the check needs `request.user.is_verified`, so
this comes after django-otp's `OTPMiddleware`. An htmx request is redirected with
`HX-Redirect` so the whole page moves, not a fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from twofactor import policy, services


class SecondFactorPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        slug = kwargs.get("team_slug")
        user = getattr(request, "user", None)
        if not slug or user is None or not user.is_authenticated:
            return None
        if not policy.covered(user, slug):
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        if services.has_second_factor(user):
            name = "twofactor:verify"
            note = "Enter a code from your authenticator app to open this team's pages."
        else:
            name = "twofactor:setup"
            note = (
                "This team requires its owners and admins to use a second factor. "
                "Set one up to continue."
            )
        messages.warning(request, note)
        htmx = getattr(request, "htmx", None)
        # After it, back to the page: for htmx, the page that asked, not the fragment.
        back = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
        url = f"{reverse(name)}?{urlencode({'next': back})}"
        if htmx:
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
