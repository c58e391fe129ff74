"""Error reports to Sentry (or any service speaking its protocol) when SENTRY_DSN is set.

What leaves the process is kept to what a developer needs to find a bug, never a secret:
- `send_default_pii=False`: no cookies, no user IP, no user details beyond what we set;
- no request bodies (`max_request_body_size="never"`): forms carry API tokens;
- no frame local variables (`include_local_variables=False`): a decrypted token can sit
  in a local of any name, and no scrubber recognises a secret by its name alone;
- the request's URL keeps the route's pattern, not the path, which can hold a single-use
  token (an invitation, a password reset);
- `scrub` (the `before_send` and `before_send_transaction` hook) then removes, anywhere in
  the event, the values of headers and keys that hold secrets (Authorization, Cookie, any
  key naming a token, secret, password, key, signature, session or CSRF) and bearer
  credentials or secret query parameters inside any string.
tests/ops/test_sentry_scrubbing.py sends a real error to a local receiver with canaries.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

FILTERED = "[Filtered]"

_SECRET_KEY_NAME = re.compile(
    r"(authorization|cookie|token|secret|passw|api[-_]?key|apikey|signature|session|csrf|"
    r"dsn|encryption|fernet|credential|x-webhook|private)",
    re.IGNORECASE,
)
# "Bearer <anything>", "Basic <anything>" wherever they appear in a string.
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[^\s\"',;]+", re.IGNORECASE)
# token=..., secret=..., key=..., password=... inside a query string or a message.
_SECRET_PARAM = re.compile(
    r"\b([\w-]*(?:token|secret|passw\w*|key|signature|sessionid|csrf\w*))=([^&\s\"',;]+)",
    re.IGNORECASE,
)


def scrub_text(text: str) -> str:
    text = _BEARER.sub(lambda m: f"{m.group(1)} {FILTERED}", text)
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={FILTERED}", text)


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 30:
        return FILTERED
    if isinstance(value, dict):
        return {
            key: (
                FILTERED
                if isinstance(key, str) and _SECRET_KEY_NAME.search(key) and value[key]
                else _scrub(value[key], depth + 1)
            )
            for key in value
        }
    if isinstance(value, list | tuple):
        # Headers may come as [name, value] pairs.
        if (
            len(value) == 2
            and isinstance(value[0], str)
            and _SECRET_KEY_NAME.search(value[0])
            and value[1]
        ):
            return [value[0], FILTERED]
        return [_scrub(item, depth + 1) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The before_send hook: the event with every secret-looking value replaced."""
    request = event.get("request")
    if isinstance(request, dict):
        # Cookies and bodies never leave, whatever else configured them in.
        request.pop("cookies", None)
        request.pop("data", None)
        url = request.get("url")
        if isinstance(url, str):
            # A path can hold a single-use token (an invitation, a password reset): the URL
            # keeps the route's pattern (the transaction's name), never the path itself.
            parts = urlsplit(url)
            route = event.get("transaction")
            path = route if isinstance(route, str) and route.startswith("/") else "/…"
            request["url"] = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return _scrub(event)


def init(dsn: str, *, environment: str = "", release: str = "") -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=0.0,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
