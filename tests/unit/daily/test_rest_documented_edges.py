"""rest: the participants 404, still-in participants, null and "hipaa" user ids, and the
malformed Authorization header, as Daily documents them (pages named per test)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from responses import matchers

from daily import AuthError, InvalidRequest, NotFound, RestClient
from daily.parse import pin
from daily.types import Participant

from .conftest import REST_BASE

MEETINGS = f"{REST_BASE}/meetings"
START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2024, 1, 2, tzinfo=UTC)
T0 = int(START.timestamp())
M_START = T0 + 3600


def person(n: int, join: int, duration: int, user_id: str | None = None) -> dict[str, Any]:
    return {
        "participant_id": f"p-{n:04d}",
        "user_id": user_id,
        "user_name": None,
        "join_time": join,
        "duration": duration,
    }


def page(after: str | None = None) -> Any:
    params = {"limit": "100"} if after is None else {"limit": "100", "joined_after": after}
    return matchers.query_param_matcher(params)


# -- docs.daily.co/reference/rest-api/meetings/get-meeting-participants --------------------


def test_the_404_after_the_last_page_ends_the_participant_list(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    path = f"{MEETINGS}/m-1/participants"
    first = [person(n, M_START + n, 60) for n in range(100)]
    second = [person(n, M_START + n, 60) for n in range(100, 150)]
    rsps.get(path, json={"data": first}, match=[page()])
    rsps.get(path, json={"data": second}, match=[page("p-0099")])
    rsps.get(path, status=404, json={"error": "not-found", "info": "no more"},
             match=[page("p-0149")])  # fmt: skip
    result = rest.meeting_participants("m-1")
    assert [p.session_key for p in result] == [f"p-{n:04d}" for n in range(150)]
    rsps.assert_call_count(f"{path}?limit=100&joined_after=p-0149", 1)  # not retried


def test_a_404_on_the_first_page_is_an_unknown_meeting(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{MEETINGS}/m-x/participants", status=404,
             json={"error": "not-found", "info": "meeting not found"})  # fmt: skip
    with pytest.raises(NotFound):
        rest.meeting_participants("m-x")


def test_a_big_meeting_from_the_list_is_completed_through_the_404(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    everyone = [person(n, M_START + n, 60) for n in range(150)]
    listed = {"id": "m-1", "room": "all-hands", "start_time": M_START, "duration": 900,
              "ongoing": False, "participants": everyone[:100]}  # fmt: skip
    rsps.get(MEETINGS, json={"data": [listed]})
    rsps.get(MEETINGS, json={"data": []})
    path = f"{MEETINGS}/m-1/participants"
    rsps.get(path, json={"data": everyone[:100]}, match=[page()])
    rsps.get(path, json={"data": everyone[100:]}, match=[page("p-0099")])
    rsps.get(path, status=404, json={"error": "not-found"}, match=[page("p-0149")])
    (meeting,) = rest.meetings(START, END)
    assert len(meeting.participants) == 150


# -- docs.daily.co/reference/rest-api/meetings: duration "will always contain valid data" --


def test_still_in_is_the_meeting_ongoing_and_the_participant_present(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    so_far = 1800  # the meeting's time so far; Daily's durations run to it for who is in
    present = person(1, M_START, so_far)
    late_and_present = person(2, M_START + 600, so_far - 600 + 15)  # answered a step later
    left = person(3, M_START + 60, so_far - 60 - 15)  # left one 15 s step before now
    ongoing = {"id": "m-1", "room": "lobby", "start_time": M_START, "duration": so_far,
               "ongoing": True, "participants": [present, late_and_present, left]}  # fmt: skip
    rsps.get(MEETINGS, json={"data": [ongoing]})
    rsps.get(MEETINGS, json={"data": []})
    (meeting,) = rest.meetings(START, END)
    one, two, three = meeting.participants
    assert one.still_in and one.leave is None and one.duration == so_far
    assert two.still_in and two.leave is None and two.duration == so_far - 585
    left_at = datetime.fromtimestamp(M_START + so_far - 15, UTC)
    assert not three.still_in and three.leave == left_at
    assert meeting.end is None


def test_in_an_ended_meeting_nobody_is_still_in(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    ended = {"id": "m-1", "room": "lobby", "start_time": M_START, "duration": 600,
             "ongoing": False, "participants": [person(1, M_START, 600)]}  # fmt: skip
    rsps.get(MEETINGS, json={"data": [ended]})
    rsps.get(MEETINGS, json={"data": []})
    (meeting,) = rest.meetings(START, END)
    assert meeting.participants[0].leave == datetime.fromtimestamp(M_START + 600, UTC)
    assert not meeting.participants[0].still_in


def test_the_paged_participants_of_an_ongoing_big_meeting_are_settled_too(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    so_far = 3000
    everyone = [person(n, M_START + 15 * n, so_far - 15 * n) for n in range(101)]
    everyone[5] = person(5, M_START + 75, 60)  # left early
    listed = {"id": "m-1", "room": "all-hands", "start_time": M_START, "duration": so_far,
              "ongoing": True, "participants": everyone[:100]}  # fmt: skip
    rsps.get(MEETINGS, json={"data": [listed]})
    rsps.get(MEETINGS, json={"data": []})
    path = f"{MEETINGS}/m-1/participants"
    rsps.get(path, json={"data": everyone[:100]}, match=[page()])
    rsps.get(path, json={"data": everyone[100:]}, match=[page("p-0099")])
    rsps.get(path, status=404, json={"error": "not-found"}, match=[page("p-0100")])
    (meeting,) = rest.meetings(START, END)
    still = [p.session_key for p in meeting.participants if p.still_in]
    assert len(meeting.participants) == 101 and len(still) == 100 and "p-0005" not in still


# -- user_id: null, the session id, or "hipaa" (docs.daily.co/reference/rest-api/meetings,
# -- docs.daily.co/reference/rest-api/meeting-tokens/config `user_id`) --------------------


def test_hipaa_null_and_session_user_ids_are_sessions_and_a_uuid_is_a_person(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    uuid = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    people = [
        person(1, M_START, 60, user_id="hipaa"),
        person(2, M_START, 60, user_id="hipaa"),
        person(3, M_START, 60, user_id=None),
        person(4, M_START, 60, user_id="p-0004"),
        person(5, M_START, 60, user_id=uuid),
    ]
    ended = {"id": "m-1", "room": "lobby", "start_time": M_START, "duration": 600,
             "ongoing": False, "participants": people}  # fmt: skip
    rsps.get(MEETINGS, json={"data": [ended]})
    rsps.get(MEETINGS, json={"data": []})
    (meeting,) = rest.meetings(START, END)
    p1, p2, p3, p4, p5 = meeting.participants
    for p in (p1, p2, p3, p4):
        assert p.is_guest and p.identity == f"session:{p.session_key}"
    assert p1.user_id is None and p2.user_id is None
    assert not p5.is_guest and p5.identity == uuid


def test_a_participant_built_with_hipaa_is_still_nobody_in_particular() -> None:
    joined = datetime.fromtimestamp(M_START, UTC)
    p = Participant("p-1", "hipaa", None, None, joined, None, 60)
    assert p.is_guest and p.identity == "session:p-1"


def test_presence_reads_hipaa_as_no_user_id(rest: RestClient, rsps: responses.RequestsMock) -> None:
    entry = {"room": "lobby", "id": "s-1", "userId": "hipaa", "userName": None,
             "joinTime": "2024-01-01T01:00:00.000Z", "duration": 60}  # fmt: skip
    rsps.get(f"{REST_BASE}/presence", json={"lobby": [entry]})
    (present,) = rest.presence()
    assert present.user_id is None


# -- docs.daily.co/docs/rest-api/errors: "bad Authorization header format" -------------------


def test_a_malformed_authorization_header_is_a_credentials_problem(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    body = {"error": "invalid-request-error", "info": "bad Authorization header format"}
    rsps.get(f"{REST_BASE}/", status=400, json=body)
    with pytest.raises(AuthError) as caught:
        rest.domain_config()
    assert caught.value.status == 400 and caught.value.error_type == "invalid-request-error"
    assert "bad Authorization header format" in str(caught.value)


def test_any_other_invalid_request_stays_a_refused_request(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    body = {"error": "invalid-request-error", "info": "room name too long"}
    rsps.get(f"{REST_BASE}/", status=400, json=body)
    with pytest.raises(InvalidRequest) as caught:
        rest.domain_config()
    assert not isinstance(caught.value, AuthError)


# -- domains: dialInPIN is 6 digits (2018 OpenAPI file, RoomInfo.dialInPIN '^\d{6}') -------


@pytest.mark.parametrize(
    ("raw", "read"),
    [("012345", "012345"), (12345, "012345"), (987654, "987654"), (-1, None), (True, None)],
)
def test_a_dial_in_pin_keeps_its_six_digits(raw: object, read: str | None) -> None:
    assert pin(raw) == read
