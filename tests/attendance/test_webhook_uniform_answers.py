"""The webhook receiver answers every request it cannot verify identically: status, body,
content type and every header but Date. A prober learns nothing about which dashboard
addresses are teams, which are REST teams, or which have a webhook."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from attendance import webhooks
from attendance.models import WebhookEndpoint, WebhookEvent
from teams.models import Dialect
from tests.factories import make_team

pytestmark = pytest.mark.django_db

SECRET = "c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ=="
OTHER = "b3RoZXItc2VjcmV0LWtleS0wMTIzNDU2Nzg5MDE="
# Date, and the request id every answer carries (a fresh random value, the same for all).
VOLATILE = {"date", "x-request-id"}


def _endpoint(team, secret=SECRET) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(team=team, url="https://dash.example/hook/", upstream_id="w1")
    endpoint.set_secret(secret)
    endpoint.save()
    return endpoint


def _event() -> bytes:
    payload = {"start_ts": int(time.time()), "meeting_id": "m-1", "room": "standup"}
    return json.dumps({"id": "e-1", "type": "meeting.started", "payload": payload}).encode()


def _post(client, slug: str, body: bytes, *, secret: str | None = OTHER, age: int = 0):
    stamp = str(int(time.time()) - age)
    headers = {}
    if secret is not None:
        headers = {
            "X-Webhook-Timestamp": stamp,
            "X-Webhook-Signature": webhooks.signature(secret, stamp, body),
        }
    return client.post(
        reverse("daily_webhook", args=[slug]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


def _answer(response) -> tuple:
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() not in VOLATILE}
    return response.status_code, response.content, headers


def test_every_unverifiable_request_gets_the_same_answer_byte_for_byte(client):
    rest = make_team("hooked")
    _endpoint(rest)
    make_team("plain")  # a REST team without a webhook
    make_team("legacy", dialect=Dialect.DOMAINS)
    broken = make_team("broken")
    _endpoint(broken, secret="not base64 at all!")
    body = _event()

    answers = {
        "unknown address": _post(client, "no-such-team", body),
        "REST team, bad signature": _post(client, "hooked", body),
        "REST team, unsigned": _post(client, "hooked", body, secret=None),
        "REST team, stale signature": _post(client, "hooked", body, secret=SECRET, age=7200),
        "REST team, future timestamp": _post(client, "hooked", body, secret=SECRET, age=-3600),
        "REST team without a webhook": _post(client, "plain", body),
        "domains team": _post(client, "legacy", body),
        "unusable stored secret": _post(client, "broken", body),
    }
    reference = _answer(answers["unknown address"])
    assert reference[0] == 401
    assert json.loads(reference[1]) == {"error": webhooks.UNVERIFIED}
    assert reference[2]["content-type"] == "application/json"
    for what, response in answers.items():
        assert _answer(response) == reference, what
    assert not WebhookEvent.objects.exists()


def test_a_correctly_signed_delivery_is_still_recorded(client):
    _endpoint(make_team("hooked"))
    response = _post(client, "hooked", _event(), secret=SECRET)
    assert response.status_code == 200 and response.json()["result"] == "recorded"


def test_dailys_unsigned_test_request_gets_the_same_200_at_every_address(client):
    # Reference: docs.daily.co/reference/rest-api/webhooks: before creating or updating a
    # webhook Daily POSTs {"test": "test"} and needs a 200. Unsigned, it proves nothing and
    # writes nothing, so every address answers it alike.
    _endpoint(make_team("hooked"))
    make_team("plain")
    test = b'{"test":"test"}'
    answers = [_post(client, slug, test, secret=None) for slug in ("hooked", "plain", "nobody")]
    assert answers[0].status_code == 200 and answers[0].json()["result"] == "test"
    assert all(_answer(a) == _answer(answers[0]) for a in answers)
    # Signed with the wrong secret, it is refused like any other unverifiable request.
    refused = _post(client, "hooked", test, secret=OTHER)
    assert _answer(refused) == _answer(_post(client, "nobody", _event()))


def test_the_answer_takes_a_signature_computation_even_without_an_endpoint(monkeypatch, client):
    computed: list[str] = []
    real = webhooks.signature

    def counting(secret, timestamp, body):
        computed.append(timestamp)
        return real(secret, timestamp, body)

    monkeypatch.setattr(webhooks, "signature", counting)
    client.post(
        reverse("daily_webhook", args=["nobody"]),
        data=_event(),
        content_type="application/json",
        headers={"X-Webhook-Timestamp": "1", "X-Webhook-Signature": "x"},
    )
    assert len(computed) == 1
