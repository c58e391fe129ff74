"""The "rest" dialect's meetings end to end: cursor pages, the participants endpoint, truth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from daily import DailyClient, InvalidInput, NotFound
from tests.contract.helpers import build, meeting_view, sim_now, truth_view, unix
from tests.support.simulator import SimulatorProcess

DOMAIN = "demo-rest"
LIST = "GET /v1/meetings"
PARTICIPANTS = "GET /v1/meetings/{id}/participants"


@pytest.fixture
def client(fast: SimulatorProcess) -> Iterator[DailyClient]:
    """Meetings are paged heavily: use the simulator without rate limits."""
    with build(fast, "rest", []) as rest:
        yield rest


def test_meetings_page_with_cursors_newest_first_and_match_the_truth(
    fast: SimulatorProcess, client: DailyClient
) -> None:
    now = sim_now(fast)
    start, end = now - timedelta(days=4), now
    meetings = list(client.meetings(start, end))
    truth = fast.truth(DOMAIN, unix(start), unix(end))["meetings"]
    assert len(truth) > 200
    assert [m.key for m in meetings] == [t["key"] for t in reversed(truth)]
    assert [meeting_view(m) for m in meetings] == [truth_view(t) for t in reversed(truth)]
    starts = [m.start for m in meetings]
    assert starts == sorted(starts, reverse=True)
    counts = fast.request_counts()
    assert counts[LIST] == -(-len(truth) // 100) + 1  # every page, then an empty one


def test_meetings_window_is_half_open(fast: SimulatorProcess, client: DailyClient) -> None:
    now = sim_now(fast)
    truth = fast.truth(DOMAIN, unix(now - timedelta(days=1)), unix(now))["meetings"]
    pivot = truth[len(truth) // 2]["start"]
    first = datetime.fromtimestamp(pivot, UTC)
    inside = list(client.meetings(first, first + timedelta(hours=2)))
    assert inside and min(m.start for m in inside) == first
    before = list(client.meetings(first - timedelta(hours=2), first))
    assert before and all(m.start < first for m in before)


def test_meetings_of_one_room_match_the_truth(fast: SimulatorProcess, client: DailyClient) -> None:
    now = sim_now(fast)
    start = now - timedelta(days=30)
    meetings = list(client.meetings(start, now, room="lobby"))
    truth = fast.truth(DOMAIN, unix(start), unix(now), room="lobby")["meetings"]
    assert len(truth) > 100 and {m.room for m in meetings} == {"lobby"}
    assert [meeting_view(m) for m in meetings] == [truth_view(t) for t in reversed(truth)]


def test_meetings_with_over_100_participants_use_the_participants_endpoint(
    fast: SimulatorProcess, client: DailyClient
) -> None:
    now = sim_now(fast)
    start = now - timedelta(days=30)
    truth = fast.truth(DOMAIN, unix(start), unix(now), room="all-hands")["meetings"]
    big = [t for t in truth if len(t["participants"]) > 100]
    assert big, "all-hands holds a 120-260 person meeting every ninth day"
    meetings = list(client.meetings(start, now, room="all-hands"))
    assert [meeting_view(m) for m in meetings] == [truth_view(t) for t in reversed(truth)]
    assert fast.request_counts()[PARTICIPANTS] >= 2 * len(big)  # >100: at least two pages
    largest = max(big, key=lambda t: len(t["participants"]))
    direct = client.meeting_participants(largest["id"])
    assert [p.session_key for p in direct] == [p["participant_id"] for p in largest["participants"]]


def test_meeting_participants_of_a_small_meeting(
    fast: SimulatorProcess, client: DailyClient
) -> None:
    now = sim_now(fast)
    truth = fast.truth(DOMAIN, unix(now - timedelta(days=1)), unix(now))["meetings"]
    meeting = next(t for t in truth if 3 <= len(t["participants"]) < 100)
    participants = client.meeting_participants(meeting["id"])
    assert [
        (p.session_key, p.user_id, p.user_name, unix(p.join), unix(p.leave), p.duration)
        for p in participants
    ] == [
        (p["participant_id"], p["user_id"], p["user_name"], p["join"], p["leave"], p["duration"])
        for p in meeting["participants"]
    ]


def test_meeting_participants_of_an_unknown_meeting(
    fast: SimulatorProcess, client: DailyClient
) -> None:
    with pytest.raises(NotFound):
        client.meeting_participants("00000000-0000-4000-8000-000000000000")
    fast.clear_request_counts()
    with pytest.raises(InvalidInput):
        client.meeting_participants("../rooms")
    assert fast.request_counts() == {}


def test_meeting_times_lie_on_a_15_second_grid(fast: SimulatorProcess, client: DailyClient) -> None:
    now = sim_now(fast)
    meetings = list(client.meetings(now - timedelta(days=1), now))
    stamps = [m.start for m in meetings] + [m.end for m in meetings if m.end is not None]
    stamps += [p.join for m in meetings for p in m.participants]
    assert stamps and all(int(s.timestamp()) % 15 == 0 for s in stamps)
    assert any(s.second != 0 for s in stamps)  # finer than the domains minute
    assert all(m.upstream_id == m.key for m in meetings)


def test_ongoing_meetings_have_no_end_and_present_participants_no_leave(
    fast: SimulatorProcess, client: DailyClient
) -> None:
    now = sim_now(fast)
    meetings = list(client.meetings(now - timedelta(hours=6), now + timedelta(seconds=1)))
    ongoing = [m for m in meetings if m.ongoing]
    assert ongoing, "the chained rooms are always mid-meeting"
    for m in ongoing:
        assert m.end is None and m.duration is not None
        # Still in: no leave, and Daily's duration is the time so far (never null).
        assert any(p.still_in and p.leave is None for p in m.participants)
        assert all(p.duration is not None for p in m.participants)
    # user_id is stable only with a token user_id; otherwise null or the session id
    guests = [p for m in meetings for p in m.participants if p.is_guest]
    assert guests and all(p.user_id in (None, p.session_key) for p in guests)
    assert any(p.user_name is None for m in meetings for p in m.participants)


def test_meetings_with_a_bad_window_fail_before_any_request(
    fast: SimulatorProcess, client: DailyClient
) -> None:
    now = sim_now(fast)
    with pytest.raises(InvalidInput):
        client.meetings(now, now)
    with pytest.raises(InvalidInput):
        client.meetings(now - timedelta(days=1), now, room="bad room")
    assert fast.request_counts() == {}
