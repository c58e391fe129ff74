"""Retry policy: idempotent calls retry, POST never after a possible side effect, 429 always."""

from __future__ import annotations

import logging
from email.utils import format_datetime

import pytest
import requests
import responses

from daily import RateLimited, RestClient, Unavailable, make_client
from daily.http import Transport, parse_retry_after

from .conftest import NOW, REST_BASE, TOKEN

ROOM = {"id": "r1", "name": "standup", "privacy": "public", "url": "https://acme.daily.co/standup"}
ROOM_URL = f"{REST_BASE}/rooms/standup"


def test_a_get_that_fails_twice_with_503_succeeds_on_the_third_call(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.get(ROOM_URL, status=503)
    ordered.get(ROOM_URL, status=503)
    ordered.get(ROOM_URL, json=ROOM)
    assert rest.get_room("standup").name == "standup"
    assert len(ordered.calls) == 3
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1.0


def test_a_get_gives_up_after_max_retries_with_a_retryable_unavailable(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    for _ in range(4):
        ordered.get(ROOM_URL, status=500, json={"error": "server-error", "info": "boom"})
    with pytest.raises(Unavailable) as caught:
        rest.get_room("standup")
    assert len(ordered.calls) == 4
    assert len(sleeps) == 3
    assert caught.value.retryable
    assert caught.value.status == 500
    assert caught.value.error_type == "server-error"


def test_a_post_that_gets_503_is_not_retried(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.post(f"{REST_BASE}/rooms", status=503)
    with pytest.raises(Unavailable):
        rest.create_room("standup")
    assert len(ordered.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ConnectTimeout("connect"),
        requests.exceptions.ReadTimeout("read"),
        requests.exceptions.ConnectionError("refused"),
    ],
)
def test_a_post_that_may_have_been_performed_is_never_retried(
    failure: Exception, ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.post(f"{REST_BASE}/rooms", body=failure)
    with pytest.raises(Unavailable):
        rest.create_room("standup")
    assert len(ordered.calls) == 1
    assert sleeps == []


def test_a_post_that_was_rate_limited_is_retried(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.post(f"{REST_BASE}/rooms", status=429, json={"error": "rate-limit-error"})
    ordered.post(f"{REST_BASE}/rooms", json=ROOM)
    assert rest.create_room("standup").id == "r1"
    assert len(ordered.calls) == 2
    assert len(sleeps) == 1


def test_retry_after_in_seconds_is_honoured(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.delete(ROOM_URL, status=429, headers={"Retry-After": "7"})
    ordered.delete(ROOM_URL, json={"deleted": True, "name": "standup"})
    rest.delete_room("standup")
    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    when = NOW.replace(second=12)
    ordered.get(ROOM_URL, status=429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    ordered.get(ROOM_URL, json=ROOM)
    rest.get_room("standup")
    assert sleeps == [12.0]


def test_a_long_retry_after_is_raised_for_the_caller_to_reschedule(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.get(
        ROOM_URL,
        status=429,
        headers={"Retry-After": "120"},
        json={"error": "rate-limit-error", "info": "slow down"},
    )
    with pytest.raises(RateLimited) as caught:
        rest.get_room("standup")
    assert caught.value.retry_after == 120.0
    assert caught.value.retryable
    assert caught.value.message == "slow down"
    assert sleeps == []


def test_rate_limiting_that_persists_raises_rate_limited(
    ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    for _ in range(4):
        ordered.post(f"{REST_BASE}/rooms", status=429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimited) as caught:
        rest.create_room("standup")
    assert sleeps == [1.0, 1.0, 1.0]
    assert caught.value.retry_after == 1.0
    assert caught.value.status == 429


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ReadTimeout("read"), requests.exceptions.ConnectionError("reset")],
)
def test_gets_and_deletes_are_retried_after_network_failures(
    failure: Exception, ordered: responses.RequestsMock, rest: RestClient, sleeps: list[float]
) -> None:
    ordered.get(ROOM_URL, body=failure)
    ordered.get(ROOM_URL, json=ROOM)
    ordered.delete(ROOM_URL, body=failure)
    ordered.delete(ROOM_URL, json={"deleted": True})
    rest.get_room("standup")
    rest.delete_room("standup")
    assert len(ordered.calls) == 4
    assert len(sleeps) == 2


def test_zero_retries_means_one_attempt(ordered: responses.RequestsMock) -> None:
    sleeps: list[float] = []
    client = make_client("rest", REST_BASE, TOKEN, max_retries=0, sleep=sleeps.append)
    ordered.get(ROOM_URL, status=503)
    with pytest.raises(Unavailable):
        client.get_room("standup")
    assert len(ordered.calls) == 1 and sleeps == []


def test_backoff_is_exponential_capped_and_fully_jittered() -> None:
    top = Transport(
        REST_BASE, TOKEN, user_agent="t", backoff_base=0.5, backoff_cap=8.0, random_fn=lambda: 1.0
    )
    assert [top.backoff(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    bottom = Transport(REST_BASE, TOKEN, user_agent="t", random_fn=lambda: 0.0)
    assert bottom.backoff(5) == 0.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        ("soon", None),
        ("nan", None),
    ],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, lambda: NOW) == expected


def test_retries_are_logged_at_warning_with_method_and_path(
    ordered: responses.RequestsMock, rest: RestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="daily")
    ordered.get(ROOM_URL, status=502)
    ordered.get(ROOM_URL, json=ROOM)
    rest.get_room("standup")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("GET /rooms/standup answered 502; retry 1 of 3" in m for m in warnings)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("GET /rooms/standup -> 200" in m and "(1 retries)" in m for m in debug)
