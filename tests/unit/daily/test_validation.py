"""Local validation: names, privacy, emails, ids, times; human messages with a field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from daily import Dialect, InvalidInput, Privacy, RecordingsBucket, RoomProperties, SipParams
from daily import validation as v

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["a", "A-b_9", "x" * 128])
def test_rest_room_names_allow_letters_digits_dash_underscore_up_to_128(name: str) -> None:
    assert v.room_name(name, dialect=Dialect.REST) == name


@pytest.mark.parametrize("name", ["", "x" * 129, "a b", "a.b", "a/b", "ä", "a\n", None, 5])
def test_rest_room_names_refuse_everything_else(name: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        v.room_name(name, dialect=Dialect.REST)
    assert caught.value.field == "name"


def test_domains_room_names_count_the_team_name_too() -> None:
    assert v.room_name("r" * 26, dialect=Dialect.DOMAINS, team="team-name") == "r" * 26
    with pytest.raises(InvalidInput) as caught:
        v.room_name("r" * 30, dialect=Dialect.DOMAINS, team="team-name")
    assert caught.value.message == (
        "Team name and room name together must be 35 characters or fewer (team 9 + room 30 = 39)."
    )


def test_privacy_choices_depend_on_the_dialect() -> None:
    assert v.privacy("org", dialect=Dialect.DOMAINS) is Privacy.TEAM
    assert v.privacy("team", dialect=Dialect.DOMAINS) is Privacy.TEAM
    assert v.privacy(Privacy.PUBLIC, dialect=Dialect.REST) is Privacy.PUBLIC
    for bad in ("org", "secret", None, 1):
        with pytest.raises(InvalidInput):
            v.privacy(bad, dialect=Dialect.REST)


@pytest.mark.parametrize("email", ["a@b.io", "first.last+tag@sub.example.com", "x@y.co"])
def test_sane_emails_pass(email: str) -> None:
    assert v.email(email) == email


@pytest.mark.parametrize(
    "email",
    [
        "",
        "plain",
        "a@b",
        "@b.io",
        "a@@b.io",
        "a b@c.io",
        "a/b@c.io",
        "a@b.io/x",
        "a@b.io?x",
        "a@b.io#x",
        "a%40@b.io",
        "../a@b.io/..",
        "a@.io",
        "..@b.io",
        ".a@b.io",
        "a.@b.io",
        "a..b@c.io",
        ("x" * 250) + "@b.io",
        None,
    ],
)
def test_odd_emails_are_refused(email: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        v.email(email)
    assert caught.value.field == "email"


def test_user_ids_are_at_most_36_characters() -> None:
    assert v.user_id("u" * 36) == "u" * 36
    for bad in ("u" * 37, "", "   ", None):
        with pytest.raises(InvalidInput):
            v.user_id(bad)


@pytest.mark.parametrize("value", ["", ".", "..", "a b", "a\tb", "a\x00b", "a\x7fb", None, 3])
def test_segment_refuses_empty_dot_and_whitespace_segments(value: object) -> None:
    with pytest.raises(InvalidInput):
        v.segment(value, field="x")


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("%2e%2e", "%252e%252e"),
        ("?x=1", "%3Fx%3D1"),
        ("#f", "%23f"),
        ("a@b.io", "a%40b.io"),
        ("...", "..."),
    ],
)
def test_segment_percent_encodes_everything_meaningful_in_a_url(value: str, encoded: str) -> None:
    assert v.segment(value, field="x") == encoded


def test_windows_must_be_aware_and_ordered() -> None:
    plus_two = timezone(timedelta(hours=2))
    start, end = v.window(
        datetime(2024, 1, 1, 2, 0, tzinfo=plus_two), datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
    )
    assert start == datetime(2024, 1, 1, 0, 0, tzinfo=UTC) and start.tzinfo is UTC
    assert end == datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput) as caught:
        v.window(datetime(2024, 1, 1), NOW)  # noqa: DTZ001
    assert "time zone" in caught.value.message
    with pytest.raises(InvalidInput):
        v.window("2024-01-01", NOW)


def test_room_properties_normalise_enum_strings() -> None:
    checked = v.room_properties(
        RoomProperties(geo="us-west-2", enable_recording="cloud-audio-only"), now=NOW
    )  # type: ignore[arg-type]
    assert checked.geo == "us-west-2" and type(checked.geo).__name__ == "Region"
    assert type(checked.enable_recording).__name__ == "RecordingMode"


def test_room_properties_accept_a_full_valid_set() -> None:
    props = RoomProperties(
        nbf=NOW + timedelta(minutes=5),
        exp=NOW + timedelta(hours=1),
        max_participants=200,
        eject_after_elapsed=0,
        lang="pt-BR",
        sip=SipParams(display_name="line", video=True, num_endpoints=2, codecs={"audio": ["OPUS"]}),
        recordings_bucket=RecordingsBucket(
            bucket_name="b", bucket_region="r", assume_role_arn="arn"
        ),
    )
    assert v.room_properties(props, now=NOW) == props


@pytest.mark.parametrize(
    "props",
    [
        RoomProperties(max_participants=100_001),
        RoomProperties(sip=SipParams(display_name=" ")),
        RoomProperties(sip=SipParams(video="no")),  # type: ignore[arg-type]
        RoomProperties(sip=SipParams(codecs={"audio": "OPUS"})),  # type: ignore[dict-item]
        RoomProperties(recordings_bucket=RecordingsBucket(bucket_name="b")),
        RoomProperties(sip="dial-in"),  # type: ignore[arg-type]
        RoomProperties(lang="english language"),
    ],
)
def test_room_properties_refuse_impossible_values(props: RoomProperties) -> None:
    with pytest.raises(InvalidInput):
        v.room_properties(props, now=NOW)
