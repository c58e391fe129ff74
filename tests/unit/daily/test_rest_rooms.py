"""rest dialect: rooms (list with paging, get, create, update, privacy, delete), batch, URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from responses import matchers

from daily import (
    InvalidInput,
    InvalidRequest,
    NotFound,
    ParseError,
    Privacy,
    RecordingMode,
    Region,
    RestClient,
    RoomProperties,
    RoomSpec,
    SipParams,
    make_client,
)

from .conftest import NOW, REST_BASE, TOKEN, auth, body_of

ROOMS = f"{REST_BASE}/rooms"


def room_json(name: str, room_id: str | None = None, **extra: Any) -> dict[str, Any]:
    data = {
        "id": room_id or f"id-{name}",
        "name": name,
        "api_created": True,
        "privacy": "private",
        "url": f"https://acme.daily.co/{name}",
        "created_at": "2024-01-20T10:00:00.000Z",
        "config": {},
    }
    data.update(extra)
    return data


def test_list_rooms_reads_every_page_with_a_starting_after_cursor(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    all_rooms = [room_json(f"room-{i:03d}") for i in range(250)]
    pages = [all_rooms[0:100], all_rooms[100:200], all_rooms[200:250], []]
    cursors = [None, "id-room-099", "id-room-199", "id-room-249"]
    for page, cursor in zip(pages, cursors, strict=True):
        params = {"limit": "100"} if cursor is None else {"limit": "100", "starting_after": cursor}
        rsps.get(
            ROOMS,
            json={"total_count": 250, "data": page},
            match=[auth(), matchers.query_param_matcher(params)],
        )
    rooms = rest.list_rooms()
    assert len(rooms) == 250
    assert [r.name for r in rooms] == [f"room-{i:03d}" for i in range(250)]
    assert len(rsps.calls) == 4


def test_list_rooms_stops_if_the_cursor_does_not_advance(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOMS, json={"data": [room_json("a")]})
    rsps.get(ROOMS, json={"data": [room_json("a")]})
    with pytest.raises(ParseError) as caught:
        rest.list_rooms()
    assert "did not advance" in caught.value.message


def test_get_room_reads_the_room_object_and_its_sparse_config(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    config = {
        "exp": 1705743600,
        "max_participants": 50,
        "enable_chat": True,
        "enable_recording": "cloud",
        "geo": "eu-west-2",
        "sip": {"display_name": "line", "sip_mode": "dial-in", "video": False, "num_endpoints": 2},
        "sip_uri": {"endpoint": "abc@sip.daily.co"},
        "recordings_bucket": {
            "bucket_name": "b",
            "bucket_region": "us-west-2",
            "assume_role_arn": "arn:x",
            "allow_api_access": True,
        },
        "brand_new_property": {"x": 1},
    }
    rsps.get(
        f"{ROOMS}/standup", json=room_json("standup", config=config, future_field=1), match=[auth()]
    )
    room = rest.get_room("standup")
    assert room.id == "id-standup" and room.api_created is True
    assert room.privacy is Privacy.PRIVATE
    assert room.created_at == datetime(2024, 1, 20, 10, 0, tzinfo=UTC)
    props = room.properties
    assert props.exp == datetime.fromtimestamp(1705743600, UTC)
    assert props.max_participants == 50 and props.enable_chat is True
    assert props.enable_recording is RecordingMode.CLOUD and props.geo is Region.EU_WEST_2
    assert props.sip == SipParams(display_name="line", video=False, num_endpoints=2)
    assert room.sip_endpoint == "sip:abc@sip.daily.co"
    assert props.recordings_bucket is not None and props.recordings_bucket.allow_api_access
    # Sparse: keys Daily did not send are "default", never False.
    assert props.enable_screenshare is None and props.start_video_off is None


def test_a_room_without_config_url_or_dates_is_still_a_room(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{ROOMS}/bare", json={"name": "bare", "privacy": "public"})
    room = rest.get_room("bare")
    assert room.url == "https://acme.daily.co/bare"
    assert room.id is None and room.created_at is None and room.api_created is None
    assert room.properties == RoomProperties()


def test_without_a_known_domain_the_room_url_is_built_from_get_root(
    rsps: responses.RequestsMock,
) -> None:
    client = make_client("rest", REST_BASE, TOKEN)
    rsps.get(f"{REST_BASE}/", json={"domain_name": "learned", "domain_id": "d1", "config": {}})
    rsps.get(ROOMS, json={"data": [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}]})
    rsps.get(ROOMS, json={"data": []})
    assert [r.url for r in client.list_rooms()] == [
        "https://learned.daily.co/a",
        "https://learned.daily.co/b",
    ]
    assert len(rsps.calls) == 3  # GET / once, then cached


def test_create_room_sends_only_what_is_set(rest: RestClient, rsps: responses.RequestsMock) -> None:
    exp = NOW + timedelta(hours=1)
    expected = {
        "name": "standup",
        "privacy": "private",
        "properties": {
            "exp": int(exp.timestamp()),
            "enable_chat": True,
            "geo": "us-east-1",
            "max_participants": 10,
        },
    }
    rsps.post(
        ROOMS, json=room_json("standup"), match=[auth(), matchers.json_params_matcher(expected)]
    )
    props = RoomProperties(exp=exp, enable_chat=True, geo="us-east-1", max_participants=10)  # type: ignore[arg-type]
    assert rest.create_room("standup", Privacy.PRIVATE, props).name == "standup"


def test_create_room_without_a_name_lets_daily_generate_one(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(ROOMS, json=room_json("Xy12"), match=[matchers.json_params_matcher({})])
    assert rest.create_room().name == "Xy12"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"privacy": Privacy.TEAM}, "privacy"),
        ({"name": "has space"}, "name"),
        ({"name": "x" * 129}, "name"),
        ({"properties": RoomProperties(exp=NOW - timedelta(seconds=1))}, "exp"),
        ({"properties": RoomProperties(exp=datetime(2030, 1, 1))}, "exp"),  # noqa: DTZ001
        (
            {
                "properties": RoomProperties(
                    nbf=NOW + timedelta(hours=2), exp=NOW + timedelta(hours=1)
                )
            },
            "nbf",
        ),
        ({"properties": RoomProperties(max_participants=0)}, "max_participants"),
        ({"properties": RoomProperties(max_participants=True)}, "max_participants"),
        ({"properties": RoomProperties(eject_after_elapsed=-1)}, "eject_after_elapsed"),
        ({"properties": RoomProperties(enable_chat="yes")}, "enable_chat"),  # type: ignore[arg-type]
        ({"properties": RoomProperties(enable_recording="cloudy")}, "enable_recording"),  # type: ignore[arg-type]
        ({"properties": RoomProperties(geo="us-west")}, "geo"),  # type: ignore[arg-type]
        ({"properties": RoomProperties(lang="")}, "lang"),
        ({"properties": RoomProperties(sip=SipParams(sip_mode="dial-out"))}, "sip"),
        ({"properties": RoomProperties(sip=SipParams(num_endpoints=0))}, "sip"),
        ({"properties": {"enable_chat": True}}, "properties"),
    ],
)
def test_create_room_validates_before_any_http(
    kwargs: dict[str, Any], field: str, rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rest.create_room(**kwargs)
    assert caught.value.field == field
    assert caught.value.message


def test_create_room_of_an_existing_name_is_an_invalid_request(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        ROOMS,
        status=400,
        json={"error": "invalid-request-error", "info": "a room named standup already exists"},
    )
    with pytest.raises(InvalidRequest) as caught:
        rest.create_room("standup")
    assert caught.value.message == "a room named standup already exists"


def test_update_room_posts_privacy_and_properties(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{ROOMS}/standup",
        json=room_json("standup", privacy="public", config={"enable_knocking": True}),
        match=[
            matchers.json_params_matcher(
                {"privacy": "public", "properties": {"enable_knocking": True}}
            )
        ],
    )
    room = rest.update_room(
        "standup", privacy=Privacy.PUBLIC, properties=RoomProperties(enable_knocking=True)
    )
    assert room.properties.enable_knocking is True


def test_update_room_with_nothing_to_change_is_refused(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        rest.update_room("standup")


def test_read_only_sip_uri_is_never_sent_back(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    props = RoomProperties.from_config({"sip_uri": {"endpoint": "e"}, "enable_chat": False})
    rsps.post(
        f"{ROOMS}/r",
        json=room_json("r"),
        match=[matchers.json_params_matcher({"properties": {"enable_chat": False}})],
    )
    rest.update_room("r", properties=props)


def test_set_privacy_posts_only_privacy(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.post(
        f"{ROOMS}/standup",
        json=room_json("standup"),
        match=[auth(), matchers.json_params_matcher({"privacy": "private"})],
    )
    rest.set_privacy("standup", Privacy.PRIVATE)


def test_set_privacy_to_team_is_refused_on_rest(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rest.set_privacy("standup", Privacy.TEAM)
    assert caught.value.message == "Privacy must be one of: public, private."


def test_delete_room(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.delete(f"{ROOMS}/standup", json={"deleted": True, "name": "standup"}, match=[auth()])
    rest.delete_room("standup")


def test_delete_room_of_an_unknown_room_is_not_found_unless_missing_ok(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(
        f"{ROOMS}/gone", status=404, json={"error": "not-found", "info": "room gone was not found"}
    )
    with pytest.raises(NotFound) as caught:
        rest.delete_room("gone")
    assert caught.value.message == "room gone was not found"
    rest.delete_room("gone", missing_ok=True)


def test_delete_of_an_expired_room_404_with_deleted_true_counts_as_deleted(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{ROOMS}/old", status=404, json={"deleted": True, "name": "old"})
    rest.delete_room("old")


def test_delete_without_confirmation_is_a_parse_error(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{ROOMS}/x", json={"deleted": "false"})
    with pytest.raises(ParseError):
        rest.delete_room("x")


def test_pipecat_url_helpers(rest: RestClient, rsps: responses.RequestsMock) -> None:
    assert RestClient.room_name_from_url("https://acme.daily.co/my-room") == "my-room"
    assert rest.room_name_from_url("https://acme.daily.co/my-room/?t=abc#x") == "my-room"
    rsps.get(f"{ROOMS}/my-room", json=room_json("my-room"))
    assert rest.room_from_url("https://acme.daily.co/my-room").name == "my-room"
    rsps.delete(f"{ROOMS}/my-room", status=404, json={"error": "not-found"})
    rest.delete_room_by_url("https://acme.daily.co/my-room")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "acme.daily.co/room",
        "https://acme.daily.co/",
        "https://acme.daily.co/a/b",
        "https://acme.daily.co/a%2Fb",
        "https://acme.daily.co/..",
        "javascript:alert(1)",
        "https://acme.daily.co/room name",
        None,
    ],
)
def test_room_name_from_url_refuses_anything_but_one_valid_name(
    url: Any, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        RestClient.room_name_from_url(url)
    assert caught.value.field == "url"


def test_batch_create_rooms(rest: RestClient, rsps: responses.RequestsMock) -> None:
    expected = {
        "rooms": [{"name": "a", "privacy": "public"}, {"properties": {"enable_chat": True}}]
    }
    rsps.post(
        f"{REST_BASE}/batch/rooms",
        json=[room_json("a"), room_json("gen")],
        match=[auth(), matchers.json_params_matcher(expected)],
    )
    rooms = rest.batch_create_rooms(
        [RoomSpec("a", Privacy.PUBLIC), RoomSpec(properties=RoomProperties(enable_chat=True))]
    )
    assert [r.name for r in rooms] == ["a", "gen"]


@pytest.mark.parametrize("key", ["data", "rooms"])
def test_batch_create_accepts_a_data_or_rooms_wrapper(
    rest: RestClient, rsps: responses.RequestsMock, key: str
) -> None:
    # The simulator (and Daily's OpenAPI) answers a bare array; wrapped lists are read too.
    rsps.post(f"{REST_BASE}/batch/rooms", json={key: [room_json("a")]})
    assert [r.name for r in rest.batch_create_rooms([RoomSpec("a")])] == ["a"]


def test_batch_create_validates_every_spec_first(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    assert rest.batch_create_rooms([]) == []
    with pytest.raises(InvalidInput) as caught:
        rest.batch_create_rooms([RoomSpec("ok"), RoomSpec("bad name")])
    assert caught.value.field == "rooms[1].name" and caught.value.message.startswith("Room 2: ")
    with pytest.raises(InvalidInput) as caught:
        rest.batch_create_rooms([RoomSpec("dup"), RoomSpec("dup")])
    assert "twice" in caught.value.message


def test_batch_delete_rooms(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.delete(
        f"{REST_BASE}/batch/rooms",
        json={"deleted_count": 2},
        match=[auth(), matchers.json_params_matcher({"room_names": ["a", "b"]})],
    )
    assert rest.batch_delete_rooms(["a", "b"]) == 2
    assert body_of(rsps.calls[0]) == {"room_names": ["a", "b"]}


def test_batch_delete_of_nothing_makes_no_call(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    assert rest.batch_delete_rooms([]) == 0
    with pytest.raises(InvalidInput):
        rest.batch_delete_rooms(["a/../b"])


def test_team_info_on_rest_has_no_users_or_invite_link(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{REST_BASE}/",
        json={"domain_name": "acme", "domain_id": "d-1", "config": {"x": 1}},
        match=[auth()],
    )
    rsps.get(ROOMS, json={"data": [room_json("a")]})
    rsps.get(ROOMS, json={"data": []})
    info = rest.team_info()
    assert (info.name, info.invite_link, info.users) == ("acme", None, [])
    assert [r.name for r in info.rooms] == ["a"]


def test_domain_config(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.get(
        f"{REST_BASE}/",
        json={"domain_name": "acme", "domain_id": "d-1", "config": {"enable_prejoin_ui": True}},
    )
    config = rest.domain_config()
    assert (config.domain_name, config.domain_id, config.config) == (
        "acme",
        "d-1",
        {"enable_prejoin_ui": True},
    )


def test_domain_config_without_a_domain_name_is_a_parse_error(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{REST_BASE}/", json={"config": {}})
    with pytest.raises(ParseError):
        rest.domain_config()


def test_count_rooms_reads_total_count_from_a_one_room_page(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        ROOMS,
        json={"total_count": 2000, "data": [room_json("newest")]},
        match=[auth(), matchers.query_param_matcher({"limit": "1"})],
    )
    assert rest.count_rooms() == 2000
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("total", [None, "12", -1, True, 1.5])
def test_count_rooms_lists_them_when_total_count_is_missing_or_not_a_count(
    rest: RestClient, rsps: responses.RequestsMock, total: object
) -> None:
    first: dict[str, Any] = {"data": [room_json("a")]}
    if total is not None:
        first["total_count"] = total
    rsps.get(ROOMS, json=first, match=[matchers.query_param_matcher({"limit": "1"})])
    rsps.get(
        ROOMS,
        json={"data": [room_json("a"), room_json("b")]},
        match=[matchers.query_param_matcher({"limit": "100"})],
    )
    rsps.get(ROOMS, json={"data": []})
    assert rest.count_rooms() == 2
