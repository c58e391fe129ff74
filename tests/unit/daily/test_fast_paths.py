"""Every shortcut taken for speed gives exactly what the long way gives.

The parsers make tens of thousands of results per listing, so a few hot spots skip work:
`parse_time` reads the usual forms directly, `TimeMemo` parses each distinct string of
an answer once, `construct` fills frozen dataclasses without their `__init__`, empty
configs share one all-defaults instance, `Privacy.parse` looks words up in a dict and
domains room URLs skip `quote()` for names it would not change.
"""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, fields
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from daily import DomainsClient, ParseError, Privacy, make_client
from daily.frozen import construct
from daily.properties import MeetingTokenProperties, RecordingsBucket, RoomProperties, SipParams
from daily.timeutil import TimeMemo, _parse_time, parse_optional_time, parse_time
from daily.types import Meeting, Participant, PresenceParticipant, Room

# -- parse_time: the fast paths against the general path ----------------------------------


def _outcome(parse, value: object) -> tuple[object, ...]:
    """What a parse gives: the time and its tzinfo, or the ParseError's message."""
    try:
        moment = parse(value)
    except ParseError as exc:
        return ("error", exc.message)
    return ("time", moment, moment.tzinfo)


def _same_as_general_path(value: object) -> None:
    fast = _outcome(lambda v: parse_time(v, field="t"), value)
    general = _outcome(lambda v: _parse_time(v, "t"), value)
    assert fast == general
    if fast[0] == "time":
        assert fast[2] is UTC


EDGE_CASES = [
    # the shapes Daily sends
    "2018-07-21T22:07:11.000Z",
    "2018-07-21T22:07:11Z",
    "2018-07-21T22:07:11+00:00",
    "2018-07-21T22:07:11.123456Z",
    "2018-07-21T22:07:11.1234567Z",  # more digits than Python keeps
    "2018-07-21T22:07Z",
    "2018-07-21T22Z",
    "2018-07-21 22:07:11Z",
    "20180721T220711Z",
    # other zones, including zero offsets spelled differently
    "2018-07-22T00:07:11+02:00",
    "2018-07-21T17:07:11-05:00",
    "2018-07-21T22:07:11-00:00",
    "2018-07-21T22:07:11+00",
    "2018-07-21T22:07:11+0000",
    "2018-07-21T22:07:11+00:00:00.000001",
    # what only the general path reads
    "2018-07-21T22:07:11z",
    " 2018-07-21T22:07:11Z",
    "2018-07-21T22:07:11Z\n",
    "2018-07-21T22:07:11",
    "2018-07-21",
    "2018-07-21Z",
    "20180721",  # unix seconds to Daily, a basic-format date to fromisoformat
    "1532210831",
    " 1532210831 ",
    "-1",
    "1532210831.5",
    # nonsense and edges of the calendar
    "",
    "Z",
    "soon",
    "2018-07-21T22:07:11ZZ",
    "2018-07-21T22:07:11+00:00Z",
    "2018-07-21T24:00:00Z",
    "0001-01-01T00:00:00Z",
    "0001-01-03T00:00:00Z",
    "0001-01-02T23:59:59.999999Z",
    "9999-12-29T00:00:00Z",
    "9999-12-29T00:00:00.000001Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:00:00-05:00",
    "0001-01-01T00:00:00+05:00",
    "2018-07-21T22:07:11\x00Z",
    "\ud800",
    # numbers and other types
    0,
    -62135596800,
    1532210831,
    253402214400,
    253402300800,
    10**20,
    -(10**20),
    1532210831.0,
    1532210831.5,
    float("nan"),
    float("inf"),
    True,
    False,
    None,
    [],
    {},
    b"2018-07-21T22:07:11Z",
    datetime(2018, 7, 21, 22, 7, 11),  # noqa: DTZ001 (naive from Daily means UTC)
    datetime(2018, 7, 22, 0, 7, 11, tzinfo=timezone(timedelta(hours=2))),
]


@pytest.mark.parametrize("value", EDGE_CASES)
def test_parse_time_fast_paths_agree_with_the_general_path_on_edge_cases(value: object) -> None:
    _same_as_general_path(value)


class _Text(str):
    pass


def test_a_str_subclass_takes_the_general_path_and_reads_the_same() -> None:
    value = _Text("2018-07-21T22:07:11Z")
    assert parse_time(value, field="t") == _parse_time("2018-07-21T22:07:11Z", "t")


iso_like = st.builds(
    lambda pad1, date, sep, clock, fraction, zone, pad2: (
        f"{pad1}{date}{sep}{clock}{fraction}{zone}{pad2}"
    ),
    st.sampled_from(["", " ", "\t", "\n", "\u3000"]),
    st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
    | st.sampled_from(["20180721", "2018-W29-6", "2018-07-2", "0000-01-01"]),
    st.sampled_from(["T", "t", " ", "", "X"]),
    st.times().map(lambda t: f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}")
    | st.sampled_from(["22", "22:07", "220711", "24:00:00", "23:59:60"]),
    st.sampled_from(["", ".0", ".000", ".123456", ".1234567", ",5"]),
    st.sampled_from(
        ["", "Z", "z", "+00:00", "-00:00", "+00", "+0000", "+05:30", "-23:59", "+24:00", "ZZ"]
    ),
    st.sampled_from(["", " ", "\n", "\x00", "Z"]),
)


@given(st.one_of(iso_like, st.text(alphabet="0123456789-:+.TZz tW\x00", max_size=30)))
def test_parse_time_fast_paths_agree_with_the_general_path_on_strings(value: str) -> None:
    _same_as_general_path(value)


@given(
    st.one_of(
        st.integers(),
        st.integers(min_value=-62135596800 - 3 * 86400, max_value=253402300800 + 86400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers().map(str),
    )
)
@example(-62135424000)  # 0001-01-03, the earliest time accepted
@example(-62135424001)
@example(253402041600)  # 9999-12-29, the latest
@example(253402041601)
def test_parse_time_fast_paths_agree_with_the_general_path_on_numbers(value: object) -> None:
    _same_as_general_path(value)


# -- TimeMemo -----------------------------------------------------------------------------


@given(st.lists(st.one_of(iso_like, st.integers(), st.sampled_from([1, True, 1.0, "1"]))))
def test_time_memo_reads_like_parse_time_however_often_a_value_repeats(values: list) -> None:
    memo = TimeMemo()
    for value in values + values:
        expected = _outcome(lambda v: parse_time(v, field="mtgJoin"), value)
        try:
            moment, iso = memo.read(value, "mtgJoin")
        except ParseError as exc:
            assert expected == ("error", exc.message)
        else:
            assert expected == ("time", moment, moment.tzinfo)
            assert iso == moment.isoformat()


def test_time_memo_names_the_field_of_each_read_and_reads_optional_values() -> None:
    memo = TimeMemo()
    assert memo.read_optional(None, "mtgLeave") is None
    assert memo.read_optional("", "mtgLeave") is None
    assert memo.read_optional("2018-07-21T22:07:11Z", "mtgLeave") == parse_optional_time(
        "2018-07-21T22:07:11Z", field="mtgLeave"
    )
    for field in ("mtgJoin", "mtgLeave"):
        with pytest.raises(ParseError, match=field):
            memo.read("soon", field)
    assert memo.read(1532210831, "t")[0] == datetime(2018, 7, 21, 22, 7, 11, tzinfo=UTC)
    with pytest.raises(ParseError, match="boolean"):
        memo.read(True, "t")


# -- construct ----------------------------------------------------------------------------

MOMENT = datetime(2018, 7, 21, 22, 7, 11, tzinfo=UTC)
PARTICIPANT = {
    "session_key": "ann@example.com|2018-07-21T22:07:11+00:00",
    "user_id": None,
    "user_name": "Ann",
    "email": "ann@example.com",
    "join": MOMENT,
    "leave": MOMENT + timedelta(seconds=30),
    "duration": 30,
}
BUILT_BY_THE_PARSERS = {
    Participant: PARTICIPANT,
    Meeting: {
        "key": "m-1",
        "upstream_id": "m-1",
        "room": "standup",
        "start": MOMENT,
        "end": None,
        "ongoing": True,
        "duration": None,
        "max_participants": 3,
        "participants": [Participant(**PARTICIPANT)],
    },
    Room: {
        "name": "standup",
        "privacy": Privacy.PRIVATE,
        "url": "https://acme.daily.co/standup",
        "id": "r-1",
        "created_at": MOMENT,
        "api_created": True,
        "dial_in_pin": None,
        "properties": RoomProperties(enable_chat=True),
    },
    PresenceParticipant: {
        "room": "standup",
        "session_id": "s-1",
        "user_id": None,
        "user_name": "Ann",
        "join_time": MOMENT,
        "duration": 12,
    },
    RoomProperties: {f.name: None for f in fields(RoomProperties)} | {"enable_chat": True},
    SipParams: {f.name: None for f in fields(SipParams)} | {"sip_mode": "dial-in"},
}


@pytest.mark.parametrize("cls", list(BUILT_BY_THE_PARSERS), ids=lambda c: c.__name__)
def test_construct_makes_the_same_object_as_the_constructor(cls: type) -> None:
    values = BUILT_BY_THE_PARSERS[cls]
    assert set(values) == {f.name for f in fields(cls)}
    built, made = construct(cls, dict(values)), cls(**values)
    assert type(built) is cls
    assert built == made and vars(built) == vars(made) and repr(built) == repr(made)
    if cls is not Meeting:  # a Meeting holds a list, so neither can be hashed
        assert hash(built) == hash(made)
    assert pickle.loads(pickle.dumps(built)) == made  # noqa: S301 (our own bytes)
    with pytest.raises(FrozenInstanceError):
        built.duration = 1  # type: ignore[attr-defined]


# -- properties, privacy, room URLs -----------------------------------------------------


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
    assert Room(name="r", privacy=None, url="u").properties == RoomProperties()


@given(st.text(max_size=12) | st.sampled_from(["org", "team", " Team ", "PUBLIC", "privat"]))
def test_privacy_parse_agrees_with_the_enum(value: str) -> None:
    text = value.strip().lower()
    try:
        expected: object = Privacy.TEAM if text == "team" else Privacy(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as caught:
            Privacy.parse(value)
        assert str(caught.value) == str(exc)
    else:
        assert Privacy.parse(value) is expected


def test_privacy_parse_returns_a_privacy_as_it_is() -> None:
    for privacy in Privacy:
        assert Privacy.parse(privacy) is privacy
    with pytest.raises(ValueError, match="not a privacy setting: int"):
        Privacy.parse(1)


@pytest.fixture(scope="module")
def domains_client() -> DomainsClient:
    client = make_client(
        "domains", "https://prod-ks.pluot.blue/", "sk-test-0123456789", team="acme"
    )
    assert isinstance(client, DomainsClient)
    return client


@given(name=st.text(max_size=20) | st.sampled_from(["a.b~c_d-e", "a b", "a/b", "é", "a\nb"]))
def test_a_domains_room_url_is_percent_encoded_as_quote_does(
    domains_client: DomainsClient, name: str
) -> None:
    assert domains_client._room_url(name) == f"https://acme.daily.co/{quote(name, safe='')}"
