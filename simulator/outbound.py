"""Signed POSTs to webhook URLs, as Daily sends them.

Used by the test request of a webhook's create or update (simulator/webhooks.py)
and by event delivery (simulator/delivery.py). Standard library only.

Reference: docs.daily.co/reference/rest-api/webhooks: each request carries
`X-Webhook-Timestamp` and `X-Webhook-Signature`, the base64 HMAC-SHA256 of
`timestamp + "." + body` keyed with the base64-decoded `hmac` secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac as hmac_lib
import urllib.error
import urllib.request


def signature(secret_b64: str, timestamp: str, body: bytes) -> str:
    """base64(HMAC-SHA256(key=base64decode(hmac), msg=timestamp + "." + body))."""
    key = base64.b64decode(secret_b64)
    mac = hmac_lib.new(key, timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def post_signed(
    url: str, secret: str, basic: str | None, body: bytes, timestamp: str, timeout: float
) -> tuple[int | None, str | None]:
    """POST `body` to a webhook URL as Daily signs it; (HTTP status, what went wrong)."""
    headers = {
        "Content-Type": "application/json",
        "X-Webhook-Timestamp": timestamp,
        "X-Webhook-Signature": signature(secret, timestamp, body),
        "User-Agent": "daily-simulator-webhooks/1.0",
    }
    if basic:
        headers["Authorization"] = f"Basic {basic}"
    try:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
