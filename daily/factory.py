"""`make_client`: the one way to build a client (the apps call it with a Team's settings)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from urllib.parse import urlsplit

import requests

from daily import validation
from daily.base import DailyClient
from daily.domains import DomainsClient
from daily.enums import Dialect
from daily.errors import InvalidInput
from daily.hosts import HostPolicy
from daily.http import Transport
from daily.pacing import Pacer
from daily.rest import RestClient
from daily.timeutil import utcnow

DEFAULT_BASE_URLS = {
    Dialect.DOMAINS: "https://prod-ks.pluot.blue/",
    Dialect.REST: "https://api.daily.co/v1",
}


def _version() -> str:
    try:
        return metadata.version("dailyadmin")
    except metadata.PackageNotFoundError:
        return "0.0.0"


USER_AGENT = f"dailyadmin/{_version()}"


def _check_base_url(base_url: object) -> str:
    url = validation.http_url(base_url, field="base_url")
    parts = urlsplit(url)
    # Credentials, queries or fragments in the base URL would leak into every request.
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput(
            "The API base URL must be a plain http(s) URL without credentials or query.",
            field="base_url",
        )
    return url


def _check_token(token: object) -> str:
    # Printable ASCII without spaces: anything else cannot travel in an HTTP header, and
    # requests would quote the whole header (token included) in its error message.
    if not isinstance(token, str) or not token or any(not 33 <= ord(c) <= 126 for c in token):
        raise InvalidInput(
            "The API token is empty or contains characters a token cannot have.", field="token"
        )
    return token


def make_client(
    dialect: Dialect | str,
    base_url: str,
    token: str,
    *,
    team: str | None = None,
    timeout: tuple[float, float] = (3.05, 10.0),
    max_retries: int = 3,
    backoff_base: float = 0.5,
    backoff_cap: float = 8.0,
    sleep: Callable[[float], object] = time.sleep,
    session: requests.Session | None = None,
    clock: Callable[[], datetime] | None = None,
    pacer: Pacer | None = None,
    host_policy: HostPolicy | None = None,
) -> DailyClient:
    """Build a client for one team. Raises InvalidInput for unusable settings.

    domains: `base_url` is the server root and `team` (the team name) is required.
    rest: `base_url` is `https://api.daily.co/v1`; `team` (the domain name) is optional
    and learned from `GET /` when a room URL must be built.
    `clock` returns the current aware datetime (tests inject a fixed one).
    `pacer` keeps the team's requests under Daily's rate limits (daily/pacing.py).
    `host_policy`: the hosts the token may be sent to (daily/hosts.py); a base URL outside
    it raises `HostNotAllowed` here, before any connection, and every connection checks
    the address it reaches.
    """
    try:
        chosen = Dialect(dialect)
    except ValueError:
        raise InvalidInput("Choose the domains or the rest API.", field="dialect") from None
    url = _check_base_url(base_url)
    if host_policy is not None:
        host_policy.check_url(url)
    secret = _check_token(token)
    if chosen is Dialect.DOMAINS and team is None:
        raise InvalidInput("The team name is required for the domains API.", field="team")
    if team is not None:
        validation.team_name(team)
    if (
        not isinstance(timeout, tuple | list)
        or len(timeout) != 2
        or not all(
            isinstance(t, int | float) and not isinstance(t, bool) and t > 0 for t in timeout
        )
    ):
        raise InvalidInput("Timeouts must be two positive numbers of seconds.", field="timeout")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidInput("Retries must be zero or more.", field="max_retries")
    if backoff_base < 0 or backoff_cap < 0:
        raise InvalidInput("Backoff times must not be negative.", field="backoff_base")

    transport = Transport(
        url,
        secret,
        user_agent=USER_AGENT,
        timeout=(float(timeout[0]), float(timeout[1])),
        max_retries=max_retries,
        backoff_base=backoff_base,
        backoff_cap=backoff_cap,
        sleep=sleep,
        session=session,
        clock=clock or utcnow,
        pacer=pacer,
        host_policy=host_policy,
        label=team or "",
    )
    if chosen is Dialect.DOMAINS:
        assert team is not None  # checked above; narrows the type
        return DomainsClient(transport, team=team, clock=clock)
    return RestClient(transport, team=team, clock=clock)
