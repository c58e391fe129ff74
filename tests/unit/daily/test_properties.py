"""Sparse config: a missing key is None ("Daily's default"), never False; round trips."""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daily import (
    DEFAULTS,
    MeetingTokenProperties,
    ParseError,
    RecordingMode,
    RecordingsBucket,
    Region,
    RoomProperties,
    SipParams,
    SipUri,
)


def test_an_empty_config_is_all_defaults() -> None:
    props = RoomProperties.from_config({})
    assert all(getattr(props, f.name) is None for f in fields(props))
    assert props == RoomProperties() == RoomProperties.from_config(None)
    assert props.to_config() == {}


@pytest.mark.parametrize(
    "cls", [RoomProperties, SipParams, RecordingsBucket, MeetingTokenProperties]
)
def test_an_empty_or_missing_config_is_the_shared_all_defaults_instance(cls: type) -> None:
    assert cls.from_config({}) is cls.from_config(None) is cls.all_defaults()
    assert cls.all_defaults() == cls()


def test_a_partial_config_keeps_the_class_defaults_of_the_fields_it_does_not_name() -> None:
    assert SipParams.from_config({"video": True}) == SipParams(video=True)
    assert SipParams.from_config({"video": True}).sip_mode == "dial-in"
    assert RoomProperties.from_config({"sip": {}}).sip is SipParams.all_defaults()


def test_a_missing_key_is_none_and_an_explicit_false_stays_false() -> None:
    props = RoomProperties.from_config({"enable_chat": False})
    assert props.enable_chat is False
    assert props.enable_knocking is None
    assert props.to_config() == {"enable_chat": False}


def test_to_config_emits_only_the_set_fields_in_wire_form() -> None:
    exp = datetime(2030, 1, 1, tzinfo=UTC)
    props = RoomProperties(
        exp=exp,
        enable_recording=RecordingMode.RAW_TRACKS,
        geo=Region.AP_SOUTH_1,
        sip=SipParams(display_name="line", codecs={"audio": ["OPUS"]}),
        sip_uri=SipUri(endpoint="never-sent"),
        recordings_bucket=RecordingsBucket(bucket_name="b", bucket_region="r", assume_role_arn="a"),
    )
    assert props.to_config() == {
        "exp": int(exp.timestamp()),
        "enable_recording": "raw-tracks",
        "geo": "ap-south-1",
        "sip": {"display_name": "line", "sip_mode": "dial-in", "codecs": {"audio": ["OPUS"]}},
        "recordings_bucket": {"bucket_name": "b", "bucket_region": "r", "assume_role_arn": "a"},
    }
    assert "sip_uri" not in props.set_fields()


def test_unknown_keys_are_ignored_and_wrong_types_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="daily")
    props = RoomProperties.from_config(
        {
            "enable_chat": "yes",
            "max_participants": "ten",
            "geo": "mars-1",
            "sip": "dial-in",
            "exp": "tomorrow",
            "eject_after_elapsed": 30.0,
            "future_property": {"a": 1},
        }
    )
    assert props == RoomProperties(eject_after_elapsed=30)
    logged = caplog.text
    for name in ("enable_chat", "max_participants", "geo", "sip", "exp"):
        assert f"RoomProperties.{name}" in logged
    assert "future_property" not in logged


def test_times_are_read_from_unix_seconds_digit_strings_and_iso() -> None:
    moment = datetime(2024, 1, 20, 10, 0, tzinfo=UTC)
    for raw in (
        1705744800,
        1705744800.0,
        "1705744800",
        "2024-01-20T10:00:00Z",
        "2024-01-20T10:00:00.000+00:00",
    ):
        assert RoomProperties.from_config({"nbf": raw}).nbf == moment


def test_a_config_that_is_not_an_object_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        RoomProperties.from_config(["enable_chat"])  # type: ignore[arg-type]


def test_defaults_say_what_daily_does_when_a_key_is_missing() -> None:
    assert DEFAULTS["max_participants"] == 200
    props = RoomProperties(enable_chat=True)
    assert props.effective("max_participants") == 200
    assert props.effective("enable_chat") is True
    assert props.effective("geo") is None
    with pytest.raises(TypeError):
        DEFAULTS["max_participants"] = 5  # type: ignore[index]


def test_sip_endpoint_follows_pipecat() -> None:
    assert RoomProperties().sip_endpoint is None
    assert RoomProperties(sip_uri=SipUri()).sip_endpoint is None
    assert (
        RoomProperties(sip_uri=SipUri(endpoint="x@sip.daily.co")).sip_endpoint
        == "sip:x@sip.daily.co"
    )


def test_token_properties_are_sparse_too() -> None:
    props = MeetingTokenProperties.from_config(
        {"room_name": "r", "is_owner": False, "permissions": {"canSend": True}}
    )
    assert props.to_config() == {
        "room_name": "r",
        "is_owner": False,
        "permissions": {"canSend": True},
    }
    assert props.user_id is None and props.exp is None


whole_seconds = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda d: d.replace(microsecond=0))
maybe_bool = st.none() | st.booleans()

room_properties = st.builds(
    RoomProperties,
    nbf=st.none() | whole_seconds,
    exp=st.none() | whole_seconds,
    max_participants=st.none() | st.integers(1, 100_000),
    enable_chat=maybe_bool,
    enable_prejoin_ui=maybe_bool,
    enable_emoji_reactions=maybe_bool,
    enable_screenshare=maybe_bool,
    enable_knocking=maybe_bool,
    eject_at_room_exp=maybe_bool,
    eject_after_elapsed=st.none() | st.integers(0, 10**6),
    enable_dialout=maybe_bool,
    enable_recording=st.none() | st.sampled_from(RecordingMode),
    geo=st.none() | st.sampled_from(Region),
    start_video_off=maybe_bool,
    start_audio_off=maybe_bool,
    lang=st.none() | st.sampled_from(["en", "de", "pt-BR", "user"]),
    sip=st.none()
    | st.builds(
        SipParams,
        display_name=st.none() | st.text(min_size=1, max_size=20),
        video=maybe_bool,
        num_endpoints=st.none() | st.integers(1, 5),
    ),
    sip_uri=st.none(),
    recordings_bucket=st.none()
    | st.builds(
        RecordingsBucket,
        bucket_name=st.text(min_size=1, max_size=10),
        bucket_region=st.just("us-west-2"),
        assume_role_arn=st.just("arn:aws:iam::1:role/x"),
        allow_api_access=maybe_bool,
    ),
)


@given(room_properties)
def test_room_properties_survive_a_round_trip_through_the_wire(props: RoomProperties) -> None:
    config = props.to_config()
    assert None not in config.values()
    assert RoomProperties.from_config(config) == props
