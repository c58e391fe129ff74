"""Observers of the HTTP layer: every attempt reported with its route template and outcome."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses

from daily import DailyError, RestClient, Unavailable
from daily.observers import Call, add_observer, remove_observer, route_of

from .conftest import REST_BASE, TOKEN

ROOM = {"id": "r1", "name": "standup", "privacy": "public", "url": "https://acme.daily.co/standup"}


@pytest.fixture
def calls() -> Iterator[list[Call]]:
    seen: list[Call] = []
    add_observer(seen.append)
    yield seen
    remove_observer(seen.append)


def test_each_attempt_is_reported_with_its_route_and_outcome_retries_included(
    ordered: responses.RequestsMock, rest: RestClient, calls: list[Call]
) -> None:
    ordered.get(f"{REST_BASE}/rooms/standup", status=429, headers={"Retry-After": "0"})
    ordered.get(f"{REST_BASE}/rooms/standup", status=503)
    ordered.get(f"{REST_BASE}/rooms/standup", json=ROOM)
    rest.get_room("standup")
    assert [(c.method, c.route, c.status, c.outcome) for c in calls] == [
        ("GET", "/rooms/{id}", 429, "rate_limited"),
        ("GET", "/rooms/{id}", 503, "server_error"),
        ("GET", "/rooms/{id}", 200, "ok"),
    ]
    assert all(c.seconds >= 0 for c in calls)
    assert {c.team for c in calls} == {"acme"}  # the team the client was made for


def test_an_unreachable_daily_is_reported_without_a_status(
    ordered: responses.RequestsMock, rest: RestClient, calls: list[Call]
) -> None:
    ordered.post(f"{REST_BASE}/rooms", body=requests.exceptions.ConnectionError("down"))
    with pytest.raises(Unavailable):
        rest.create_room("standup")
    assert [(c.route, c.status, c.outcome) for c in calls] == [("/rooms", None, "unreachable")]


def test_routes_never_carry_names_emails_or_tokens(
    ordered: responses.RequestsMock, rest: RestClient, calls: list[Call]
) -> None:
    ordered.delete(f"{REST_BASE}/rooms/secret-room-name", status=400)
    with pytest.raises(DailyError):
        rest.delete_room("secret-room-name")
    assert calls[0].route == "/rooms/{id}"
    assert calls[0].outcome == "client_error"
    assert route_of("/domains/by-name/acme/user/a%40b.example") == "/domains/by-name/{id}/user/{id}"
    assert route_of(f"/meeting-tokens/{TOKEN}") == "/meeting-tokens/{id}"
    assert route_of("/") == "/"
    assert route_of("/rooms/a%2Fb/eject") == "/rooms/{id}/eject"


def test_an_observer_that_fails_never_breaks_the_call(
    ordered: responses.RequestsMock, rest: RestClient, calls: list[Call]
) -> None:
    def broken(call: Call) -> None:
        raise RuntimeError("metrics are down")

    add_observer(broken)
    try:
        ordered.get(f"{REST_BASE}/rooms/standup", json=ROOM)
        assert rest.get_room("standup").name == "standup"
    finally:
        remove_observer(broken)
    assert len(calls) == 1
