"""The account's second-factor pages under /account/two-factor/: its state, turning it on
(QR code and secret until confirmed), new recovery codes, turning it off.

Recovery codes are shown once, in the answer to the POST that made them, never stored in
clear and never cached (`never_cache`). Making new codes or turning the second factor off
needs a current code or the password, counted like a login attempt.
"""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from teams.auth import THROTTLED
from teams.views.common import request_id
from twofactor import policy, qr, services, throttle
from twofactor.forms import ConfirmSetupForm, ProofForm
from twofactor.views.login import safe_next


@never_cache
@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "enabled": services.has_second_factor(user),
        "codes_left": services.recovery_codes_left(user),
        "events": services.account_events(user),
        "requiring": policy.teams_requiring(user),
    }
    return render(request, "twofactor/account.html", context)


def _codes_page(
    request: HttpRequest, codes: list[str], *, first: bool, next_url: str = ""
) -> HttpResponse:
    context = {"codes": codes, "first": first, "next": next_url}
    return render(request, "twofactor/codes.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if services.has_second_factor(user):
        messages.info(request, gettext("Your second factor is already on."))
        return redirect("twofactor:account")
    device = services.pending_enrolment(user)
    form = ConfirmSetupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        attempt = throttle.begin_code(request, user)
        if attempt.refused_for is not None:
            form.add_error(None, attempt.message)
            status = 429
        else:
            try:
                codes = services.confirm_enrolment(
                    user, device, form.cleaned_data["code"], request_id=request_id(request)
                )
            except services.Refusal as refusal:
                form.add_error("code", refusal.message)
            else:
                throttle.succeeded(attempt)
                # This session has just proved the device: it counts as verified.
                django_otp.login(request, device)
                messages.success(request, gettext("Your second factor is on."))
                back = request.GET.get("next")
                next_url = safe_next(request, back) if back else ""
                return _codes_page(request, codes, first=True, next_url=next_url)
    context = {
        "form": form,
        "qr_svg": qr.svg(device.config_url),
        "secret": services.secret_base32(device),
        "next": request.GET.get("next", ""),
    }
    return render(request, "twofactor/setup.html", context, status=status)


def _code_ok(request: HttpRequest, typed: str) -> bool:
    """A current code of the app (never a recovery code: those are for logging in)."""
    if not services.looks_like_totp(typed):
        return False
    try:
        services.check_code(request.user, typed, request_id=request_id(request))
    except services.Refusal:
        return False
    return True


def _proved(request: HttpRequest, form: ProofForm) -> bool:
    """A current code from the app or the password, counted like a login attempt."""
    user = request.user
    attempt = throttle.begin_code(request, user)
    if attempt.refused_for is not None:
        form.add_error(None, ValidationError(attempt.message, code=THROTTLED))
        return False
    typed = form.cleaned_data["proof"]
    if not (_code_ok(request, typed) or user.check_password(typed)):
        form.add_error("proof", gettext("That is neither a current code nor your password."))
        return False
    throttle.succeeded(attempt)
    return True


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def recovery(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.has_second_factor(user):
        messages.info(
            request, gettext("Recovery codes come with the second factor: turn it on first.")
        )
        return redirect("twofactor:account")
    form = ProofForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _proved(request, form):
        codes = services.regenerate_recovery_codes(user, request_id=request_id(request))
        return _codes_page(request, codes, first=False)
    context = {"form": form, "codes_left": services.recovery_codes_left(user)}
    return render(request, "twofactor/recovery.html", context, status=_status(form))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.has_second_factor(user):
        messages.info(request, gettext("Your second factor is already off."))
        return redirect("twofactor:account")
    form = ProofForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _proved(request, form):
        services.disable(user, request_id=request_id(request))
        messages.success(request, gettext("Your second factor is off."))
        return redirect("twofactor:account")
    context = {"form": form, "requiring": policy.teams_requiring(user)}
    return render(request, "twofactor/disable.html", context, status=_status(form))


def _status(form: ProofForm) -> int:
    """429 when the proof was refused by the throttle (in whatever language it was said)."""
    return 429 if form.has_error(NON_FIELD_ERRORS, code=THROTTLED) else 200
