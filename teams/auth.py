"""Logging in, throttled: the dashboard's login page and the admin's share one throttle,
and so does every form that checks a current password (the password change, here and in
the admin).

Two counters in Django's cache (Redis in production, so every gunicorn worker shares them):
- one per username and client address: `LOGIN_THROTTLE_ATTEMPTS` attempts (default 5);
- one per client address, whatever the username: `LOGIN_THROTTLE_ADDRESS_ATTEMPTS`
  (default 50), against one address trying many usernames.

Each counter is a fixed window of `LOGIN_THROTTLE_WINDOW` seconds (default 15 minutes)
that starts with its first attempt. An attempt is counted *before* the password is checked
(an atomic increment on Redis), so a burst of parallel guesses cannot slip through before
the first failure is recorded; a successful login clears its username counter and gives
its attempt back to the address counter, so only failures add up. Once a counter is over
its limit, the password is not checked at all until the window ends: the person sees "Too
many failed attempts. Try again in N minutes." (HTTP 429 on the dashboard's page).

The client address is REMOTE_ADDR, or the header named by `CLIENT_IP_HEADER` when a proxy
you control sets it (e.g. nginx's `X-Real-IP $remote_addr`). Behind a proxy without it,
every client shares the proxy's address: the username counter still works, but an attacker
can then lock a username out for everyone for one window (the price of any per-username
lockout), and the address counter counts everybody together.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.cache import cache
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

THROTTLED = "throttled"
_PREFIX = "dailyadmin:login"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or the last value of CLIENT_IP_HEADER when set.

    The last value, because a proxy appends the address it saw to X-Forwarded-For; anything
    before it came from the client and proves nothing.
    """
    if request is None:
        return "unknown"
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        values = [v.strip() for v in request.headers.get(header, "").split(",") if v.strip()]
        if values:
            return values[-1][:64]
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{_PREFIX}:{kind}:{digest[:40]}"


@dataclass(frozen=True)
class Attempt:
    """One login attempt, counted; `refused_for` is the seconds left when over a limit."""

    user_key: str
    address_key: str
    address: str
    refused_for: float | None

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil((self.refused_for or 0) / 60))
        return ngettext(
            "Too many failed attempts. Try again in %(count)d minute.",
            "Too many failed attempts. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}


def count_in_window(key: str, window: int, now: float) -> tuple[int, float]:
    """Add one to the counter `key` of a `window` of seconds; return (count, seconds until
    its window ends). The login's and the password reset's throttles count with it."""
    until_key = key + ":until"
    cache.add(until_key, now + window, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    until = cache.get(until_key) or now + window
    remaining = max(1.0, until - now)
    # Some backends (the file cache of development) reset the expiry on incr.
    cache.touch(key, math.ceil(remaining))
    return count, remaining


def begin(request: HttpRequest | None, username: str | None) -> Attempt:
    """Count an attempt before the password is checked; say whether it is refused."""
    address = client_address(request)
    name = (username or "").strip().casefold()[:150]
    window = _setting("LOGIN_THROTTLE_WINDOW", 15 * 60)
    now = time.time()
    user_key = _key("user", name, address)
    address_key = _key("address", address)
    user_count, user_left = count_in_window(user_key, window, now)
    address_count, address_left = count_in_window(address_key, window, now)
    refused = None
    if user_count > _setting("LOGIN_THROTTLE_ATTEMPTS", 5):
        refused = user_left
    if address_count > _setting("LOGIN_THROTTLE_ADDRESS_ATTEMPTS", 50):
        refused = max(refused or 0, address_left)
    if refused is not None:
        log.warning("Login refused: too many attempts from %s", address)
    return Attempt(user_key, address_key, address, refused)


def succeeded(attempt: Attempt) -> None:
    """A correct password: the username starts afresh, the address gets its attempt back."""
    cache.delete(attempt.user_key)
    with contextlib.suppress(ValueError):  # the window ended meanwhile
        cache.decr(attempt.address_key)


class ThrottleMixin:
    """For an AuthenticationForm: count the attempt, refuse it when over the limit, and
    only then check the password (AuthenticationForm.clean)."""

    def clean(self):
        request = getattr(self, "request", None)
        attempt = begin(request, self.cleaned_data.get("username"))  # type: ignore[attr-defined]
        if attempt.refused_for is not None:
            raise forms.ValidationError(attempt.message, code=THROTTLED)
        data = super().clean()  # type: ignore[misc]
        if self.get_user() is not None:  # type: ignore[attr-defined]
            succeeded(attempt)
        return data


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    """Django's login view with the throttle; a refusal answers 429 Too Many Requests."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
    # A FormView would answer PUT like POST; a login form is posted, nothing else.
    http_method_names = ["get", "post", "options"]

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code=THROTTLED):
            response.status_code = 429
        return response


class ThrottledPasswordChangeMixin:
    """For a PasswordChangeForm: the current password is checked under the login's rules
    and counters (this username from this address, and this address): the attempt is
    counted first, and over the limit the password is not checked at all. Without it, a
    stolen session could guess the password at leisure."""

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def clean_old_password(self) -> str:
        user = self.user  # type: ignore[attr-defined]
        attempt = begin(self.request, user.get_username())
        if attempt.refused_for is not None:
            raise forms.ValidationError(attempt.message, code=THROTTLED)
        password = super().clean_old_password()  # type: ignore[misc]
        succeeded(attempt)
        return password


class ThrottledPasswordChangeForm(ThrottledPasswordChangeMixin, PasswordChangeForm):
    pass


class ThrottledAdminPasswordChangeForm(ThrottledPasswordChangeMixin, AdminPasswordChangeForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (login required, CSRF, sensitive POST parameters) with the
    throttle; a refusal answers 429."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("old_password", code=THROTTLED):
            response.status_code = 429
        return response


def admin_password_change(site, request: HttpRequest, extra_context=None) -> HttpResponse:
    """`AdminSite.password_change` with the throttled form: the same pages and template,
    bound to the site in dailyadmin/urls.py."""
    defaults: dict = {
        "form_class": ThrottledAdminPasswordChangeForm,
        "success_url": reverse("admin:password_change_done", current_app=site.name),
        "extra_context": {**site.each_context(request), **(extra_context or {})},
    }
    if site.password_change_template is not None:
        defaults["template_name"] = site.password_change_template
    request.current_app = site.name
    return PasswordChangeView.as_view(**defaults)(request)
