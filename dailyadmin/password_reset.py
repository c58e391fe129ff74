"""Password reset by email: Django's views, throttled, saying the same whoever asks.

- The request page answers with the same page whether the address belongs to a login or
  not, and does the same work (the message is rendered either way; it is sent only to a
  login's address), so neither the answer nor its time tells who has an account.
- Requests are counted per email address and per client address, in fixed windows of
  `LOGIN_THROTTLE_WINDOW` seconds, like the login throttle (teams/auth.py): at most
  `PASSWORD_RESET_THROTTLE_ATTEMPTS` messages to one address (default 3) and
  `PASSWORD_RESET_THROTTLE_ADDRESS_ATTEMPTS` requests from one client (default 10). Over a
  limit the page answers 429 whatever the address, and nothing is sent.
- Setting a new password changes the hash that every session of the login carries, so
  every other session, on every device, is logged out (Django checks it on each request);
  the person then logs in with the new password.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters

from teams.auth import client_address, count_in_window

log = logging.getLogger(__name__)
_PREFIX = "dailyadmin:reset"
SUBJECT = "registration/password_reset_subject.txt"
BODY = "registration/password_reset_email.txt"


def _count(kind: str, value: str) -> tuple[int, float]:
    """Add one to the counter of (kind, value); return (count, seconds until it resets)."""
    window = int(getattr(settings, "LOGIN_THROTTLE_WINDOW", 15 * 60))
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return count_in_window(f"{_PREFIX}:{kind}:{digest}", window, time.time())


def refused_for(request, email: str) -> float | None:
    """Count this request; the seconds to wait if it is over a limit, else None."""
    email_count, email_left = _count("email", email.strip().casefold()[:254])
    address_count, address_left = _count("address", client_address(request))
    refused = None
    if email_count > settings.PASSWORD_RESET_THROTTLE_ATTEMPTS:
        refused = email_left
    if address_count > settings.PASSWORD_RESET_THROTTLE_ADDRESS_ATTEMPTS:
        refused = max(refused or 0, address_left)
    if refused is not None:
        log.warning("Password reset refused: too many requests from %s", client_address(request))
    return refused


class ResetForm(PasswordResetForm):
    def save(self, *args, **kwargs) -> None:
        email = self.cleaned_data["email"]
        if not any(True for _ in self.get_users(email)):
            self._decoy(email, kwargs)
            return
        super().save(*args, **kwargs)

    @staticmethod
    def _decoy(email: str, options: dict) -> None:
        """The same work as for a real login (a token made, the message rendered), sent
        nowhere, so the answer takes about as long (see the module's doc)."""
        ghost = get_user_model()(pk=0, email=email, password="!")  # noqa: S106 - unusable
        generator = options.get("token_generator") or default_token_generator
        context = {
            "email": email,
            "domain": options.get("domain_override") or "localhost",
            "site_name": "",
            "uid": urlsafe_base64_encode(force_bytes(ghost.pk)),
            "user": ghost,
            "token": generator.make_token(ghost),
            "protocol": "https" if options.get("use_https") else "http",
        }
        subject = render_to_string(options.get("subject_template_name", SUBJECT), context)
        body = render_to_string(options.get("email_template_name", BODY), context)
        # The message is built as for sending (MIME encoding included), then dropped.
        EmailMultiAlternatives("".join(subject.splitlines()), body, None, [email]).message()


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = BODY
    subject_template_name = SUBJECT
    success_url = reverse_lazy("password_reset_done")
    http_method_names = ["get", "post", "options"]

    def form_valid(self, form: ResetForm) -> HttpResponse:
        wait = refused_for(self.request, form.cleaned_data["email"])
        if wait is not None:
            minutes = max(1, math.ceil(wait / 60))
            form.add_error(
                None,
                ngettext(
                    "Too many requests. Try again in %(minutes)d minute.",
                    "Too many requests. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    http_method_names = ["get", "post", "options"]

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        # Django's view answers a link that does not work before it looks at the method.
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
