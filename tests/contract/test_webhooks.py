"""The "rest" dialect's webhook configuration end to end: create, list, get, update, delete."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest

from daily import DailyClient, InvalidInput, InvalidRequest, NotFound, Webhook
from tests.support.receiver import Receiver, running_receiver
from tests.support.simulator import SimulatorProcess, wait_until

SECRET = base64.b64encode(b"a signing secret of 32 bytes....").decode()
OTHER_SECRET = base64.b64encode(b"another signing secret, 32 bytes").decode()


def test_create_webhook_with_defaults(rest: DailyClient, receiver: Receiver) -> None:
    hook = rest.create_webhook(receiver.url)
    assert isinstance(hook, Webhook) and hook.id
    assert hook.url == receiver.url
    assert hook.state == "ACTIVE" and hook.failed_count == 0
    assert set(hook.event_types) >= {"meeting.started", "meeting.ended"}
    assert hook.hmac and base64.b64decode(hook.hmac)  # Daily generated a secret
    assert hook.hmac not in repr(hook)


def test_create_list_get_update_delete_round_trip(
    rest: DailyClient, receiver: Receiver, other_receiver: Receiver
) -> None:
    created = rest.create_webhook(
        receiver.url,
        event_types=["participant.joined", "participant.left"],
        hmac=SECRET,
    )
    assert created.hmac == SECRET
    assert created.event_types == ["participant.joined", "participant.left"]
    second = rest.create_webhook(other_receiver.url)
    assert [h.id for h in rest.list_webhooks()] == [created.id, second.id]
    assert rest.get_webhook(created.id) == created

    updated = rest.update_webhook(created.id, url=other_receiver.url, event_types=["meeting.ended"])
    assert updated.id == created.id and updated.url == other_receiver.url
    assert updated.event_types == ["meeting.ended"] and updated.hmac == SECRET
    rotated = rest.update_webhook(created.id, hmac=OTHER_SECRET)
    assert rotated.hmac == OTHER_SECRET and rotated.url == updated.url
    assert rest.get_webhook(created.id) == rotated

    rest.delete_webhook(created.id)
    assert [h.id for h in rest.list_webhooks()] == [second.id]
    with pytest.raises(NotFound):
        rest.get_webhook(created.id)


def test_unknown_webhooks_are_not_found(rest: DailyClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for call in (
        lambda: rest.get_webhook(unknown),
        lambda: rest.update_webhook(unknown, url="https://example.com/"),
        lambda: rest.delete_webhook(unknown),
    ):
        with pytest.raises(NotFound):
            call()
    assert rest.list_webhooks() == []


def test_daily_refuses_what_the_client_leaves_to_it(rest: DailyClient, receiver: Receiver) -> None:
    # The secret is base64 (the signature base64-decodes it) and the event types are Daily's.
    with pytest.raises(InvalidRequest) as caught:
        rest.create_webhook(receiver.url, hmac="not base64!")
    assert caught.value.status == 400 and "base64" in caught.value.message
    assert "not base64!" not in str(caught.value)
    with pytest.raises(InvalidRequest) as caught:
        rest.create_webhook(receiver.url, event_types=["meeting.exploded"])
    assert "eventTypes" in caught.value.message
    assert rest.list_webhooks() == []


def test_webhook_mistakes_are_refused_before_any_request(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    with pytest.raises(InvalidInput):
        rest.create_webhook("ftp://example.com/h")
    with pytest.raises(InvalidInput):
        rest.create_webhook("https://example.com/h", event_types="meeting.started")
    with pytest.raises(InvalidInput):
        rest.create_webhook("https://example.com/h", hmac=" ")
    with pytest.raises(InvalidInput):
        rest.update_webhook("abc")  # nothing to change
    with pytest.raises(InvalidInput):
        rest.get_webhook("../rooms")
    assert sim.request_counts() == {}


# -- deliveries -----------------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as state:
        yield state


@pytest.fixture
def other_receiver() -> Iterator[Receiver]:
    with running_receiver("/b") as state:
        yield state


def contract_signature(secret: str, timestamp: str, body: bytes) -> str:
    """CONTRACT.md: base64(HMAC_SHA256(key=base64decode(secret), msg=timestamp + "." + body))."""
    key = base64.b64decode(secret)
    return base64.b64encode(
        hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).digest()
    ).decode()


def test_deliveries_are_signed_with_the_secret_the_client_registered(
    sim: SimulatorProcess, rest: DailyClient, receiver: Receiver
) -> None:
    hook = rest.create_webhook(receiver.url, hmac=SECRET)
    sim.clock(advance=3600)  # an hour of live rooms: joins and leaves for sure
    sim.flush_webhooks()
    wait_until(lambda: receiver.received)
    types = set()
    ids = []
    for headers, body in receiver.deliveries():
        expected = contract_signature(SECRET, headers["x-webhook-timestamp"], body)
        assert hmac.compare_digest(headers["x-webhook-signature"], expected)
        event = json.loads(body)
        assert set(event) == {"version", "type", "id", "event_ts", "payload"}
        assert event["type"] in hook.event_types
        types.add(event["type"])
        ids.append(event["id"])
    assert len(ids) == len(set(ids))  # receivers deduplicate on id; the sender sends once
    assert types and types <= set(hook.event_types)


def test_a_failing_receiver_marks_the_webhook_failed_until_it_is_updated(
    sim: SimulatorProcess, rest: DailyClient, receiver: Receiver
) -> None:
    hook = rest.create_webhook(receiver.url)
    receiver.status = 500
    sim.clock(advance=3600)
    sim.flush_webhooks()  # synchronous: the failures are counted when it returns
    failed = wait_until(
        lambda: (h := rest.get_webhook(hook.id)).state == "FAILED" and h, interval=0.25
    )
    assert failed.failed_count == 3 and len(receiver.deliveries()) == 3
    with pytest.raises(InvalidRequest):  # the re-activation's test request fails too
        rest.update_webhook(hook.id, url=receiver.url)
    receiver.status = 200
    revived = rest.update_webhook(hook.id, url=receiver.url)
    assert revived.state == "ACTIVE" and revived.failed_count == 0


def test_daily_tests_the_url_before_it_creates_a_webhook(
    sim: SimulatorProcess, rest: DailyClient, receiver: Receiver
) -> None:
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook: "If we do not
    # receive a `200` status code relatively quickly, we will consider the endpoint faulty
    # and return a `400` error."
    receiver.status = 404
    with pytest.raises(InvalidRequest) as caught:
        rest.create_webhook(receiver.url, hmac=SECRET)
    assert caught.value.status == 400 and caught.value.error_type == "invalid-request-error"
    assert rest.list_webhooks() == []
    [(headers, body)] = receiver.tests()
    expected = contract_signature(SECRET, headers["x-webhook-timestamp"], body)
    assert hmac.compare_digest(headers["x-webhook-signature"], expected)
    receiver.status = 200
    assert rest.create_webhook(receiver.url, hmac=SECRET).state == "ACTIVE"


def test_failed_count_is_read_from_daily_camel_case(
    sim: SimulatorProcess, rest: DailyClient, receiver: Receiver
) -> None:
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook ("failedCount").
    hook = rest.create_webhook(receiver.url, event_types=["participant.joined"])
    receiver.status = 500
    for _ in range(24):
        sim.clock(advance=900)
        sim.flush_webhooks()
        if receiver.deliveries():
            break
    assert rest.get_webhook(hook.id).failed_count >= 1
