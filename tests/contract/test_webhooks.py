"""The "rest" dialect's webhook configuration end to end: create, list, get, update, delete."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from daily import DailyClient, InvalidInput, InvalidRequest, NotFound, Webhook
from tests.support.simulator import SimulatorProcess, wait_until

SECRET = base64.b64encode(b"a signing secret of 32 bytes....").decode()
OTHER_SECRET = base64.b64encode(b"another signing secret, 32 bytes").decode()


def test_create_webhook_with_defaults(rest: DailyClient) -> None:
    hook = rest.create_webhook("https://dashboard.example.com/hooks/daily")
    assert isinstance(hook, Webhook) and hook.id
    assert hook.url == "https://dashboard.example.com/hooks/daily"
    assert hook.state == "ACTIVE" and hook.failed_count == 0
    assert set(hook.event_types) >= {"meeting.started", "meeting.ended"}
    assert hook.hmac and base64.b64decode(hook.hmac)  # Daily generated a secret
    assert hook.hmac not in repr(hook)


def test_create_list_get_update_delete_round_trip(rest: DailyClient) -> None:
    created = rest.create_webhook(
        "https://dashboard.example.com/a",
        event_types=["participant.joined", "participant.left"],
        hmac=SECRET,
    )
    assert created.hmac == SECRET
    assert created.event_types == ["participant.joined", "participant.left"]
    second = rest.create_webhook("http://localhost:8000/b")
    assert [h.id for h in rest.list_webhooks()] == [created.id, second.id]
    assert rest.get_webhook(created.id) == created

    updated = rest.update_webhook(
        created.id, url="https://dashboard.example.com/c", event_types=["meeting.ended"]
    )
    assert updated.id == created.id and updated.url == "https://dashboard.example.com/c"
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


def test_daily_refuses_what_the_client_leaves_to_it(rest: DailyClient) -> None:
    # The secret is base64 (the signature base64-decodes it) and the event types are Daily's.
    with pytest.raises(InvalidRequest) as caught:
        rest.create_webhook("https://example.com/h", hmac="not base64!")
    assert caught.value.status == 400 and "base64" in caught.value.message
    assert "not base64!" not in str(caught.value)
    with pytest.raises(InvalidRequest) as caught:
        rest.create_webhook("https://example.com/h", event_types=["meeting.exploded"])
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


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.status = 200
        self.received: list[tuple[dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/hooks/daily"


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


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
    for headers, body in receiver.received:
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
    receiver.status = 500
    hook = rest.create_webhook(receiver.url)
    sim.clock(advance=3600)
    sim.flush_webhooks()  # synchronous: the failures are counted when it returns
    failed = wait_until(
        lambda: (h := rest.get_webhook(hook.id)).state == "FAILED" and h, interval=0.25
    )
    assert failed.failed_count == 3 and len(receiver.received) == 3
    revived = rest.update_webhook(hook.id, url=receiver.url)
    assert revived.state == "ACTIVE" and revived.failed_count == 0
