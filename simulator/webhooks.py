"""Rest dialect: webhook configuration (`/v1/webhooks`).

Delivery lives in simulator/delivery.py. A `circuit-breaker` webhook goes
FAILED after FAILURES_TO_FAIL consecutive failed deliveries and then receives
nothing; an `exponential` one never does. Updating a webhook
(`POST /webhooks/<uuid>`) makes it ACTIVE again with its counters reset.
`failedCount` counts failed deliveries.

Creating or updating a webhook first POSTs a test request to its URL, signed
like a delivery, and answers 400 unless the URL answers 200 within
TEST_TIMEOUT: nothing is created or changed otherwise.
"""

from __future__ import annotations

import base64
import binascii
import os
import random
import time
from typing import TYPE_CHECKING, Any

from simulator.clock import iso_ms
from simulator.outbound import post_signed
from simulator.state import Webhook, new_uuid
from simulator.web import Request, Response, Route, invalid, not_found

if TYPE_CHECKING:
    from simulator.app import Simulator

# Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook: "Returns an error
# if the webhook URL provided does not return a `200` status code within a few seconds."
TEST_TIMEOUT = 5.0
# Reference: docs.daily.co/reference/rest-api/webhooks: "We'll send a `POST` request to
# your webhook endpoint with the following payload" (the example is a code block the
# page's text copies leave out; public receivers recognise it as {"test": "test"}).
TEST_BODY = b'{"test":"test"}'
EMITTED = ("meeting.started", "meeting.ended", "participant.joined", "participant.left")
# Accepted (Daily has them) but never sent by the simulator.
KNOWN = (
    *EMITTED,
    "waiting-participant.joined",
    "waiting-participant.left",
    "recording.started",
    "recording.ready-to-download",
    "recording.error",
    "transcript.started",
    "transcript.ready-to-download",
    "transcript.error",
    "streaming.started",
    "streaming.ended",
)
FIELDS = ("url", "hmac", "basicAuth", "retryType", "eventTypes")


def webhook_json(sim: Simulator, hook: Webhook) -> dict[str, Any]:
    return {
        "uuid": hook.uuid,
        "url": hook.url,
        "hmac": hook.hmac,
        "basicAuth": hook.basic_auth,
        "retryType": hook.retry_type,
        "eventTypes": list(hook.event_types),
        "state": hook.state,
        # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook (response:
        # "failedCount": "The number of consecutive failures this webhook has made").
        "failedCount": hook.failed_count,
        "lastMomentPushed": None
        if hook.last_moment_pushed is None
        else iso_ms(hook.last_moment_pushed),
        "domainId": sim.rest.domain_id,
        "createdAt": iso_ms(hook.created_at),
        "updatedAt": iso_ms(hook.updated_at),
    }


def _validated(body: dict[str, Any], creating: bool) -> dict[str, Any]:
    for key in body:
        if key not in FIELDS:
            raise invalid(f"unknown parameter: {key}")
    out: dict[str, Any] = {}
    if "url" in body or creating:
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise invalid("url must be an http(s) URL")
        out["url"] = url
    if "hmac" in body:
        secret = body["hmac"]
        try:
            if not isinstance(secret, str) or not base64.b64decode(secret, validate=True):
                raise ValueError
        except (ValueError, binascii.Error):
            raise invalid("hmac must be a base64-encoded secret") from None
        out["hmac"] = secret
    if "eventTypes" in body:
        types = body["eventTypes"]
        if not isinstance(types, list) or not types or not all(t in KNOWN for t in types):
            raise invalid(f"eventTypes must be a non-empty array of: {', '.join(KNOWN)}")
        out["event_types"] = list(dict.fromkeys(types))
    if "basicAuth" in body:
        if body["basicAuth"] is not None and not isinstance(body["basicAuth"], str):
            raise invalid("basicAuth must be a string")
        out["basic_auth"] = body["basicAuth"]
    if "retryType" in body:
        if body["retryType"] not in ("circuit-breaker", "exponential"):
            raise invalid("retryType must be 'circuit-breaker' or 'exponential'")
        out["retry_type"] = body["retryType"]
    return out


def _hook(sim: Simulator, uuid: str) -> Webhook:
    hook = sim.state.webhooks.get(uuid)
    if hook is None:
        raise not_found(f"webhook {uuid} not found")
    return hook


def send_test(sim: Simulator, url: str, secret: str, basic: str | None) -> str | None:
    """POST the test request to `url`; None when it answered 200, else why not.

    Sent without the simulator lock: a slow receiver holds up nothing else.
    """
    status, error = post_signed(url, secret, basic, TEST_BODY, str(int(time.time())), TEST_TIMEOUT)
    # "If your endpoint returns a 200 status code, we will proceed": 200, not any 2xx.
    ok = status == 200
    sim.deliveries.append(
        {
            "at": iso_ms(time.time()),
            "webhook": None,
            "url": url,
            "type": "test",
            "event_id": None,
            "event_ts": None,
            "status": status,
            "ok": ok,
            "error": None if ok else (error or f"HTTP {status}"),
        }
    )
    return None if ok else (error or f"HTTP {status}")


def _refuse(url: str, reason: str) -> Exception:
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook: "If we do not
    # receive a `200` status code relatively quickly, we will consider the endpoint
    # faulty and return a `400` error."
    return invalid(f"the webhook test request to {url} did not get a 200 ({reason})")


def create_webhook(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook
    fields = _validated(req.json_object(), creating=True)
    secret = fields.get("hmac") or base64.b64encode(os.urandom(32)).decode()
    # "Before creating your webhook, we perform a verification check"
    # (docs.daily.co/reference/rest-api/webhooks): nothing exists until it passes.
    reason = send_test(sim, fields["url"], secret, fields.get("basic_auth"))
    if reason is not None:
        raise _refuse(fields["url"], reason)
    with sim.lock:
        now = sim.now()
        hook = Webhook(
            uuid=new_uuid(random.Random()),
            url=fields["url"],
            hmac=secret,
            event_types=fields.get("event_types", list(EMITTED)),
            created_at=now,
            updated_at=now,
            basic_auth=fields.get("basic_auth"),
            retry_type=fields.get("retry_type", "circuit-breaker"),
        )
        sim.state.webhooks[hook.uuid] = hook
        return Response(body=webhook_json(sim, hook))


def list_webhooks(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/list-webhooks
    hooks = sorted(sim.state.webhooks.values(), key=lambda h: h.created_at)
    return Response(body=[webhook_json(sim, h) for h in hooks])


def get_webhook(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/get-webhook
    return Response(body=webhook_json(sim, _hook(sim, req.params["uuid"])))


def update_webhook(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/update-webhook: "When updating
    # a webhook ... Daily will send a request to the webhook server with a test request
    # body. If we do not receive a `200` status code relatively quickly, we will consider
    # the endpoint faulty and return a `400` error." The same request re-activates a
    # FAILED webhook ("Daily will verify that the endpoint is connectable and turn the
    # webhook back on"); a refused update changes nothing.
    uuid = req.params["uuid"]
    with sim.lock:
        hook = _hook(sim, uuid)
        fields = _validated(req.json_object(), creating=False)
        url = fields.get("url", hook.url)
        secret = fields.get("hmac", hook.hmac)
        basic = fields.get("basic_auth", hook.basic_auth)
    reason = send_test(sim, url, secret, basic)
    if reason is not None:
        raise _refuse(url, reason)
    with sim.lock:
        hook = _hook(sim, uuid)  # deleted meanwhile: 404
        for key, value in fields.items():
            setattr(hook, key, value)
        hook.state, hook.failed_count, hook.consecutive_failures = "ACTIVE", 0, 0
        hook.updated_at = sim.now()
        return Response(body=webhook_json(sim, hook))


def delete_webhook(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/delete-webhook
    hook = _hook(sim, req.params["uuid"])
    del sim.state.webhooks[hook.uuid]
    return Response(body=webhook_json(sim, hook))


ROUTES: list[Route[Simulator]] = [
    # Unlocked: they take the lock themselves around the test request they send.
    Route("POST", "/v1/webhooks", create_webhook, "rest", locked=False),
    Route("GET", "/v1/webhooks", list_webhooks, "rest"),
    Route("GET", "/v1/webhooks/{uuid}", get_webhook, "rest"),
    Route("POST", "/v1/webhooks/{uuid}", update_webhook, "rest", locked=False),
    Route("DELETE", "/v1/webhooks/{uuid}", delete_webhook, "rest"),
]
