"""The "rest" dialect's domain and rooms end to end: the real client against demo-rest."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from daily import (
    AuthError,
    DailyClient,
    DailyError,
    InvalidInput,
    InvalidRequest,
    NotFound,
    Privacy,
    RecordingMode,
    RecordingsBucket,
    Region,
    RoomProperties,
    RoomSpec,
    SipParams,
    Unsupported,
)
from tests.contract.helpers import build
from tests.support.simulator import SimulatorProcess

DOMAIN = "demo-rest"


# -- domain ---------------------------------------------------------------------------------


def test_domain_config_names_the_domain(rest: DailyClient) -> None:
    config = rest.domain_config()
    assert config.domain_name == DOMAIN and config.domain_id
    assert isinstance(config.config, dict) and config.config.get("lang") == "en"


def test_team_info_has_the_rooms_and_no_members(rest: DailyClient) -> None:
    info = rest.team_info()
    assert info.name == DOMAIN and info.invite_link is None and info.users == []
    assert len(info.rooms) == 40


def test_wrong_or_missing_key_is_an_auth_error(sim: SimulatorProcess) -> None:
    with build(sim, "rest", token="wrong-rest-key") as client:
        with pytest.raises(AuthError) as caught:
            client.list_rooms()
        assert caught.value.status == 401 and caught.value.error_type == "authentication-error"
        assert "wrong-rest-key" not in str(caught.value)
        with pytest.raises(AuthError):
            client.create_room("x")


def test_remove_user_is_unsupported_before_any_request(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    with pytest.raises(Unsupported) as caught:
        rest.remove_user("ana.garcia@example.com")
    assert caught.value.capability == "remove_user"
    assert sim.request_counts() == {}
    assert rest.privacy_choices == (Privacy.PUBLIC, Privacy.PRIVATE)


# -- list and get ---------------------------------------------------------------------------


def test_list_rooms_pages_through_more_than_100_rooms_newest_first(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    created = rest.batch_create_rooms([RoomSpec(f"bulk-{i:03d}") for i in range(70)])
    rooms = rest.list_rooms()
    assert len(rooms) == 110 and len({r.id for r in rooms}) == 110
    assert [r.name for r in rooms[:70]] == [r.name for r in reversed(created)]
    stamps = [r.created_at for r in rooms]
    assert all(a is not None for a in stamps) and stamps == sorted(stamps, reverse=True)
    assert sim.request_counts()["GET /v1/rooms"] == 3  # 100, 10, then an empty page
    sim.clear_request_counts()
    assert rest.count_rooms() == 110
    assert sim.request_counts()["GET /v1/rooms"] == 1  # total_count of a one-room page


def test_get_room_reads_the_room_object(rest: DailyClient) -> None:
    room = rest.get_room("lobby")
    assert room.name == "lobby" and room.id and room.created_at is not None
    assert room.url == f"https://{DOMAIN}.daily.co/lobby"
    assert room.privacy in (Privacy.PUBLIC, Privacy.PRIVATE)
    assert isinstance(room.api_created, bool) and room.dial_in_pin is None


def test_a_property_left_default_is_none_never_false(rest: DailyClient) -> None:
    # Sparse config: a key Daily does not send means "default", not False.
    plain = rest.create_room("plain")
    assert plain.properties == RoomProperties()
    assert rest.get_room("plain").properties == RoomProperties()
    assert plain.properties.effective("enable_screenshare") is True
    defaults = RoomProperties(enable_chat=False, enable_screenshare=True, max_participants=200)
    room = rest.create_room("defaults", properties=defaults)
    assert room.properties == RoomProperties()  # set to their defaults: left out of config
    seeded = [r for r in rest.list_rooms() if r.properties != RoomProperties()]
    assert seeded, "the seed gives some rooms non-default settings"
    for r in seeded:
        set_fields = r.properties.set_fields()
        assert all(getattr(r.properties, name) is not None for name in set_fields)


def test_get_of_an_unknown_room_is_not_found(rest: DailyClient) -> None:
    with pytest.raises(NotFound) as caught:
        rest.get_room("no-such-room")
    assert caught.value.status == 404 and caught.value.error_type == "not-found"


def test_room_names_are_checked_before_any_request(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    for bad in ("r" * 129, "has space", "a/b", "..", ""):
        with pytest.raises(InvalidInput):
            rest.get_room(bad)
        with pytest.raises(InvalidInput):
            rest.create_room(bad)
    assert sim.request_counts() == {}
    assert rest.create_room("r" * 128).name == "r" * 128  # 128 is allowed (no 35 rule)


# -- create ---------------------------------------------------------------------------------


def test_create_room_without_a_name_gets_a_generated_one(rest: DailyClient) -> None:
    room = rest.create_room()
    assert room.name and room.id and room.api_created is True
    assert room.privacy is Privacy.PUBLIC
    assert room.url == f"https://{DOMAIN}.daily.co/{room.name}"
    assert rest.get_room(room.name).id == room.id


def test_create_room_with_privacy_and_every_property_round_trips(rest: DailyClient, now) -> None:
    props = RoomProperties(
        nbf=now - timedelta(hours=1),
        exp=now + timedelta(days=1),
        max_participants=12,
        enable_chat=True,
        enable_prejoin_ui=True,
        enable_emoji_reactions=True,
        enable_screenshare=False,
        enable_knocking=True,
        eject_at_room_exp=True,
        eject_after_elapsed=3600,
        enable_dialout=True,
        enable_recording=RecordingMode.CLOUD_AUDIO_ONLY,
        geo=Region.EU_CENTRAL_1,
        start_video_off=True,
        start_audio_off=True,
        lang="de",
        sip=SipParams(display_name="line", video=True, num_endpoints=2),
        recordings_bucket=RecordingsBucket(
            bucket_name="bucket",
            bucket_region="us-west-2",
            assume_role_arn="arn:aws:iam::123456789012:role/DailyRole",
            allow_api_access=True,
        ),
    )
    room = rest.create_room("full", Privacy.PRIVATE, props)
    assert room.privacy is Privacy.PRIVATE
    fetched = rest.get_room("full")
    assert fetched == room
    got = fetched.properties
    assert got.sip_endpoint == "sip:full@sip.daily.co"  # read-only sip_uri, returned by Daily
    assert got.sip_uri is not None
    expected = props.to_config()
    assert got.to_config() == expected
    # unix seconds on the wire: whole seconds survive the round trip
    assert got.exp == props.exp and got.nbf == props.nbf
    # What was read can be written back: the read-only sip_uri is never sent.
    assert rest.update_room("full", properties=got) == fetched


def test_create_room_with_a_taken_name_is_an_invalid_request(rest: DailyClient) -> None:
    with pytest.raises(InvalidRequest) as caught:
        rest.create_room("lobby")
    assert caught.value.status == 400 and caught.value.error_type == "invalid-request-error"
    assert "already exists" in caught.value.message


def test_concurrent_creates_of_one_name_let_exactly_one_win(sim: SimulatorProcess) -> None:
    outcomes: list[object] = []
    lock = threading.Lock()

    def create() -> None:
        with build(sim, "rest") as client:
            try:
                result: object = client.create_room("race")
            except DailyError as exc:
                result = exc
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    errors = [o for o in outcomes if isinstance(o, DailyError)]
    assert len(outcomes) == 8 and len(errors) == 7
    assert all(isinstance(e, InvalidRequest) and "already exists" in e.message for e in errors)


def test_exp_in_the_past_is_refused_locally_and_by_daily(
    sim: SimulatorProcess, rest: DailyClient, now
) -> None:
    past = RoomProperties(exp=now - timedelta(minutes=1))
    with pytest.raises(InvalidInput) as caught:
        rest.create_room("old", properties=past)
    assert caught.value.field == "exp"
    assert sim.request_counts() == {}
    # A client whose clock runs behind passes its own check; Daily's 400 still maps cleanly.
    with (
        build(sim, "rest", clock=lambda: now - timedelta(hours=1)) as late,
        pytest.raises(InvalidRequest) as refused,
    ):
        late.create_room("old", properties=past)
    assert not isinstance(refused.value, InvalidInput)
    assert refused.value.status == 400 and "exp" in refused.value.message


def test_max_participants_above_the_plan_cap_is_daily_s_readable_400(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    # The client leaves the upper bound to Daily (bigger rooms exist on some plans);
    # the simulator models the default plan (1..200). CONTRACT.md: "default 200".
    with pytest.raises(InvalidRequest) as caught:
        rest.create_room("huge", properties=RoomProperties(max_participants=201))
    assert not isinstance(caught.value, InvalidInput)
    assert caught.value.status == 400
    assert "max_participants must be an integer between 1 and 200" in caught.value.message
    with pytest.raises(InvalidInput) as local:
        rest.create_room("tiny", properties=RoomProperties(max_participants=0))
    assert local.value.field == "max_participants"
    assert sim.request_counts() == {"POST /v1/rooms": 1}
    assert rest.create_room("big", properties=RoomProperties(max_participants=200)).name == "big"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            RoomProperties(eject_after_elapsed=0),
            "eject_after_elapsed must be an integer of at least 1",
        ),
        (RoomProperties(lang="en-US"), "lang must be one of: "),
        (RoomProperties(sip=SipParams(num_endpoints=6)), "sip.num_endpoints must be an integer"),
    ],
    ids=["eject_after_elapsed", "lang", "sip"],
)
def test_values_the_client_leaves_to_daily_get_a_readable_invalid_request(
    rest: DailyClient, props: RoomProperties, message: str
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        rest.create_room("picky", properties=props)
    assert type(caught.value) is InvalidRequest and caught.value.status == 400
    assert caught.value.message.startswith(message)
    with pytest.raises(NotFound):
        rest.get_room("picky")


# -- update, privacy, delete -------------------------------------------------------------------


def test_update_room_changes_only_what_is_given(rest: DailyClient) -> None:
    rest.create_room("upd", Privacy.PUBLIC, RoomProperties(enable_chat=True, lang="fr"))
    room = rest.update_room("upd", properties=RoomProperties(start_video_off=True))
    assert room.properties == RoomProperties(enable_chat=True, lang="fr", start_video_off=True)
    room = rest.update_room("upd", privacy=Privacy.PRIVATE)
    assert room.privacy is Privacy.PRIVATE and room.properties.enable_chat is True
    room = rest.update_room("upd", properties=RoomProperties(enable_chat=False))
    assert room.properties.enable_chat is None  # back to the default: gone from config
    assert rest.get_room("upd") == room


def test_update_room_errors(sim: SimulatorProcess, rest: DailyClient) -> None:
    with pytest.raises(NotFound):
        rest.update_room("no-such-room", privacy=Privacy.PUBLIC)
    sim.clear_request_counts()
    with pytest.raises(InvalidInput):
        rest.update_room("lobby")  # nothing to change
    with pytest.raises(InvalidInput):
        rest.update_room("lobby", privacy=Privacy.TEAM)  # no "team" rooms on REST
    with pytest.raises(InvalidInput):
        rest.update_room("lobby", properties=RoomProperties(geo="mars-1"))  # type: ignore[arg-type]
    assert sim.request_counts() == {}


def test_set_privacy_switches_between_public_and_private(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    before = rest.get_room("standup").privacy
    after = Privacy.PRIVATE if before is Privacy.PUBLIC else Privacy.PUBLIC
    rest.set_privacy("standup", after)
    assert rest.get_room("standup").privacy is after
    with pytest.raises(NotFound):
        rest.set_privacy("no-such-room", Privacy.PUBLIC)
    sim.clear_request_counts()
    with pytest.raises(InvalidInput):
        rest.set_privacy("standup", Privacy.TEAM)
    assert sim.request_counts() == {}


def test_delete_room_removes_it_and_a_missing_room_is_not_found_unless_missing_ok(
    rest: DailyClient,
) -> None:
    rest.delete_room("standup")
    with pytest.raises(NotFound):
        rest.get_room("standup")
    with pytest.raises(NotFound):
        rest.delete_room("standup")
    rest.delete_room("standup", missing_ok=True)


def test_deleting_an_expired_room_counts_as_deleted(
    sim: SimulatorProcess, rest: DailyClient, now
) -> None:
    rest.create_room("short-lived", properties=RoomProperties(exp=now + timedelta(minutes=1)))
    sim.clock(advance=120)
    with pytest.raises(NotFound):
        rest.get_room("short-lived")  # an expired room looks deleted
    assert "short-lived" not in {r.name for r in rest.list_rooms()}
    rest.delete_room("short-lived")  # 404 with deleted: true -> success, no missing_ok needed
    with pytest.raises(NotFound):
        rest.delete_room("short-lived")  # now it is really gone


# -- URLs (pipecat helper parity) ---------------------------------------------------------------


def test_room_from_url_and_room_name_from_url(rest: DailyClient) -> None:
    url = f"https://{DOMAIN}.daily.co/Team_Sync?lang=en"
    assert rest.room_name_from_url(url) == "Team_Sync"
    room = rest.room_from_url(url)
    assert room.name == "Team_Sync" and room.url == url.split("?")[0]
    with pytest.raises(NotFound):
        rest.room_from_url(f"https://{DOMAIN}.daily.co/no-such-room")


def test_delete_room_by_url_treats_a_missing_room_as_deleted(rest: DailyClient) -> None:
    url = f"https://{DOMAIN}.daily.co/standup"
    rest.delete_room_by_url(url)
    with pytest.raises(NotFound):
        rest.get_room("standup")
    rest.delete_room_by_url(url)


def test_a_client_that_knows_its_domain_refuses_another_team_s_url(
    sim: SimulatorProcess,
) -> None:
    with build(sim, "rest", team=DOMAIN) as client:
        with pytest.raises(InvalidInput):
            client.room_from_url("https://other.daily.co/standup")
        with pytest.raises(InvalidInput):
            client.delete_room_by_url("https://other.daily.co/standup")
    assert sim.request_counts() == {}


# -- batch ----------------------------------------------------------------------------------


def test_batch_create_reads_daily_s_bare_array(sim: SimulatorProcess, rest: DailyClient) -> None:
    rooms = rest.batch_create_rooms(
        [
            RoomSpec("b-one"),
            RoomSpec("b-two", Privacy.PRIVATE, RoomProperties(enable_chat=True)),
            RoomSpec(),  # a generated name
        ]
    )
    assert [r.name for r in rooms][:2] == ["b-one", "b-two"] and rooms[2].name
    assert rooms[1].privacy is Privacy.PRIVATE and rooms[1].properties.enable_chat is True
    assert sim.request_counts() == {"POST /v1/batch/rooms": 1}
    assert {"b-one", "b-two", rooms[2].name} <= {r.name for r in rest.list_rooms()}


def test_batch_create_is_all_or_nothing(sim: SimulatorProcess, rest: DailyClient) -> None:
    with pytest.raises(InvalidRequest) as caught:
        rest.batch_create_rooms([RoomSpec("fresh"), RoomSpec("lobby")])
    assert "already exists" in caught.value.message
    with pytest.raises(NotFound):
        rest.get_room("fresh")
    sim.clear_request_counts()
    with pytest.raises(InvalidInput) as local:
        rest.batch_create_rooms([RoomSpec("dup"), RoomSpec("dup")])
    assert local.value.field == "rooms[1].name"
    assert rest.batch_create_rooms([]) == []
    assert sim.request_counts() == {}


def test_batch_delete_counts_the_rooms_it_deleted(rest: DailyClient) -> None:
    assert rest.batch_delete_rooms(["standup", "retro", "no-such-room"]) == 2
    names = {r.name for r in rest.list_rooms()}
    assert "standup" not in names and "retro" not in names
    assert rest.batch_delete_rooms([]) == 0
