"""The login's code step, and verifying a session that has not entered a code yet.

After a correct password, an account with a second factor is not logged in: the session
holds only a pending login (the user's id, the authentication backend, the password's
session hash, the page to go to, and when it started), for `SECOND_FACTOR_LOGIN_SECONDS`.
Nothing else treats that session as logged in. Only a correct code calls Django's `login()`
(a new session key), with the device that verified it, so django-otp marks the session
verified. The code step is throttled like the login (twofactor/throttle.py) and each device
has django-otp's own growing delay after failures.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from teams.auth import LoginView
from teams.views.common import request_id
from twofactor import services, throttle
from twofactor.forms import CodeForm

PENDING = "twofactor_pending"


def _lifetime() -> int:
    return int(getattr(settings, "SECOND_FACTOR_LOGIN_SECONDS", 300))


def start_pending(request: HttpRequest, user: Any, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": str(user.pk),
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "next": next_url,
        "at": time.time(),
    }


def pending_login(request: HttpRequest) -> tuple[Any, str] | None:
    """The user waiting for the code step, and where to go after; None when there is none,
    it expired, or the account changed (password, deactivated) meanwhile."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    user = None
    if time.time() - float(data.get("at", 0)) <= _lifetime():
        user = get_user_model()._default_manager.filter(pk=data.get("user")).first()
    if (
        user is None
        or not user.is_active
        or not constant_time_compare(user.get_session_auth_hash(), str(data.get("hash", "")))
    ):
        request.session.pop(PENDING, None)
        return None
    user.backend = data.get("backend")
    return user, str(data.get("next") or "")


def safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SecondFactorLoginMixin:
    """For a LoginView: a correct password of an account with a second factor continues at
    the code step instead of logging in."""

    def form_valid(self, form):
        user = form.get_user()
        if not services.has_second_factor(user):
            return super().form_valid(form)  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        start_pending(request, user, self.get_success_url())  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse("twofactor:login_code"))


class SecondFactorLoginView(SecondFactorLoginMixin, LoginView):
    pass


def _check(request: HttpRequest, user: Any, form: CodeForm) -> tuple[Any, int]:
    """Count the attempt, then check the code: (the verification or None, status)."""
    attempt = throttle.begin_code(request, user)
    if attempt.refused_for is not None:
        form.add_error(None, attempt.message)
        return None, 429
    try:
        verified = services.check_code(
            user, form.cleaned_data["code"], request_id=request_id(request)
        )
    except services.Refusal as refusal:
        form.add_error("code", refusal.message)
        return None, 200
    throttle.succeeded(attempt)
    if verified.recovery:
        left = services.recovery_codes_left(user)
        messages.warning(
            request,
            ngettext(
                "You used a recovery code; %(left)d left. "
                "Make new ones on the second-factor page if you lost your device.",
                "You used a recovery code; %(left)d left. "
                "Make new ones on the second-factor page if you lost your device.",
                left,
            )
            % {"left": left},
        )
    return verified, 200


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    pending = pending_login(request)
    if pending is None:
        messages.info(request, gettext("Log in with your password first."))
        return redirect("login")
    user, next_url = pending
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        verified, status = _check(request, user, form)
        if verified is not None:
            request.session.pop(PENDING, None)
            user.otp_device = verified.device  # django-otp marks the session verified
            auth_login(request, user, backend=user.backend)
            return redirect(safe_next(request, next_url))
    context = {"form": form, "pending_username": user.get_username()}
    return render(request, "twofactor/login_code.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """A logged-in session that no code has verified (opened before the second factor was
    set up, elsewhere): a code verifies it, for pages that require one."""
    user = request.user
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if user.is_verified() or not services.has_second_factor(user):  # type: ignore[union-attr]
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        verified, status = _check(request, user, form)
        if verified is not None:
            request.session.cycle_key()
            django_otp.login(request, verified.device)
            return redirect(next_url)
    context = {"form": form, "next": next_url}
    return render(request, "twofactor/verify.html", context, status=status)
