"""rest presence (camelCase, snake_case, wrapped) and eject."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from daily import InvalidInput, ParseError, RestClient

from .conftest import REST_BASE, auth

PRESENCE = f"{REST_BASE}/presence"


def test_presence_reads_camel_case_entries_per_room(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        PRESENCE,
        json={
            "standup": [
                {
                    "id": "s1",
                    "userId": "u1",
                    "userName": "Ann",
                    "joinTime": "2024-05-01T11:58:00.000Z",
                    "duration": 120,
                    "room": "standup",
                },
                {
                    "id": "s2",
                    "userId": None,
                    "userName": None,
                    "joinTime": "2024-05-01T11:59:00.000Z",
                    "duration": 60,
                    "room": "standup",
                },
            ],
            "empty": [],
        },
        match=[auth()],
    )
    first, second = rest.presence()
    assert (first.room, first.session_id, first.user_id, first.user_name) == (
        "standup",
        "s1",
        "u1",
        "Ann",
    )
    assert first.join_time == datetime(2024, 5, 1, 11, 58, tzinfo=UTC) and first.duration == 120
    assert second.user_id is None and second.user_name is None


def test_presence_accepts_snake_case_and_a_wrapper(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        PRESENCE,
        json={
            "total_count": 1,
            "data": {
                "data": [
                    {
                        "session_id": "s9",
                        "user_id": "u9",
                        "user_name": "Bo",
                        "join_time": 1714564800,
                    }
                ]
            },
        },
    )
    (only,) = rest.presence()
    assert (only.room, only.session_id, only.user_id, only.user_name) == ("data", "s9", "u9", "Bo")
    assert only.join_time == datetime(2024, 5, 1, 12, 0, tzinfo=UTC) and only.duration is None


def test_presence_of_the_wrong_shape_is_a_parse_error(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(PRESENCE, json={"standup": {"id": "s1"}})
    with pytest.raises(ParseError):
        rest.presence()


def test_eject_posts_ids_user_ids_and_ban(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.post(
        f"{REST_BASE}/rooms/standup/eject",
        json={"ejectedIds": ["s1", "s2"]},
        match=[
            auth(),
            matchers.json_params_matcher(
                {"ids": ["s1"], "user_ids": ["4q47OTmqa/w="], "ban": True}
            ),
        ],
    )
    assert rest.eject("standup", session_ids=["s1"], user_ids=["4q47OTmqa/w="], ban=True) == [
        "s1",
        "s2",
    ]


def test_eject_by_session_only_omits_user_ids(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{REST_BASE}/rooms/standup/eject",
        json={},
        match=[matchers.json_params_matcher({"ids": ["s1"], "ban": False})],
    )
    assert rest.eject("standup", session_ids=("s1",)) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"session_ids": "s1"},
        {"session_ids": [""]},
        {"user_ids": ["a b"]},
        {"session_ids": ["s"], "ban": "yes"},
    ],
)
def test_eject_validates_before_any_http(
    kwargs: dict[str, object], rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        rest.eject("standup", **kwargs)  # type: ignore[arg-type]
