"""mozilla-django-oidc's backend, fed by discovery, stricter about the ID token, and mapping
claims to users with sso.accounts.

What the library does and this keeps: the code is exchanged at the token endpoint with the
PKCE verifier; the ID token's signature is checked with the provider's key from its JWKS
(matched by `kid`, the algorithm pinned to `OIDC_SIGN_ALGORITHM`); its nonce must be the
one this browser's session sent. What this adds: the token's `iss` must be the configured
issuer and its `aud` this client (the library checks neither), an `exp` must be present,
and the userinfo answer must be about the same `sub` as the ID token.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from sso import accounts, conf

log = logging.getLogger(__name__)


class OIDCBackend(OIDCAuthenticationBackend):
    """Authenticates only the callback of a sign-in this session started (it is given the
    nonce); every other `authenticate()` call (password logins) passes it by."""

    get_settings = staticmethod(conf.library_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the endpoints from settings here; they come from discovery,
        # at the sign-in (see authenticate).
        self.UserModel = get_user_model()
        self.cfg: conf.Config | None = None
        self.how = ""

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs:
            return None
        cfg = conf.config()
        if cfg is None:
            return None
        provider = conf.discover(cfg)  # ProviderUnavailable goes up to the view
        self.cfg = cfg
        self.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.authorization_endpoint
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = cfg.client_id
        self.OIDC_RP_CLIENT_SECRET = cfg.client_secret
        self.OIDC_RP_SIGN_ALGO = cfg.sign_algorithm
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("the provider sent no ID token")
        assert self.cfg is not None
        # Said first and plainly (the library would stop at the missing key id of an HS256
        # token): only the configured asymmetric algorithm is accepted.
        algorithm = jwt.get_unverified_header(token).get("alg")
        if algorithm != self.cfg.sign_algorithm:
            raise SuspiciousOperation(
                f"the ID token is signed with {algorithm!r}, not {self.cfg.sign_algorithm}"
            )
        payload = super().verify_token(token, **kwargs)
        if str(payload.get("iss") or "").rstrip("/") != self.cfg.issuer:
            raise SuspiciousOperation("the ID token was issued by another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.cfg.client_id not in audiences:
            raise SuspiciousOperation("the ID token is for another client")
        # OpenID Connect Core 3.1.3.7: with several audiences, azp names this client.
        if len(audiences) > 1 and payload.get("azp") != self.cfg.client_id:
            raise SuspiciousOperation("the ID token was issued to another party")
        if "exp" not in payload:
            raise SuspiciousOperation("the ID token does not expire")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's where there is one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                # OpenID Connect Core 5.3.2: otherwise the answer must not be used.
                raise SuspiciousOperation("the userinfo answer is about someone else")
            claims.update(info)
        return claims

    def store_tokens(self, access_token, id_token):
        # Nothing in the session yet: the view keeps the ID token, for the provider's logout,
        # only once the person is signed in (and only with OIDC_LOGOUT_AT_PROVIDER).
        self.request.sso_id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        assert self.cfg is not None
        claims = self.get_userinfo(access_token, id_token, payload)
        # accounts.SignInRefused goes up to the view, which says why.
        user, self.how = accounts.resolve(self.cfg, claims)
        self.request.sso_how = self.how
        return user
