"""Rest dialect: webhook configuration, and real signed deliveries to a local receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.support.simulator import SimulatorProcess, wait_until

pytestmark = pytest.mark.simulator

SECRET = base64.b64encode(b"a shared webhook secret of 32 b!").decode()


@dataclass
class Receiver:
    url: str = ""
    status: int = 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/daily"
    yield state
    server.shutdown()
    server.server_close()


def call(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> Any:
    url = sim.rest_base_url + path
    response = requests.request(method, url, headers=sim.rest_headers, timeout=30, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def test_webhook_crud_and_generated_secret(sim: SimulatorProcess, receiver: Receiver) -> None:
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url})
    assert hook["state"] == "ACTIVE" and hook["failed_count"] == 0
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
    for headers, body in receiver.received:
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
    receiver.status = 500
    hook = call(sim, "POST", "/webhooks", json={"url": receiver.url})
    for _ in range(24):
        sim.clock(advance=900)
        sim.flush_webhooks()
        state = call(sim, "GET", f"/webhooks/{hook['uuid']}")
        if state["state"] == "FAILED":
            break
    assert state["state"] == "FAILED" and state["failed_count"] == 3
    assert len(receiver.received) == 3, "a FAILED webhook receives nothing more"
    failures = [d for d in sim.webhook_deliveries() if not d["ok"]]
    assert failures and failures[0]["status"] == 500
    revived = call(sim, "POST", f"/webhooks/{hook['uuid']}", json={})
    assert revived["state"] == "ACTIVE" and revived["failed_count"] == 0
