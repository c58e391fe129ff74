"""Failures end to end: the simulator's fault switches and rate limits against the client's
documented retry policy (daily/http.py):

- GET and DELETE are retried on connection errors, timeouts and 5xx (max_retries, capped
  exponential backoff with full jitter); a POST never is, it may have done its work;
- 429 is retried for every method, honouring Retry-After; a Retry-After above 60 s is
  raised at once as RateLimited(.retry_after); retries spent -> RateLimited;
- what is left is Unavailable (retryable) or the mapped DailyError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from daily import (
    DailyClient,
    DailyError,
    Privacy,
    RateLimited,
    RoomSpec,
    Unavailable,
)
from tests.contract.helpers import build
from tests.support.simulator import SimulatorProcess

REST_GET = "GET /v1/rooms/{name}"
REST_CREATE = "POST /v1/rooms"
REST_DELETE = "DELETE /v1/rooms/{name}"
DOMAINS_INFO = "GET /domains/by-name/{team}"
DOMAINS_CREATE = "POST /domains/by-name/{team}/room"
DOMAINS_DELETE = "DELETE /domains/by-name/{team}/room/{room}"

# (dialect, route, call) for one idempotent and one non-idempotent call of each dialect.
Call = Callable[[DailyClient], Any]
GETS: list[tuple[str, str, Call]] = [
    ("rest", REST_GET, lambda c: c.get_room("lobby")),
    ("domains", DOMAINS_INFO, lambda c: c.team_info()),
]
DELETES: list[tuple[str, str, Call]] = [
    ("rest", REST_DELETE, lambda c: c.delete_room("standup")),
    ("domains", DOMAINS_DELETE, lambda c: c.delete_room("standup")),
]
POSTS: list[tuple[str, str, Call]] = [
    ("rest", REST_CREATE, lambda c: c.create_room("made-once")),
    ("domains", DOMAINS_CREATE, lambda c: c.create_room("made-once")),
]
IDS = ["rest", "domains"]


def backoff_bounds(sleeps: list[float], base: float = 0.5, cap: float = 8.0) -> bool:
    return all(0 <= s <= min(cap, base * 2**i) for i, s in enumerate(sleeps))


# -- 5xx ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "route", "call"), GETS + DELETES, ids=IDS + IDS)
def test_5xx_on_an_idempotent_call_is_retried_then_unavailable(
    sim: SimulatorProcess, sleeps: list[float], dialect: str, route: str, call: Call
) -> None:
    sim.faults(p_5xx=1, fault_seed=3)
    with build(sim, dialect, sleeps) as client, pytest.raises(Unavailable) as caught:
        call(client)
    assert caught.value.retryable and caught.value.status in (500, 502, 503, 504)
    assert sim.request_counts() == {route: 4}  # 1 + max_retries (3)
    assert len(sleeps) == 3 and backoff_bounds(sleeps)


@pytest.mark.parametrize(("dialect", "route", "call"), POSTS, ids=IDS)
def test_5xx_on_a_post_is_not_retried(
    sim: SimulatorProcess, sleeps: list[float], dialect: str, route: str, call: Call
) -> None:
    sim.faults(p_5xx=1)
    with build(sim, dialect, sleeps) as client:
        with pytest.raises(Unavailable):
            call(client)
        assert sim.request_counts() == {route: 1} and sleeps == []
        sim.clear_faults()
        assert call(client).name == "made-once"  # the failed POST created nothing


def test_one_5xx_then_success_is_invisible_to_the_caller(
    sim: SimulatorProcess, sleeps: list[float]
) -> None:
    sim.faults(p_5xx=1)

    def recover(delay: float) -> None:
        sleeps.append(delay)
        sim.clear_faults()

    with build(sim, "rest", sleep=recover) as client:
        assert client.get_room("lobby").name == "lobby"
    assert sim.request_counts() == {REST_GET: 2} and len(sleeps) == 1


# -- errors in a 200 (domains) --------------------------------------------------------------------


def test_an_error_in_a_200_is_a_daily_error_and_not_retried(
    sim: SimulatorProcess, domains: DailyClient, rest: DailyClient
) -> None:
    sim.faults(p_error_in_200=1)
    with pytest.raises(DailyError) as caught:
        domains.team_info()
    assert caught.value.status == 200 and caught.value.message
    with pytest.raises(DailyError):
        domains.set_privacy("standup", Privacy.PUBLIC)
    assert sim.request_counts() == {
        DOMAINS_INFO: 1,
        "POST /domains/by-name/{team}/room/{room}": 1,
    }
    assert rest.get_room("lobby").name == "lobby"  # the quirk is the original API's only


# -- dropped connections and hangs -------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "route", "call"), GETS, ids=IDS)
def test_a_dropped_connection_on_a_get_is_retried_then_unavailable(
    sim: SimulatorProcess, sleeps: list[float], dialect: str, route: str, call: Call
) -> None:
    sim.faults(p_drop=1)
    with build(sim, dialect, sleeps) as client, pytest.raises(Unavailable) as caught:
        call(client)
    assert caught.value.retryable and caught.value.status is None
    assert sim.request_counts() == {route: 4}


@pytest.mark.parametrize(("dialect", "route", "call"), POSTS, ids=IDS)
def test_a_dropped_connection_on_a_post_is_not_retried(
    sim: SimulatorProcess, sleeps: list[float], dialect: str, route: str, call: Call
) -> None:
    sim.faults(p_drop=1)
    with build(sim, dialect, sleeps) as client, pytest.raises(Unavailable):
        call(client)
    assert sim.request_counts() == {route: 1}


def test_a_hang_times_out_into_unavailable(sim: SimulatorProcess, sleeps: list[float]) -> None:
    sim.faults(p_hang=1, hang_seconds=2)
    with build(sim, "rest", sleeps, timeout=(1, 0.5), max_retries=1) as client:
        with pytest.raises(Unavailable) as caught:
            client.get_room("lobby")
        assert "in time" in caught.value.message
        assert sim.request_counts() == {REST_GET: 2}
        with pytest.raises(Unavailable):
            client.create_room("slow")
        assert sim.request_counts() == {REST_GET: 2, REST_CREATE: 1}
    with (
        build(sim, "domains", sleeps, timeout=(1, 0.5), max_retries=0) as client,
        pytest.raises(Unavailable),
    ):
        client.team_info()


# -- 429 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "route", "call"), GETS + POSTS, ids=IDS + IDS)
def test_a_429_with_retry_after_is_honoured_and_retried_for_every_method(
    sim: SimulatorProcess, sleeps: list[float], dialect: str, route: str, call: Call
) -> None:
    sim.faults(p_429=1, retry_after=2)

    def wait(delay: float) -> None:  # "time passes": the limit is over after the wait
        sleeps.append(delay)
        sim.clear_faults()

    with build(sim, dialect, sleep=wait) as client:
        call(client)
    assert sleeps == [2.0]
    assert sim.request_counts() == {route: 2}


def test_a_retry_after_too_long_to_wait_is_raised_at_once(
    sim: SimulatorProcess, rest: DailyClient, sleeps: list[float]
) -> None:
    sim.faults(p_429=1, retry_after=120)
    with pytest.raises(RateLimited) as caught:
        rest.get_room("lobby")
    assert caught.value.retry_after == 120 and caught.value.retryable
    assert caught.value.error_type == "rate-limit-error"
    assert sleeps == [] and sim.request_counts() == {REST_GET: 1}


@pytest.mark.parametrize("dialect", IDS)
def test_429s_without_retry_after_back_off_exponentially_then_rate_limited(
    sim: SimulatorProcess, sleeps: list[float], dialect: str
) -> None:
    sim.faults(p_429=1)
    with build(sim, dialect, sleeps) as client, pytest.raises(RateLimited) as caught:
        client.list_rooms()
    assert caught.value.retry_after is None and caught.value.status == 429
    assert len(sleeps) == 3 and backoff_bounds(sleeps)
    assert sum(sim.request_counts().values()) == 4


def test_a_burst_of_deletes_hits_daily_s_delete_limit(
    sim: SimulatorProcess, rest: DailyClient, sleeps: list[float]
) -> None:
    # DELETE /rooms/<name>: about 2/s, 50 per 30 s (CONTRACT.md). Backoff (a few seconds
    # at most) cannot outwait a 30 s window: the 51st delete ends as RateLimited.
    rest.batch_create_rooms([RoomSpec(f"burst-{i:02d}") for i in range(11)])
    names = [r.name for r in rest.list_rooms()]
    assert len(names) == 51
    sim.clear_request_counts()
    for name in names[:50]:
        rest.delete_room(name)
    assert sleeps == []
    with pytest.raises(RateLimited) as caught:
        rest.delete_room(names[50])
    assert caught.value.retry_after is None and caught.value.error_type == "rate-limit-error"
    assert len(sleeps) == 3 and backoff_bounds(sleeps)
    assert sim.request_counts() == {REST_DELETE: 54}
    # Other calls have their own, larger budget: still served.
    assert rest.get_room(names[50]).name == names[50]
