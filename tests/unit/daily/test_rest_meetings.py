"""rest meetings: timeframe and cursor paging, the inline participant cap, participants paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from responses import matchers

from daily import InvalidInput, ParseError, RestClient

from .conftest import REST_BASE, auth

MEETINGS = f"{REST_BASE}/meetings"
START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2024, 1, 2, tzinfo=UTC)
T0 = int(START.timestamp())


def participant(n: int, *, user_id: str | None = None, duration: int | None = 60) -> dict[str, Any]:
    data: dict[str, Any] = {
        "participant_id": f"p-{n:04d}",
        "user_id": user_id if user_id is not None else f"p-{n:04d}",
        "user_name": f"Person {n}",
        "join_time": T0 + 100 + n,
    }
    if duration is not None:
        data["duration"] = duration
    return data


def meeting(
    n: int,
    *,
    start: int | None = None,
    participants: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    data = {
        "id": f"m-{n:03d}",
        "room": "standup",
        "start_time": start if start is not None else T0 + 3600 + n * 60,
        "duration": 600,
        "ongoing": False,
        "max_participants": 2,
        "participants": participants if participants is not None else [participant(1)],
    }
    data.update(extra)
    return data


def query(**params: Any) -> Any:
    base = {"timeframe_start": str(T0), "timeframe_end": str(T0 + 86400), "limit": "100"}
    base.update({k: str(v) for k, v in params.items()})
    return matchers.query_param_matcher(base)


def test_meetings_pages_with_the_last_id_as_cursor_until_an_empty_page(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    newest_first = [meeting(n) for n in range(230, 0, -1)]
    pages = [newest_first[0:100], newest_first[100:200], newest_first[200:], []]
    cursors = [None, "m-131", "m-031", "m-001"]
    for page, cursor in zip(pages, cursors, strict=True):
        match = query() if cursor is None else query(starting_after=cursor)
        rsps.get(MEETINGS, json={"total_count": 230, "data": page}, match=[auth(), match])
    result = list(rest.meetings(START, END))
    assert [m.key for m in result] == [f"m-{n:03d}" for n in range(230, 0, -1)]
    first = result[0]
    assert first.upstream_id == first.key == "m-230"
    assert first.start == datetime.fromtimestamp(T0 + 3600 + 230 * 60, UTC)
    assert first.end == first.start + timedelta(seconds=600)
    assert (first.ongoing, first.duration, first.max_participants) == (False, 600, 2)


def test_meetings_for_a_room_passes_the_room(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(MEETINGS, json={"data": []}, match=[query(room="standup")])
    assert list(rest.meetings(START, END, room="standup")) == []


def test_meetings_outside_the_window_are_dropped_and_duplicates_yielded_once(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    page = [
        meeting(1, start=T0 - 1),
        meeting(2, start=T0),
        meeting(3, start=T0 + 86400),
        meeting(2, start=T0),
    ]
    rsps.get(MEETINGS, json={"data": page})
    rsps.get(MEETINGS, json={"data": []})
    assert [m.key for m in rest.meetings(START, END)] == ["m-002"]


def test_a_fractional_window_rounds_outward_and_filters_exactly(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    start = START + timedelta(milliseconds=500)
    end = END + timedelta(milliseconds=500)
    match = matchers.query_param_matcher(
        {"timeframe_start": str(T0), "timeframe_end": str(T0 + 86401), "limit": "100"}
    )
    rsps.get(
        MEETINGS, json={"data": [meeting(1, start=T0), meeting(2, start=T0 + 86400)]}, match=[match]
    )
    rsps.get(MEETINGS, json={"data": []})
    assert [m.key for m in rest.meetings(start, end)] == ["m-002"]


def test_an_ongoing_meeting_has_no_end_and_a_participant_still_in_has_no_leave(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    item = meeting(
        1,
        ongoing=True,
        participants=[participant(1, duration=None), participant(2, user_id="user-42")],
    )
    rsps.get(MEETINGS, json={"data": [item]})
    rsps.get(MEETINGS, json={"data": []})
    (result,) = rest.meetings(START, END)
    assert result.ongoing and result.end is None and result.duration == 600
    still_in, known = result.participants
    assert still_in.leave is None and still_in.duration is None
    assert still_in.session_key == "p-0001" and still_in.email is None
    assert still_in.is_guest and still_in.identity == "session:p-0001"
    assert not known.is_guest and known.identity == "user-42"
    assert known.leave == known.join + timedelta(seconds=60)


def test_null_user_names_and_ids_are_fine(rest: RestClient, rsps: responses.RequestsMock) -> None:
    p = {
        "participant_id": "s1",
        "user_id": None,
        "user_name": None,
        "join_time": T0 + 5,
        "duration": 3,
    }
    rsps.get(MEETINGS, json={"data": [meeting(1, participants=[p])]})
    rsps.get(MEETINGS, json={"data": []})
    (result,) = rest.meetings(START, END)
    (only,) = result.participants
    assert only.user_id is None and only.user_name is None and only.is_guest


def test_a_meeting_at_the_inline_cap_fetches_all_participants_page_by_page(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    everyone = [participant(n) for n in range(250)]
    rsps.get(MEETINGS, json={"data": [meeting(1, participants=everyone[:100])]})
    path = f"{MEETINGS}/m-001/participants"
    for page, cursor in [
        (everyone[:100], None),
        (everyone[100:200], "p-0099"),
        (everyone[200:], "p-0199"),
        ([], "p-0249"),
    ]:
        params = {"limit": "100"} if cursor is None else {"limit": "100", "joined_after": cursor}
        rsps.get(path, json={"data": page}, match=[auth(), matchers.query_param_matcher(params)])
    rsps.get(MEETINGS, json={"data": []})
    (result,) = rest.meetings(START, END)
    assert [p.session_key for p in result.participants] == [f"p-{n:04d}" for n in range(250)]


def test_a_meeting_below_the_cap_keeps_its_inline_participants(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        MEETINGS, json={"data": [meeting(1, participants=[participant(n) for n in range(99)])]}
    )
    rsps.get(MEETINGS, json={"data": []})
    (result,) = rest.meetings(START, END)
    assert len(result.participants) == 99
    assert len(rsps.calls) == 2


def test_meeting_participants_directly(rest: RestClient, rsps: responses.RequestsMock) -> None:
    path = f"{MEETINGS}/m-1/participants"
    rsps.get(path, json={"data": [participant(1), participant(2)]})
    rsps.get(path, json={"data": []})
    assert [p.session_key for p in rest.meeting_participants("m-1")] == ["p-0001", "p-0002"]


@pytest.mark.parametrize("meeting_id", ["", "..", "a/b", "m 1", "?x=1", "#frag", "%2e%2e"])
def test_meeting_participants_refuses_hostile_ids(
    meeting_id: str, rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        rest.meeting_participants(meeting_id)


@pytest.mark.parametrize(
    "item",
    [
        {"room": "r", "start_time": T0},
        {"id": "m", "start_time": T0},
        {"id": "m", "room": "r"},
        {"id": "m", "room": "r", "start_time": "soon"},
        {"id": "m", "room": "r", "start_time": T0, "participants": "many"},
        {"id": "m", "room": "r", "start_time": T0, "participants": [{"participant_id": "p"}]},
    ],
)
def test_meetings_of_the_wrong_shape_are_a_parse_error(
    item: dict[str, Any], rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(MEETINGS, json={"data": [item]})
    with pytest.raises(ParseError) as caught:
        list(rest.meetings(START, END))
    assert caught.value.path == "/meetings"


def test_meetings_checks_the_window_at_the_call(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        rest.meetings(START.replace(tzinfo=None), END)
    with pytest.raises(InvalidInput):
        rest.meetings(END, START)
