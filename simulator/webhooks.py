"""Rest dialect: webhook configuration (`/v1/webhooks`).

Delivery lives in simulator/delivery.py. A webhook goes FAILED after
FAILURES_TO_FAIL consecutive failed deliveries and then receives nothing;
updating it (`POST /webhooks/<uuid>`) makes it ACTIVE again with its
counters reset. `failed_count` counts every failed delivery while ACTIVE.
Daily verifies a new webhook's URL with a test request; the simulator does
not, so a dashboard can register before its receiver is up.
"""

from __future__ import annotations

import base64
import binascii
import os
import random
from typing import TYPE_CHECKING, Any

from simulator.clock import iso_ms
from simulator.state import Webhook, new_uuid
from simulator.web import Request, Response, Route, invalid, not_found

if TYPE_CHECKING:
    from simulator.app import Simulator

FAILURES_TO_FAIL = 3
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
        "failed_count": hook.failed_count,
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


def create_webhook(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook
    fields = _validated(req.json_object(), creating=True)
    now = sim.now()
    hook = Webhook(
        uuid=new_uuid(random.Random()),
        url=fields["url"],
        hmac=fields.get("hmac") or base64.b64encode(os.urandom(32)).decode(),
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
    # Reference: docs.daily.co/reference/rest-api/webhooks/update-webhook
    hook = _hook(sim, req.params["uuid"])
    for key, value in _validated(req.json_object(), creating=False).items():
        setattr(hook, key, value)
    hook.state, hook.failed_count, hook.consecutive_failures = "ACTIVE", 0, 0
    hook.updated_at = sim.now()
    return Response(body=webhook_json(sim, hook))


def delete_webhook(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/webhooks/delete-webhook
    hook = _hook(sim, req.params["uuid"])
    del sim.state.webhooks[hook.uuid]
    return Response(body=webhook_json(sim, hook))


ROUTES = [
    Route("POST", "/v1/webhooks", create_webhook, "rest"),
    Route("GET", "/v1/webhooks", list_webhooks, "rest"),
    Route("GET", "/v1/webhooks/{uuid}", get_webhook, "rest"),
    Route("POST", "/v1/webhooks/{uuid}", update_webhook, "rest"),
    Route("DELETE", "/v1/webhooks/{uuid}", delete_webhook, "rest"),
]
