"""Single sign-on's configuration: the OIDC_* settings, checked, and the provider's
endpoints, found by OpenID Connect Discovery.

Single sign-on is off unless `OIDC_ISSUER` is set. The endpoints are not configured by
hand: they are read from `<issuer>/.well-known/openid-configuration` at the first sign-in
and kept for an hour in the cache, so the dashboard starts even while the provider is down
(its password login keeps working), and a provider that moves its keys or endpoints is
followed without a restart.

mozilla-django-oidc reads its own options from Django's settings; the ones that decide
how safe a sign-in is are fixed here (`library_setting`) and cannot be loosened from the
environment: the authorization code flow with PKCE (S256), state and nonce, ID tokens
signed by the provider's keys (RS256 by default, never HS256 with the client secret),
no unsigned tokens.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

# The dashboard's roles (teams.models.Role); checked again against the model at start-up.
ROLES = ("owner", "admin", "manager")
# Asymmetric algorithms only: an HS* token is signed with the client secret, which the
# dashboard holds too, so it proves nothing about who made it.
SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 3600
# (connect, read) seconds for every call to the provider: discovery, token, keys, userinfo.
TIMEOUT = (3.05, 10.0)
LOOPBACK_NAMES = ("localhost",)

# mozilla-django-oidc's options that are decided here, whatever the settings say.
LIBRARY_SETTINGS: dict[str, Any] = {
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_VERIFY_SSL": True,
    "OIDC_VERIFY_KID": True,
    "OIDC_TIMEOUT": TIMEOUT,
    "OIDC_CREATE_USER": False,  # sso.accounts decides, from OIDC_AUTO_CREATE
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
    "OIDC_REDIRECT_FIELD_NAME": "next",
    "LOGIN_REDIRECT_URL_FAILURE": "login",
}


def library_setting(name: str, *default: Any) -> Any:
    """What mozilla-django-oidc's `get_settings` answers: the fixed value where there is
    one, else Django's setting (or the library's default)."""
    if name in LIBRARY_SETTINGS:
        return LIBRARY_SETTINGS[name]
    if default:
        return getattr(settings, name, default[0])
    try:
        return getattr(settings, name)
    except AttributeError:
        raise ImproperlyConfigured(f"Setting {name} not found") from None


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    # Never in a repr: a configuration in an error report's frame must not show it.
    client_secret: str = field(repr=False)
    provider_name: str
    username_claim: str
    auto_create: bool
    default_team: str
    default_role: str
    sign_algorithm: str
    logout_at_provider: bool


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str) -> None:
    """HTTPS, or plain HTTP to this machine only (a provider run for development or
    tests); never credentials or a fragment in the URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or parts.username or parts.password or parts.fragment or parts.query:
        raise ImproperlyConfigured(f"{what} must be a plain https:// URL; got {url!r}")
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host)):
        return
    raise ImproperlyConfigured(
        f"{what} must use https:// (http:// is allowed for localhost only); got {url!r}"
    )


def config() -> Config | None:
    """The checked configuration, or None when single sign-on is off."""
    issuer = (getattr(settings, "OIDC_ISSUER", "") or "").strip().rstrip("/")
    if not issuer:
        return None
    check_url(issuer, "OIDC_ISSUER")
    client_id = (getattr(settings, "OIDC_CLIENT_ID", "") or "").strip()
    client_secret = getattr(settings, "OIDC_CLIENT_SECRET", "") or ""
    if not client_id or not client_secret:
        raise ImproperlyConfigured(
            "OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too"
        )
    claim = (getattr(settings, "OIDC_USERNAME_CLAIM", "") or "preferred_username").strip()
    role = (getattr(settings, "OIDC_DEFAULT_ROLE", "") or "manager").strip()
    if role not in ROLES:
        raise ImproperlyConfigured(f"OIDC_DEFAULT_ROLE must be one of {', '.join(ROLES)}")
    algorithm = (getattr(settings, "OIDC_SIGN_ALGORITHM", "") or "RS256").strip()
    if algorithm not in SIGN_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_SIGN_ALGORITHM must be one of {', '.join(SIGN_ALGORITHMS)}; got {algorithm!r}"
        )
    return Config(
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        provider_name=(getattr(settings, "OIDC_PROVIDER_NAME", "") or "").strip()
        or "single sign-on",
        username_claim=claim,
        auto_create=bool(getattr(settings, "OIDC_AUTO_CREATE", False)),
        default_team=(getattr(settings, "OIDC_DEFAULT_TEAM", "") or "").strip(),
        default_role=role,
        sign_algorithm=algorithm,
        logout_at_provider=bool(getattr(settings, "OIDC_LOGOUT_AT_PROVIDER", False)),
    )


# -- Discovery ---------------------------------------------------------------------------


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit: said to the
    person as "could not be reached", with the detail in the log."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    end_session_endpoint: str


def _cache_key(issuer: str) -> str:
    return "sso:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()[:40]


def discover(cfg: Config) -> Provider:
    """The provider's endpoints, from its discovery document (cached for an hour)."""
    key = _cache_key(cfg.issuer)
    cached = cache.get(key)
    if isinstance(cached, dict):
        return Provider(**cached)
    url = cfg.issuer + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC discovery at %s failed: %s", url, type(exc).__name__)
        raise ProviderUnavailable(f"discovery failed: {type(exc).__name__}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable("the discovery document is not a JSON object")
    provider = _provider_from(cfg, document)
    cache.set(key, asdict(provider), DISCOVERY_CACHE_SECONDS)
    return provider


def _provider_from(cfg: Config, document: dict[str, Any]) -> Provider:
    # OpenID Connect Discovery 1.0, section 4.3: the issuer in the document must be the
    # issuer asked for, or tokens from another issuer could be taken for this one's.
    issuer = str(document.get("issuer") or "").rstrip("/")
    if issuer != cfg.issuer:
        log.warning("OIDC discovery: issuer %r is not OIDC_ISSUER %r", issuer, cfg.issuer)
        raise ProviderUnavailable("the discovery document names another issuer")
    values = {}
    for name, required in (
        ("authorization_endpoint", True),
        ("token_endpoint", True),
        ("jwks_uri", True),
        ("userinfo_endpoint", False),
        ("end_session_endpoint", False),
    ):
        value = document.get(name) or ""
        if not isinstance(value, str) or (required and not value):
            raise ProviderUnavailable(f"the discovery document has no {name}")
        if value:
            try:
                check_url(value, name)
            except ImproperlyConfigured as exc:
                log.warning("OIDC discovery: %s", exc)
                raise ProviderUnavailable(f"the discovery document's {name} is refused") from None
        values[name] = value
    algorithms = document.get("id_token_signing_alg_values_supported")
    if isinstance(algorithms, list) and cfg.sign_algorithm not in algorithms:
        log.warning(
            "OIDC discovery: the provider signs ID tokens with %s, not %s (OIDC_SIGN_ALGORITHM)",
            algorithms,
            cfg.sign_algorithm,
        )
        raise ProviderUnavailable("the provider does not sign with OIDC_SIGN_ALGORITHM")
    return Provider(issuer=issuer, **values)
