"""Rest dialect: webhook configuration, and real signed deliveries to a local receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.support.receiver import Receiver, running_receiver
from tests.support.simulator import SimulatorProcess, wait_until

pytestmark = pytest.mark.simulator

SECRET = base64.b64encode(b"a shared webhook secret of 32 b!").decode()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as state:
        yield state


def call(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> Any:
    url = sim.rest_base_url + path
    response = requests.request(method, url, headers=sim.rest_headers, timeout=30, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def test_webhook_crud_and_generated_secret(sim: SimulatorProcess, receiver: Receiver) -> None:
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url})
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook: camelCase.
    assert hook["state"] == "ACTIVE" and hook["failedCount"] == 0
    assert "failed_count" not in hook
    assert len(base64.b64decode(hook["hmac"])) == 32
    assert set(hook["eventTypes"]) == {
        "meeting.started", "meeting.ended", "participant.joined", "participant.left"
    }  # fmt: skip
    assert {"uuid", "url", "createdAt", "updatedAt"} <= set(hook)
    assert call(sim, "GET", f"/webhooks/{hook['uuid']}") == hook
    assert [h["uuid"] for h in call(sim, "GET", "/webhooks")] == [hook["uuid"]]
    updated = call(sim, "POST", f"/webhooks/{hook['uuid']}", json={"eventTypes": ["meeting.ended"]})
    assert updated["eventTypes"] == ["meeting.ended"]
    call(sim, "DELETE", f"/webhooks/{hook['uuid']}")
    missing = requests.get(f"{sim.rest_base_url}/webhooks/{hook['uuid']}",
                           headers=sim.rest_headers, timeout=10)  # fmt: skip
    assert missing.status_code == 404 and missing.json()["error"] == "not-found"
    bad = requests.post(f"{sim.rest_base_url}/webhooks", json={"url": "ftp://x"},
                        headers=sim.rest_headers, timeout=10)  # fmt: skip
    assert bad.status_code == 400


def test_events_are_really_posted_and_correctly_signed(
    sim: SimulatorProcess, receiver: Receiver
) -> None:
    call(sim, "POST", "/webhooks", json={"url": receiver.url, "hmac": SECRET})
    for _ in range(24):  # quiet hours have few events: let time pass until people come and go
        sim.clock(advance=900)
        sim.flush_webhooks()  # returns once every due event was POSTed
        kinds = {e["type"] for e in receiver.events()}
        if {"participant.joined", "participant.left"} <= kinds:
            break
    for headers, body in receiver.deliveries():
        timestamp = headers["x-webhook-timestamp"]
        expected = hmac.new(base64.b64decode(SECRET), f"{timestamp}.".encode() + body,
                            hashlib.sha256).digest()  # fmt: skip
        assert hmac.compare_digest(base64.b64decode(headers["x-webhook-signature"]), expected)
    events = receiver.events()
    assert {e["version"] for e in events} == {"1.0.0"}
    assert len({e["id"] for e in events}) == len(events)
    kinds = {e["type"] for e in events}
    assert {"participant.joined", "participant.left"} <= kinds
    stamps = [e["event_ts"] for e in events]
    assert stamps == sorted(stamps)
    joined = next(e for e in events if e["type"] == "participant.joined")["payload"]
    assert set(joined) == {"joined_at", "session_id", "room", "user_id", "user_name", "owner"}
    left = next(e for e in events if e["type"] == "participant.left")["payload"]
    assert left["duration"] >= 0


def test_an_ejection_is_delivered_as_participant_left(
    sim: SimulatorProcess, receiver: Receiver
) -> None:
    call(sim, "POST", "/webhooks", json={"url": receiver.url, "eventTypes": ["participant.left"]})
    presence = call(sim, "GET", "/presence")
    room, people = next(iter(presence.items()))
    call(sim, "POST", f"/rooms/{room}/eject", json={"ids": [people[0]["id"]]})
    sim.flush_webhooks()
    left = wait_until(
        lambda: [e for e in receiver.events() if e["payload"]["session_id"] == people[0]["id"]]
    )
    assert left[0]["type"] == "participant.left"


def test_a_failing_receiver_turns_the_webhook_failed(
    sim: SimulatorProcess, receiver: Receiver
) -> None:
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url})
    receiver.status = 500
    for _ in range(24):
        sim.clock(advance=900)
        sim.flush_webhooks()
        state = call(sim, "GET", f"/webhooks/{hook['uuid']}")
        if state["state"] == "FAILED":
            break
    assert state["state"] == "FAILED" and state["failedCount"] == 3
    assert len(receiver.deliveries()) == 3, "a FAILED webhook receives nothing more"
    failures = [d for d in sim.webhook_deliveries() if not d["ok"]]
    assert failures and failures[0]["status"] == 500
    # Re-activation sends the test request again: refused while the receiver fails...
    refused = requests.post(f"{sim.rest_base_url}/webhooks/{hook['uuid']}", json={},
                            headers=sim.rest_headers, timeout=30)  # fmt: skip
    assert refused.status_code == 400 and refused.json()["error"] == "invalid-request-error"
    assert call(sim, "GET", f"/webhooks/{hook['uuid']}")["state"] == "FAILED"
    receiver.status = 200  # ...and accepted once it answers 200.
    revived = call(sim, "POST", f"/webhooks/{hook['uuid']}", json={})
    assert revived["state"] == "ACTIVE" and revived["failedCount"] == 0
    assert len(receiver.tests()) == 3


def _signed(headers: dict[str, str], body: bytes, secret: str) -> bool:
    timestamp = headers["x-webhook-timestamp"]
    expected = hmac.new(base64.b64decode(secret), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(base64.b64decode(headers["x-webhook-signature"]), expected.digest())


def test_creating_a_webhook_sends_a_signed_test_request_first(
    sim: SimulatorProcess, receiver: Receiver
) -> None:
    # Reference: docs.daily.co/reference/rest-api/webhooks ("Before creating your webhook,
    # we perform a verification check ... We'll send a POST request to your webhook
    # endpoint"); the body and its signature as receivers see them.
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url, "hmac": SECRET,
                                                "basicAuth": "dXNlcjpwdw=="})  # fmt: skip
    [(headers, body)] = receiver.received
    assert json.loads(body) == {"test": "test"}
    assert _signed(headers, body, SECRET) and headers["authorization"] == "Basic dXNlcjpwdw=="
    assert abs(int(headers["x-webhook-timestamp"]) - time.time()) < 60
    assert [d["type"] for d in sim.webhook_deliveries()] == ["test"]
    assert call(sim, "GET", f"/webhooks/{hook['uuid']}")["url"] == receiver.url


@pytest.mark.parametrize("status", [204, 404, 500])
def test_a_url_that_does_not_answer_200_is_refused_and_nothing_is_created(
    sim: SimulatorProcess, receiver: Receiver, status: int
) -> None:
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook: "If we do not
    # receive a `200` status code relatively quickly, we will consider the endpoint
    # faulty and return a `400` error."
    receiver.status = status
    response = requests.post(f"{sim.rest_base_url}/webhooks", json={"url": receiver.url},
                             headers=sim.rest_headers, timeout=30)  # fmt: skip
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid-request-error"
    assert len(receiver.tests()) == 1
    assert call(sim, "GET", "/webhooks") == []


def test_an_unreachable_url_is_refused(sim: SimulatorProcess) -> None:
    with running_receiver() as gone:
        url = gone.url
    response = requests.post(f"{sim.rest_base_url}/webhooks", json={"url": url},
                             headers=sim.rest_headers, timeout=30)  # fmt: skip
    assert response.status_code == 400 and url in response.json()["info"]
    assert call(sim, "GET", "/webhooks") == []


def test_re_pointing_a_webhook_tests_the_new_url_and_a_refusal_changes_nothing(
    sim: SimulatorProcess, receiver: Receiver
) -> None:
    # Reference: docs.daily.co/reference/rest-api/webhooks/update-webhook ("When updating
    # a webhook ... Daily will send a request to the webhook server with a test request").
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url, "hmac": SECRET})
    with running_receiver() as other:
        other.status = 503
        response = requests.post(f"{sim.rest_base_url}/webhooks/{hook['uuid']}",
                                 json={"url": other.url, "eventTypes": ["meeting.ended"]},
                                 headers=sim.rest_headers, timeout=30)  # fmt: skip
        assert response.status_code == 400
        assert call(sim, "GET", f"/webhooks/{hook['uuid']}") == hook
        other.status = 200
        moved = call(sim, "POST", f"/webhooks/{hook['uuid']}", json={"url": other.url})
        assert moved["url"] == other.url
        tests = other.tests()  # the refused update's and this one's
        assert len(tests) == 2 and all(_signed(h, b, SECRET) for h, b in tests)
    assert len(receiver.tests()) == 1  # the old URL was tested once, on creation


def test_an_exponential_webhook_retries_a_failed_event_and_never_fails(
    sim: SimulatorProcess, receiver: Receiver
) -> None:
    # Reference: docs.daily.co/reference/rest-api/webhooks, retryType `exponential`: "Daily
    # will never circuit break under this retry type. Each message will be retried at most
    # 5 times, with an exponential backoff up to 15 minutes."
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url, "retryType": "exponential",
                                                "eventTypes": ["meeting.started"]})  # fmt: skip
    receiver.status = 500
    for _ in range(24):
        sim.clock(advance=900)
        sim.flush_webhooks()
        if receiver.deliveries():
            break
    first_headers, first_body = receiver.deliveries()[0]
    first_id = json.loads(first_body)["id"]
    for _ in range(6):  # the retries come due one after another, minutes apart
        sim.clock(advance=30)
        sim.flush_webhooks()
    state = call(sim, "GET", f"/webhooks/{hook['uuid']}")
    assert state["state"] == "ACTIVE" and state["failedCount"] >= 3
    receiver.status = 200
    for _ in range(20):
        sim.clock(advance=60)
        sim.flush_webhooks()
    copies = [(h, b) for h, b in receiver.deliveries() if json.loads(b)["id"] == first_id]
    assert 2 <= len(copies) <= 6, "the first attempt and at most 5 retries"
    assert {h["x-webhook-timestamp"] for h, _ in copies} == {first_headers["x-webhook-timestamp"]}
    assert {b for _, b in copies} == {first_body}
    assert call(sim, "GET", f"/webhooks/{hook['uuid']}")["failedCount"] == 0
