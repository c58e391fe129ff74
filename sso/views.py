"""The two public ends of a sign-in: sending the browser to the provider, and its return.

Both are public by design (the person is not logged in yet). Every failure ends on the
login page with a message saying what happened and the ways in (the provider's button
again, or the password form), never a 500 or an error page: the provider said no
(`error=access_denied`), the sign-in is stale or was replayed (unknown state), the
provider cannot be reached, its answer does not verify, or no dashboard account matches.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sso import accounts, conf
from sso.accounts import SignInRefused
from teams.audit import record
from teams.models import AuditAction, Outcome

log = logging.getLogger(__name__)

SIGN_IN_ACTION = AuditAction.SSO_LOGIN
# Set in the session of a sign-in through the provider (its issuer): the second factor and
# the logout read it.
SESSION_KEY = "sso_issuer"
# The ID token of that sign-in, kept only with OIDC_LOGOUT_AT_PROVIDER: the provider's logout
# endpoint takes it as `id_token_hint` to know whose session to end without asking.
ID_TOKEN_KEY = "sso_id_token"  # noqa: S105 - a session key, not a secret
STATES_KEY = "oidc_states"
HOW = {
    accounts.CREATED: "; account created at this first sign-in",
    accounts.BY_USERNAME: "; linked to the account of the same username",
    accounts.BY_EMAIL: "; linked to the account of the same verified email",
}


def _back_to_login(request: HttpRequest, message: str) -> HttpResponseRedirect:
    messages.error(request, message)
    return redirect("login")


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


class SignInView(OIDCAuthenticationRequestView):
    """GET: to the provider's authorization endpoint, with state, nonce and a PKCE challenge
    kept in this session (mozilla-django-oidc)."""

    http_method_names = ["get"]
    get_settings = staticmethod(conf.library_setting)

    def __init__(self, **kwargs) -> None:
        View.__init__(self, **kwargs)  # the endpoint comes from discovery, in get()

    def get(self, request: HttpRequest) -> HttpResponse:
        cfg = conf.config()
        if cfg is None:
            return _back_to_login(
                request, gettext("Single sign-on is not set up on this dashboard.")
            )
        if request.user.is_authenticated:
            return redirect(_safe_next(request))
        try:
            provider = conf.discover(cfg)
        except conf.ProviderUnavailable:
            return _back_to_login(
                request,
                f"{cfg.provider_name} could not be reached. Try again in a moment, "
                "or log in with your password.",
            )
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = cfg.client_id
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """GET: the provider sends the browser back here with a code and the state, or an
    error. The state is used once: it is removed before the code is exchanged."""

    http_method_names = ["get"]
    get_settings = staticmethod(conf.library_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        cfg = conf.config()
        if cfg is None:
            return _back_to_login(
                request, gettext("Single sign-on is not set up on this dashboard.")
            )
        name = cfg.provider_name
        state = request.GET.get("state", "")
        states = request.session.get(STATES_KEY)
        entry = None
        if isinstance(states, dict) and state in states:
            entry = states.pop(state)
            request.session[STATES_KEY] = states
            request.session.save()  # used up, even if what follows fails

        error = request.GET.get("error", "")
        if error:
            # RFC 6749 4.1.2.1: the provider refused or failed; its words are shown, escaped.
            detail = request.GET.get("error_description", "")[:200]
            log.info("OIDC sign-in refused by the provider: %r", error[:64])
            if error == "access_denied":
                text = gettext("%(provider)s did not sign you in (access denied).") % {
                    "provider": name
                }
            else:
                text = gettext("%(provider)s could not sign you in (%(error)s).") % {
                    "provider": name,
                    "error": error[:64],
                }
            if detail:
                text += " " + gettext("It said: “%(detail)s”.") % {"detail": detail}
            return _back_to_login(request, text + " " + gettext("You can try again."))
        if entry is None or not request.GET.get("code"):
            return _back_to_login(
                request,
                gettext(
                    "This sign-in with %(provider)s has expired or was already used. Start again."
                )
                % {"provider": name},
            )
        try:
            user = auth.authenticate(
                request=request,
                nonce=entry.get("nonce"),
                code_verifier=entry.get("code_verifier"),
            )
        except conf.ProviderUnavailable:
            user = None
            message = gettext("%(provider)s could not be reached. Try again in a moment.") % {
                "provider": name
            }
        except SignInRefused as exc:
            record(
                team=None,
                actor=None,
                action=SIGN_IN_ACTION,
                target=exc.name or "(unknown)",
                outcome=Outcome.FAILED,
                error_type="Refused",
                message=f"Sign-in with {name} refused: {exc.message}",
            )
            return _back_to_login(request, exc.shown)
        except requests.RequestException as exc:
            # Not the exception's text: mozilla-django-oidc puts the provider's answer in it.
            log.warning("OIDC sign-in: the provider's answer failed: %s", type(exc).__name__)
            user = None
            message = gettext("%(provider)s did not complete the sign-in. Try again.") % {
                "provider": name
            }
        except (
            SuspiciousOperation,
            jwt.PyJWTError,
            KeyError,
            ValueError,
            TypeError,
            AttributeError,  # an answer of the wrong shape (a list for an object)
        ) as exc:
            log.warning("OIDC sign-in refused: %s (%s)", type(exc).__name__, exc, exc_info=True)
            # A token that does not verify may be an attack: on the record, with its reason.
            record(
                team=None,
                actor=None,
                action=SIGN_IN_ACTION,
                target="(unknown)",
                outcome=Outcome.FAILED,
                error_type=type(exc).__name__,
                message=f"Sign-in with {name}: the answer could not be verified ({exc}).",
            )
            user = None
            message = gettext(
                "The answer from %(provider)s could not be verified, so you were not signed in."
            ) % {"provider": name}
        else:
            message = gettext("%(provider)s did not sign you in. Try again.") % {"provider": name}
        if user is None or not user.is_active:
            return _back_to_login(request, message)
        self.user = user
        response = self.login_success()
        request.session[SESSION_KEY] = cfg.issuer
        id_token = getattr(request, "sso_id_token", None)
        if cfg.logout_at_provider and isinstance(id_token, str):
            request.session[ID_TOKEN_KEY] = id_token
        how = HOW.get(getattr(request, "sso_how", ""), "")
        record(
            team=None,
            actor=user,
            action=SIGN_IN_ACTION,
            target=user.get_username(),
            outcome=Outcome.OK,
            message=f"Signed in with {name}{how}.",
        )
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout, which ends the dashboard's session. After a sign-in through the
    provider and with `OIDC_LOGOUT_AT_PROVIDER`, the browser then goes on to the provider's
    `end_session_endpoint` (OpenID Connect RP-Initiated Logout 1.0) to end that session
    too, and the provider sends it back to the login page. Without it, or when the provider
    has no such endpoint or cannot be reached, the person lands on the login page as after
    any logout."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        issuer = request.session.get(SESSION_KEY)
        id_token = request.session.get(ID_TOKEN_KEY)
        response = super().post(request, *args, **kwargs)
        cfg = conf.config()
        if cfg is None or not cfg.logout_at_provider or issuer != cfg.issuer:
            return response
        try:
            endpoint = conf.discover(cfg).end_session_endpoint
        except conf.ProviderUnavailable:
            return response
        if not endpoint:
            return response
        params = {
            "client_id": cfg.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(resolve_url("login")),
        }
        if isinstance(id_token, str) and id_token:
            params["id_token_hint"] = id_token
        joiner = "&" if "?" in endpoint else "?"
        # A page that moves on by itself, not a redirect: the Content-Security-Policy's
        # `form-action 'self'` forbids a form's redirect to another origin (the browser
        # blocks it), and that policy stays as it is.
        response = render(
            request,
            "sso/logout.html",
            {"cfg": cfg, "url": f"{endpoint}{joiner}{urlencode(params)}"},
        )
        add_never_cache_headers(response)  # the page holds the ID token
        return response
