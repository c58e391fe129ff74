"""domains meetings: parsing, natural keys, window splitting on moreResults, overflow."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from responses import matchers

from daily import DomainsClient, InvalidInput, ParseError, WindowOverflow
from daily.timeutil import parse_time

from .conftest import DOMAINS_ROOT, auth

URL = f"{DOMAINS_ROOT}/meetings"
START = datetime(2018, 7, 21, tzinfo=UTC)
END = datetime(2018, 7, 22, tzinfo=UTC)

DOCUMENTED = {
    "meetings": [
        {
            "domain": "acme",
            "room": "hello",
            "mtgStart": "2018-07-21T22:07:11.000Z",
            "mtgEnd": "2018-07-21T22:07:29.000Z",
            "participants": [
                {
                    "email": "guest",
                    "mtgJoin": "2018-07-21T22:07:11.000Z",
                    "mtgLeave": "2018-07-21T22:07:29.000Z",
                },
                {"email": "Daily.co TV", "mtgJoin": "2018-07-21T22:07:12.000Z", "mtgLeave": None},
                {
                    "email": "ann@example.com",
                    "mtgJoin": "2018-07-21T22:07:13.000Z",
                    "mtgLeave": "2018-07-21T22:07:20.000Z",
                    "name": "Ann",
                },
            ],
        },
        {
            "domain": "acme",
            "room": "live",
            "mtgStart": "2018-07-21T23:00:00.000Z",
            "mtgEnd": None,
            "participants": [],
        },
        {"domain": "acme", "room": "live2", "mtgStart": 1532214060},
    ],
    "moreResults": False,
}


def test_meetings_posts_the_window_as_iso_z_strings_and_reads_the_documented_shape(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        URL,
        json=DOCUMENTED,
        match=[
            auth(),
            matchers.json_params_matcher(
                {"start": "2018-07-21T00:00:00.000Z", "end": "2018-07-22T00:00:00.000Z"}
            ),
        ],
    )
    meetings = list(domains.meetings(START, END))
    assert [m.room for m in meetings] == ["hello", "live", "live2"]
    hello = meetings[0]
    assert hello.key == "hello@2018-07-21T22:07:11+00:00"
    assert hello.upstream_id is None
    assert hello.start == datetime(2018, 7, 21, 22, 7, 11, tzinfo=UTC)
    assert hello.end == datetime(2018, 7, 21, 22, 7, 29, tzinfo=UTC)
    assert (hello.ongoing, hello.duration, hello.max_participants) == (False, 18, None)
    guest, tv, ann = hello.participants
    assert guest.session_key == "guest|2018-07-21T22:07:11+00:00"
    assert guest.is_guest and tv.is_guest and not ann.is_guest
    assert (guest.identity, tv.identity, ann.identity) == (
        "guest",
        "Daily.co TV",
        "ann@example.com",
    )
    assert tv.leave is None and tv.duration is None
    assert ann.duration == 7 and ann.user_name == "Ann"
    assert hello.peak_participants == 3
    live, live2 = meetings[1], meetings[2]
    assert live.ongoing and live.end is None and live.duration is None
    assert live2.ongoing and live2.participants == []


def test_meetings_for_one_room_sends_the_room(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        URL,
        json={"meetings": [], "moreResults": False},
        match=[
            matchers.json_params_matcher(
                {
                    "start": "2018-07-21T00:00:00.000Z",
                    "end": "2018-07-22T00:00:00.000Z",
                    "room": "hello",
                }
            )
        ],
    )
    assert list(domains.meetings(START, END, room="hello")) == []


def test_meetings_checks_its_arguments_at_the_call_before_any_http(
    domains: DomainsClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        domains.meetings(datetime(2018, 7, 21), END)  # noqa: DTZ001 (naive on purpose)
    assert caught.value.field == "start"
    with pytest.raises(InvalidInput) as caught:
        domains.meetings(END, START)
    assert caught.value.field == "end"
    with pytest.raises(InvalidInput):
        domains.meetings(START, START)
    with pytest.raises(InvalidInput):
        domains.meetings(START, END, room="../user/x")


@pytest.mark.parametrize(
    "body",
    [
        {"moreResults": False},
        {"meetings": "none"},
        {"meetings": [{"room": "x"}]},
        {"meetings": [{"mtgStart": "2018-07-21T00:00:00Z"}]},
        {"meetings": [], "moreResults": 3},
    ],
)
def test_meetings_of_the_wrong_shape_are_a_parse_error(
    body: dict[str, Any], domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(URL, json=body)
    with pytest.raises(ParseError):
        list(domains.meetings(START, END))


class FakeMeetingsServer:
    """Serves stored meetings like the original API: at most 100 per call, moreResults."""

    def __init__(self, starts: list[datetime]) -> None:
        self.meetings = [
            {
                "domain": "acme",
                "room": f"room-{i % 7}",
                "mtgStart": s.isoformat().replace("+00:00", "Z"),
                "mtgEnd": (s + timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
                "participants": [{"email": "guest", "mtgJoin": s.isoformat(), "mtgLeave": None}],
            }
            for i, s in enumerate(starts)
        ]
        self.windows: list[tuple[datetime, datetime]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        low = parse_time(body["start"], field="start")
        high = parse_time(body["end"], field="end")
        self.windows.append((low, high))
        inside = [m for m in self.meetings if low <= parse_time(m["mtgStart"], field="s") < high]
        answer = {"meetings": inside[:100], "moreResults": len(inside) > 100}
        return 200, {}, json.dumps(answer)


def test_a_window_of_1000_meetings_is_split_until_every_meeting_arrives_exactly_once(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    rng = random.Random(7)
    # 910 meetings spread over two days, and 90 crowded into a single minute.
    starts = [base + timedelta(seconds=rng.randrange(2 * 86400)) for _ in range(910)]
    starts += [base + timedelta(hours=5, seconds=i % 60) for i in range(90)]
    server = FakeMeetingsServer(starts)
    rsps.add_callback(responses.POST, URL, callback=server, content_type="application/json")
    meetings = list(domains.meetings(base, base + timedelta(days=2)))
    assert len(meetings) == 1000
    assert len({m.key for m in meetings}) == 1000
    assert sorted(m.start for m in meetings) == sorted(starts)
    assert len(server.windows) > 10
    for low, high in server.windows[1:]:
        # Every split point lies on a whole minute.
        assert low.second == 0 and high.second == 0


def test_splitting_never_loses_meetings_at_an_off_minute_window_edge(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    base = datetime(2024, 1, 1, 10, 0, 30, tzinfo=UTC)
    starts = [base + timedelta(seconds=s) for s in range(120)]
    server = FakeMeetingsServer(starts)
    rsps.add_callback(responses.POST, URL, callback=server, content_type="application/json")
    meetings = list(domains.meetings(base, base + timedelta(seconds=120)))
    assert sorted(m.start for m in meetings) == starts
    assert len(server.windows) == 3


def test_a_one_minute_window_that_still_overflows_raises_window_overflow(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    minute = datetime(2024, 1, 1, 9, 30, tzinfo=UTC)
    server = FakeMeetingsServer([minute + timedelta(seconds=i % 60) for i in range(150)])
    rsps.add_callback(responses.POST, URL, callback=server, content_type="application/json")
    with pytest.raises(WindowOverflow) as caught:
        list(domains.meetings(minute - timedelta(hours=1), minute + timedelta(hours=1)))
    error = caught.value
    assert error.end - error.start <= timedelta(minutes=1)
    assert (
        error.start <= minute < error.end
        or error.start <= minute + timedelta(seconds=59) < error.end
    )
    assert "More than 100 meetings started between" in error.message
    assert "instead of missing meetings" in error.message
    assert not error.retryable


def test_more_results_as_the_string_true_also_splits(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    low = datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    high = low + timedelta(minutes=1)
    rsps.post(URL, json={"meetings": [], "moreResults": "true"})
    with pytest.raises(WindowOverflow):
        list(domains.meetings(low, high))


def test_an_overflowing_answer_is_not_parsed_and_a_bad_meeting_is_found_in_its_half(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    low = datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    bad = {"room": "standup", "startTime": "not a time", "participants": []}
    # The whole window overflows with a malformed meeting in it: discarded unread...
    rsps.post(URL, json={"meetings": [bad], "moreResults": True})
    # ...then each half: the left one complete and empty, the right one holds it.
    rsps.post(URL, json={"meetings": [], "moreResults": False})
    rsps.post(URL, json={"meetings": [bad], "moreResults": False})
    with pytest.raises(ParseError):
        list(domains.meetings(low, low + timedelta(hours=2)))
    assert len(rsps.calls) == 3
