"""Pacing under Daily's documented rate limits (daily/pacing.py) and its use by the HTTP layer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses.registries import OrderedRegistry

from daily import RateLimited, make_client
from daily.errors import Unavailable
from daily.pacing import GENERAL, LIMITS, SLOW, MemorySlots, Pacer, bucket_for

REST = "https://api.daily.co/v1"
DOMAINS = "https://prod-ks.pluot.blue"


class FakeTime:
    """A clock that only moves when somebody sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("method", "path", "bucket"),
    [
        ("DELETE", "/rooms/standup", SLOW),
        ("DELETE", "/v1/rooms/standup", SLOW),
        ("GET", "/recordings", SLOW),
        ("GET", "/rooms/standup", GENERAL),
        ("POST", "/rooms/standup", GENERAL),
        ("POST", "/rooms/standup/eject", GENERAL),
        ("DELETE", "/webhooks/abc", GENERAL),
        ("GET", "/rooms?limit=100", GENERAL),
        ("DELETE", "/domains/by-name/team/room/standup", GENERAL),
    ],
)
def test_each_request_counts_against_its_documented_limit(method, path, bucket):
    assert bucket_for(method, path) == bucket


def test_documented_limits():
    # docs.daily.co/reference/rest-api, "Rate limits".
    assert (LIMITS[GENERAL].requests, LIMITS[GENERAL].window) == (100, 5.0)
    assert (LIMITS[SLOW].requests, LIMITS[SLOW].window) == (50, 30.0)


def test_slots_are_spaced_by_the_interval_in_order_of_asking():
    t = FakeTime()
    slots = MemorySlots(clock=t.clock)
    waits = [slots.reserve("k", 0.25, 10) for _ in range(4)]
    assert waits == [0.0, 0.25, 0.5, 0.75]


def test_a_slot_beyond_max_wait_is_refused_and_not_taken():
    t = FakeTime()
    slots = MemorySlots(clock=t.clock)
    assert slots.reserve("k", 1.0, 1.5) == 0.0
    assert slots.reserve("k", 1.0, 1.5) == 1.0
    assert slots.reserve("k", 1.0, 1.5) is None  # 2 s away
    t.now += 1.0
    assert slots.reserve("k", 1.0, 1.5) == 1.0  # the refused one took nothing


def test_keys_are_independent():
    t = FakeTime()
    slots = MemorySlots(clock=t.clock)
    assert slots.reserve("a", 1.0, 5) == 0.0
    assert slots.reserve("b", 1.0, 5) == 0.0


def test_push_holds_a_key_back_but_never_brings_it_forward():
    t = FakeTime()
    slots = MemorySlots(clock=t.clock)
    slots.push("k", 3.0)
    assert slots.reserve("k", 0.5, 10) == 3.0
    slots.push("k", 1.0)  # earlier than the slot already taken: no change
    assert slots.reserve("k", 0.5, 10) == 3.5


def test_sustained_pace_stays_within_every_window_and_uses_most_of_the_rate():
    t = FakeTime()
    pacer = Pacer(MemorySlots(clock=t.clock), "team", max_wait=60, sleep=t.sleep)
    sent: list[float] = []
    for _ in range(1000):
        pacer.before("GET", "/meetings")
        sent.append(t.now)
    limit = LIMITS[GENERAL]
    # Never more than 100 requests in any 5-second window...
    j = 0
    for i, start in enumerate(sent):
        while j < len(sent) and sent[j] < start + limit.window:
            j += 1
        assert j - i <= limit.requests
    # ...and at least 90% of the allowed 20 per second over the run.
    rate = (len(sent) - 1) / (sent[-1] - sent[0])
    assert 0.9 * 20 <= rate <= 20


def test_deletes_of_rooms_are_paced_at_their_own_slower_limit():
    t = FakeTime()
    pacer = Pacer(MemorySlots(clock=t.clock), "team", max_wait=60, sleep=t.sleep)
    for _ in range(51):
        pacer.before("DELETE", "/rooms/x")
    assert t.now - 1000.0 >= 30.0  # 51 deletes take more than the 30-second window
    before = t.now
    pacer.before("GET", "/rooms")  # the general bucket is not held up by the deletes
    assert t.now == before


def test_a_page_view_is_refused_at_once_when_its_slot_is_too_far():
    t = FakeTime()
    store = MemorySlots(clock=t.clock)
    worker = Pacer(store, "team", max_wait=600, sleep=t.sleep)
    page = Pacer(store, "team", max_wait=2, sleep=t.sleep)
    store.push("team:general", 30)  # a 429 held the bucket back
    with pytest.raises(RateLimited) as caught:
        page.before("GET", "/rooms")
    assert caught.value.retry_after is not None
    assert t.slept == []
    worker.before("GET", "/rooms")
    assert t.slept == [30.0]


@responses.activate(registry=OrderedRegistry)
def test_a_429_holds_the_whole_bucket_back_instead_of_sleeping_alone():
    t = FakeTime()
    store = MemorySlots(clock=t.clock)
    pacer = Pacer(store, "team", max_wait=600, sleep=t.sleep)
    responses.get(f"{REST}/rooms/a", status=429, json={"error": "rate-limit-error"})
    responses.get(
        f"{REST}/rooms/a",
        json={"name": "a", "id": "1", "privacy": "public", "url": "https://t.daily.co/a"},
    )
    transport_sleeps: list[float] = []
    client = make_client(
        "rest",
        REST,
        "secret-token-123456",
        sleep=transport_sleeps.append,
        pacer=pacer,
        backoff_base=0.5,
        backoff_cap=0.5,
    )
    room = client.get_room("a")
    assert room.name == "a"
    assert transport_sleeps == []  # the transport did not sleep on its own
    assert len(t.slept) == 1 and 0 < t.slept[0] <= 0.5  # the retry waited for the held slot
    assert len(responses.calls) == 2


@responses.activate(registry=OrderedRegistry)
def test_domains_meetings_post_is_retried_like_a_get():
    responses.post(f"{DOMAINS}/domains/by-name/team/meetings", status=502)
    responses.post(
        f"{DOMAINS}/domains/by-name/team/meetings",
        json={"error": {"message": "internal error, please try again"}},
    )
    responses.post(
        f"{DOMAINS}/domains/by-name/team/meetings", json={"meetings": [], "moreResults": False}
    )
    sleeps: list[float] = []
    client = make_client(
        "domains", DOMAINS, "secret-token-123456", team="team", sleep=sleeps.append
    )
    meetings = list(
        client.meetings(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC))
    )
    assert meetings == []
    assert len(responses.calls) == 3
    assert len(sleeps) == 2


@responses.activate(registry=OrderedRegistry)
def test_domains_room_creation_is_never_retried_after_a_passing_error():
    responses.post(
        f"{DOMAINS}/domains/by-name/team/room",
        json={"error": {"message": "internal error, please try again"}},
    )
    client = make_client(
        "domains", DOMAINS, "secret-token-123456", team="team", sleep=lambda s: None
    )
    with pytest.raises(Unavailable):
        client.create_room("standup")
    assert len(responses.calls) == 1
