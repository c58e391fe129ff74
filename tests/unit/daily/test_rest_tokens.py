"""rest meeting tokens: create, validate, and pipecat's token for a room URL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import responses
from responses import matchers

from daily import (
    InvalidInput,
    InvalidRequest,
    MeetingTokenProperties,
    RecordingMode,
    RestClient,
)

from .conftest import NOW, REST_BASE, auth

TOKENS = f"{REST_BASE}/meeting-tokens"
MEETING_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJyIjoic3RhbmR1cCJ9.c2lnbmF0dXJlLXNlY3JldA"


def test_create_meeting_token_sends_the_sparse_properties(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    exp = NOW + timedelta(minutes=30)
    expected = {
        "properties": {
            "room_name": "standup",
            "exp": int(exp.timestamp()),
            "is_owner": False,
            "user_name": "Ann",
            "user_id": "user-1",
            "enable_recording": "cloud",
            "permissions": {"canSend": ["video", "audio"]},
        }
    }
    rsps.post(
        TOKENS,
        json={"token": MEETING_TOKEN},
        match=[auth(), matchers.json_params_matcher(expected)],
    )
    props = MeetingTokenProperties(
        room_name="standup",
        exp=exp,
        is_owner=False,
        user_name="Ann",
        user_id="user-1",
        enable_recording="cloud",  # type: ignore[arg-type]
        permissions={"canSend": ["video", "audio"]},
    )
    assert rest.create_meeting_token(props) == MEETING_TOKEN


@pytest.mark.parametrize(
    ("props", "field"),
    [
        (MeetingTokenProperties(), "room_name"),
        (MeetingTokenProperties(room_name="bad/name"), "room_name"),
        (MeetingTokenProperties(room_name="r", user_id="u" * 37), "user_id"),
        (MeetingTokenProperties(room_name="r", exp=NOW), "exp"),
        (MeetingTokenProperties(room_name="r", eject_after_elapsed=-5), "eject_after_elapsed"),
        (MeetingTokenProperties(room_name="r", is_owner="yes"), "is_owner"),  # type: ignore[arg-type]
        (MeetingTokenProperties(room_name="r", permissions=["x"]), "permissions"),  # type: ignore[arg-type]
        (MeetingTokenProperties(room_name="r", enable_recording="tape"), "enable_recording"),  # type: ignore[arg-type]
        ("not properties", "properties"),
    ],
)
def test_token_properties_are_validated_before_any_http(
    props: Any, field: str, rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rest.create_meeting_token(props)
    assert caught.value.field == field


def test_a_user_id_of_exactly_36_characters_is_fine(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(TOKENS, json={"token": "t.t.t"})
    rest.create_meeting_token(MeetingTokenProperties(room_name="r", user_id="u" * 36))


def test_validate_meeting_token_returns_its_properties(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{TOKENS}/{MEETING_TOKEN}",
        json={
            "room_name": "standup",
            "is_owner": True,
            "exp": 1893456000,
            "enable_recording": "local",
            "extra": 1,
        },
        match=[auth()],
    )
    props = rest.validate_meeting_token(MEETING_TOKEN)
    assert props.room_name == "standup" and props.is_owner is True
    assert props.enable_recording is RecordingMode.LOCAL
    assert props.exp is not None and int(props.exp.timestamp()) == 1893456000
    assert props.user_id is None


def test_validate_accepts_properties_wrapped_in_an_object(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{TOKENS}/{MEETING_TOKEN}", json={"properties": {"room_name": "standup"}})
    assert rest.validate_meeting_token(MEETING_TOKEN).room_name == "standup"


def test_an_invalid_meeting_token_error_never_shows_the_token(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{TOKENS}/{MEETING_TOKEN}",
        status=400,
        json={"error": "invalid-request-error", "info": f"token {MEETING_TOKEN} is not valid"},
    )
    with pytest.raises(InvalidRequest) as caught:
        rest.validate_meeting_token(MEETING_TOKEN)
    assert MEETING_TOKEN not in str(caught.value) and MEETING_TOKEN not in repr(caught.value)
    assert caught.value.path == "/meeting-tokens/[redacted]"


@pytest.mark.parametrize("token", ["", ".", "..", "../rooms", "a/b", "a b", "a?b", "a#b", "a%2Fb"])
def test_validate_refuses_things_that_are_not_tokens(
    token: str, rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        rest.validate_meeting_token(token)


def test_token_for_room_url_sets_room_expiry_owner_and_eject(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    expected = {
        "properties": {
            "room_name": "my-room",
            "exp": int((NOW + timedelta(seconds=1800)).timestamp()),
            "is_owner": True,
            "eject_at_token_exp": True,
            "user_name": "John Doe",
            "start_video_off": True,
        }
    }
    rsps.post(TOKENS, json={"token": "t.o.k"}, match=[matchers.json_params_matcher(expected)])
    extra = MeetingTokenProperties(
        user_name="John Doe", start_video_off=True, room_name="ignored", is_owner=False
    )
    token = rest.token_for_room_url(
        "https://acme.daily.co/my-room",
        expiry_seconds=1800,
        owner=True,
        eject_at_token_exp=True,
        properties=extra,
    )
    assert token == "t.o.k"


def test_token_for_room_url_defaults_to_a_plain_participant(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    expected = {
        "properties": {
            "room_name": "r",
            "exp": int(NOW.timestamp()) + 60,
            "is_owner": False,
            "eject_at_token_exp": False,
        }
    }
    rsps.post(TOKENS, json={"token": "t.o.k"}, match=[matchers.json_params_matcher(expected)])
    rest.token_for_room_url("https://acme.daily.co/r", expiry_seconds=60)


@pytest.mark.parametrize("expiry", [0, -1, True, "60"])
def test_token_for_room_url_needs_a_positive_lifetime(
    expiry: Any, rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rest.token_for_room_url("https://acme.daily.co/r", expiry_seconds=expiry)
    assert caught.value.field == "expiry_seconds"


def test_token_for_another_teams_room_url_is_refused(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        rest.token_for_room_url("https://evil.daily.co/r", expiry_seconds=60)
