"""The inlined parsers give exactly what the plain versions they replaced give.

The REST meeting, participant and room readers, the domains room, meeting and participant
readers and `RoomProperties.from_config` with a memo were rewritten for speed (inlined
checks, whole unix seconds shared per answer, integer durations, identical configs read
once). The plain versions are kept below as the reference: for generated near-valid JSON,
each pair must return equal results (same repr, same fields, UTC times) or raise a
ParseError with the same message, and log the same warnings, whatever the memos hold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from daily import DomainsClient, ParseError, Privacy, make_client, rest_parse
from daily.properties import RoomProperties
from daily.shapes import obj, opt_bool, opt_int, opt_text, opt_time, text
from daily.timeutil import (
    EARLIEST,
    EPOCH_EARLIEST,
    EPOCH_LATEST,
    LATEST,
    TimeMemo,
    add_seconds,
    duration_between,
    parse_time,
)
from daily.types import Meeting, Participant, Room

# -- the reference: the plain versions, as they were before the fast paths ---------------


def ref_rest_room(data: object, url_for: Callable[[str], str]) -> Room:
    item = obj(data, "a room")
    name = text(item, "name", "a room")
    privacy = None
    raw_privacy = item.get("privacy")
    if isinstance(raw_privacy, str):
        try:
            privacy = Privacy.parse(raw_privacy)
        except ValueError:
            logging.getLogger("daily").warning("REST room: unknown privacy value, shown as unknown")
    config = item.get("config")
    if config is not None and not isinstance(config, dict):
        logging.getLogger("daily").warning(
            "REST room: config is not an object, treated as all defaults"
        )
        config = None
    url = opt_text(item.get("url"))
    return Room(
        name=name,
        privacy=privacy,
        url=url if url is not None else url_for(name),
        id=opt_text(item.get("id")),
        created_at=opt_time(item.get("created_at")),
        api_created=opt_bool(item.get("api_created")),
        dial_in_pin=None,
        properties=RoomProperties.from_config(config),
    )


def ref_rest_participant(data: object) -> Participant:
    item = obj(data, "a participant")
    session = text(item, "participant_id", "a participant")
    join = parse_time(item.get("join_time"), field="join_time")
    duration = opt_int(item.get("duration"))
    user_id = opt_text(item.get("user_id"))
    return Participant(
        session_key=session,
        user_id=None if user_id == "hipaa" else user_id,
        user_name=opt_text(item.get("user_name")),
        email=None,
        join=join,
        leave=None if duration is None else add_seconds(join, duration, field="duration"),
        duration=duration,
    )


def ref_rest_meeting(data: object) -> Meeting:
    item = obj(data, "a meeting")
    meeting_id = text(item, "id", "a meeting")
    start = parse_time(item.get("start_time"), field="start_time")
    duration = opt_int(item.get("duration"))
    ongoing = item.get("ongoing") is True
    raw = item.get("participants") or []
    if not isinstance(raw, list):
        raise ParseError("participants is not a list")
    participants = [ref_rest_participant(p) for p in raw]
    if ongoing:
        # Still in: the session's time reaches the meeting's time so far.
        participants = [
            replace(p, leave=None)
            if p.leave is not None
            and (duration is None or p.leave.timestamp() >= start.timestamp() + duration)
            else p
            for p in participants
        ]
    end = None if ongoing or duration is None else add_seconds(start, duration, field="duration")
    return Meeting(
        key=meeting_id,
        upstream_id=meeting_id,
        room=text(item, "room", "a meeting"),
        start=start,
        end=end,
        ongoing=ongoing,
        duration=duration,
        max_participants=opt_int(item.get("max_participants")),
        participants=participants,
    )


def ref_domains_participant(item: object, times: TimeMemo) -> Participant:
    if not isinstance(item, dict):
        raise ParseError("a participant is not an object")
    email = item.get("email")
    if not isinstance(email, str) or not email.strip():
        email = "guest"
    join, join_iso = times.read(item.get("mtgJoin"), "mtgJoin")
    leave = times.read_optional(item.get("mtgLeave"), "mtgLeave")
    name = item.get("name") if isinstance(item.get("name"), str) else item.get("userName")
    return Participant(
        session_key=f"{email}|{join_iso}",
        user_id=None,
        user_name=name if isinstance(name, str) and name else None,
        email=email,
        join=join,
        leave=leave,
        duration=duration_between(join, leave),
    )


def ref_domains_meeting(item: object, times: TimeMemo) -> Meeting:
    if not isinstance(item, dict):
        raise ParseError("a meeting is not an object")
    room = item.get("room")
    if not isinstance(room, str) or not room:
        raise ParseError("a meeting has no room")
    start, start_iso = times.read(item.get("mtgStart"), "mtgStart")
    end = times.read_optional(item.get("mtgEnd"), "mtgEnd")
    participants = item.get("participants") or []
    if not isinstance(participants, list):
        raise ParseError("participants is not a list")
    return Meeting(
        key=f"{room}@{start_iso}",
        upstream_id=None,
        room=room,
        start=start,
        end=end,
        ongoing=end is None,
        duration=duration_between(start, end),
        max_participants=None,
        participants=[ref_domains_participant(p, times) for p in participants],
    )


def ref_domains_room(item: object, url_for: Callable[[str], str]) -> Room:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise ParseError("a room has no name")
    privacy = None
    if isinstance(item.get("privacy"), str):
        try:
            privacy = Privacy.parse(item["privacy"])
        except ValueError:
            privacy = None
    pin = item.get("dialInPIN")
    if isinstance(pin, str) and pin:
        dial_in_pin: str | None = pin
    elif isinstance(pin, int) and not isinstance(pin, bool) and pin >= 0:
        dial_in_pin = f"{pin:06d}"
    else:
        dial_in_pin = None
    return Room(
        name=item["name"],
        privacy=privacy,
        url=url_for(item["name"]),
        dial_in_pin=dial_in_pin,
        properties=RoomProperties.all_defaults(),
    )


# -- comparing outcomes -----------------------------------------------------------------


def _times_of(value: object) -> list[datetime]:
    if isinstance(value, datetime):
        return [value]
    if isinstance(value, list):
        return [t for v in value for t in _times_of(v)]
    if isinstance(value, Meeting | Participant | Room):
        return [t for v in vars(value).values() for t in _times_of(v)]
    return []


def outcome(parse: Callable[..., object], *args: object) -> tuple[object, ...]:
    """("ok", result, repr, fields) or ("error", message); every time must be UTC."""
    try:
        result = parse(*args)
    except ParseError as exc:
        return ("error", exc.message)
    assert all(t.tzinfo is UTC for t in _times_of(result))
    return ("ok", result, repr(result), type(result), vars(result))


def same(fast: Callable[..., object], plain: Callable[..., object], *args: object) -> None:
    assert outcome(fast, *args) == outcome(plain, *args)


# -- generated JSON, near valid ---------------------------------------------------------

ODD = st.sampled_from([None, True, False, "", " ", [], {}, 1.5, -1, "x"])
EPOCHS = st.one_of(
    st.integers(min_value=1_700_000_000, max_value=1_700_000_000 + 4 * 3600),
    st.integers(min_value=EPOCH_EARLIEST - 3, max_value=EPOCH_EARLIEST + 3),
    st.integers(min_value=EPOCH_LATEST - 3, max_value=EPOCH_LATEST + 3),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1700000000", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.5+01:00"]),
    ODD,
)
DURATIONS = st.one_of(
    st.integers(min_value=-100, max_value=20_000),
    st.integers(),
    st.sampled_from([0, 1.0, 2.5, -0.0, 10**12, -(10**12), EPOCH_LATEST, -EPOCH_LATEST]),
    ODD,
)
TEXTS = st.one_of(st.text(max_size=6), ODD)


def maybe(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """{key: value}, or {} (the key missing)."""
    return st.one_of(st.just({}), values.map(lambda v: {key: v}))


def merged(*parts: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(*parts).map(lambda ds: {k: v for d in ds for k, v in d.items()})


rest_participants = merged(
    maybe("participant_id", st.one_of(st.sampled_from(["p-1", "p-2"]), TEXTS)),
    maybe("join_time", EPOCHS),
    maybe("duration", DURATIONS),
    maybe("user_id", TEXTS),
    maybe("user_name", TEXTS),
)
rest_participant_items = st.one_of(rest_participants, ODD)
rest_meetings = merged(
    maybe("id", st.one_of(st.just("m-1"), TEXTS)),
    maybe("room", st.one_of(st.just("standup"), TEXTS)),
    maybe("start_time", EPOCHS),
    maybe("duration", DURATIONS),
    maybe("ongoing", st.one_of(st.booleans(), ODD)),
    maybe("max_participants", DURATIONS),
    maybe("participants", st.one_of(st.lists(rest_participant_items, max_size=4), ODD)),
)
CONFIG_VALUES = st.one_of(
    st.sampled_from([True, False, 1, 0, 1.0, 0.0, 10, 10.0, "1", "true", "cloud", "eu-west-2"]),
    st.sampled_from([None, "", "nope", 1700000000, "2023-11-14T22:13:20Z", {"endpoint": "x"}]),
    st.dictionaries(st.sampled_from(["display_name", "video"]), st.booleans(), max_size=2),
    st.lists(st.booleans(), max_size=2),
)
CONFIG_KEYS = st.sampled_from(
    ["enable_chat", "max_participants", "enable_recording", "geo", "exp", "sip", "sip_uri", "x"]
)
configs = st.dictionaries(CONFIG_KEYS, CONFIG_VALUES, max_size=3)
rest_rooms = merged(
    maybe("name", st.one_of(st.just("standup"), TEXTS)),
    maybe("privacy", st.one_of(st.sampled_from(["public", "private", "org", " Public"]), TEXTS)),
    maybe("url", TEXTS),
    maybe("id", TEXTS),
    maybe(
        "created_at",
        st.one_of(
            EPOCHS,
            st.sampled_from(["2024-12-09T22:15:48.000Z", "2024-12-09T22:15:48", "9999-12-31Z"]),
        ),
    ),
    maybe("api_created", st.one_of(st.booleans(), ODD)),
    maybe("config", st.one_of(configs, ODD)),
)
ISO = st.one_of(
    st.sampled_from(
        [
            "2025-03-10T08:30:00.000Z",
            "2025-03-10T08:39:00.000Z",
            "2025-03-10T08:39:00.250Z",
            "2025-03-10T09:39:00+01:00",
            "2025-03-10T08:20:00Z",
            "2025-03-10T08:30:00",
            "0001-01-03T00:00:00Z",
            "9999-12-29T00:00:00Z",
            "soon",
        ]
    ),
    st.datetimes(
        min_value=datetime(2025, 3, 10),  # noqa: DTZ001 (made aware below)
        max_value=datetime(2025, 3, 11),  # noqa: DTZ001
    ).map(lambda d: d.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")),
    st.integers(min_value=1_741_590_000, max_value=1_741_600_000),
    ODD,
)
domains_participants = st.one_of(
    merged(
        maybe("email", st.one_of(st.sampled_from(["ann@example.com", "guest", "  "]), TEXTS)),
        maybe("mtgJoin", ISO),
        maybe("mtgLeave", ISO),
        maybe("name", TEXTS),
        maybe("userName", TEXTS),
    ),
    ODD,
)
domains_meetings = st.one_of(
    merged(
        maybe("room", st.one_of(st.just("standup"), TEXTS)),
        maybe("mtgStart", ISO),
        maybe("mtgEnd", ISO),
        maybe("participants", st.one_of(st.lists(domains_participants, max_size=4), ODD)),
    ),
    ODD,
)
domains_rooms = st.one_of(
    merged(
        maybe("name", st.one_of(st.sampled_from(["lobby", "a b", "é", "a/b"]), TEXTS)),
        maybe("privacy", st.one_of(st.sampled_from(["public", "org", "team", " Private"]), TEXTS)),
        maybe("dialInPIN", st.one_of(st.sampled_from(["123", 123, 0, True]), TEXTS)),
    ),
    ODD,
)

SETTINGS = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def _url_for(name: str) -> str:
    return f"https://acme.daily.co/{name}"


# -- REST ---------------------------------------------------------------------------------


@SETTINGS
@given(st.lists(rest_participant_items, min_size=1, max_size=8))
@example([{"participant_id": "p", "join_time": EPOCH_LATEST, "duration": 1}])
@example([{"participant_id": "p", "join_time": EPOCH_EARLIEST, "duration": -1}])
@example([{"participant_id": "p", "join_time": EPOCH_LATEST - 5, "duration": 5}])
@example([{"participant_id": "p", "join_time": 1_700_000_000, "duration": 10**18}])
def test_rest_participants_read_as_the_plain_reader_reads_them(items: list[Any]) -> None:
    times: dict[int, datetime] = {}  # shared by the items, as by the pages of a listing
    for item in items:
        same(lambda i: rest_parse.participant(i, times), ref_rest_participant, item)
        same(rest_parse.participant, ref_rest_participant, item)


def _all_or_first_error(parse: Callable[[], list[Any]]) -> tuple[object, ...]:
    try:
        results = parse()
    except ParseError as exc:
        return ("error", exc.message)
    return ("ok", results, [repr(r) for r in results])


@SETTINGS
@given(st.lists(rest_participant_items, max_size=8))
def test_a_participant_list_reads_as_a_comprehension_of_the_plain_reader(
    items: list[Any],
) -> None:
    fast = _all_or_first_error(lambda: rest_parse.participant_list(items, {}))
    assert fast == _all_or_first_error(lambda: [ref_rest_participant(i) for i in items])


@SETTINGS
@given(st.lists(st.one_of(rest_meetings, ODD), min_size=1, max_size=5))
def test_rest_meetings_read_as_the_plain_reader_reads_them(items: list[Any]) -> None:
    times: dict[int, datetime] = {}
    for item in items:
        same(lambda i: rest_parse.meeting(i, None, times), ref_rest_meeting, item)
        same(rest_parse.meeting, ref_rest_meeting, item)


@SETTINGS
@given(st.lists(st.one_of(rest_rooms, ODD), min_size=1, max_size=6))
def test_rest_rooms_read_as_the_plain_reader_reads_them_and_log_the_same(
    items: list[Any],
) -> None:
    configs: dict[Any, RoomProperties] = {}  # shared by the rooms, as by a listing
    for item in items:
        fast_log, plain_log = _ListHandler.capture(), _ListHandler.capture()
        with fast_log:
            fast = outcome(rest_parse.room, item, _url_for, configs)
        with plain_log:
            plain = outcome(ref_rest_room, item, _url_for)
        assert fast == plain
        assert fast_log.messages == plain_log.messages


@SETTINGS
@given(st.lists(st.one_of(rest_rooms, ODD), max_size=6))
def test_a_room_list_reads_as_a_comprehension_of_the_plain_reader(items: list[Any]) -> None:
    fast = _all_or_first_error(lambda: rest_parse.room_list(items, _url_for, {}))
    assert fast == _all_or_first_error(lambda: [ref_rest_room(i, _url_for) for i in items])


def test_whole_unix_seconds_are_read_at_the_edges_of_the_calendar_as_parse_time_reads() -> None:
    assert parse_time(EPOCH_EARLIEST, field="t") == EARLIEST
    assert parse_time(EPOCH_LATEST, field="t") == LATEST
    for outside in (EPOCH_EARLIEST - 1, EPOCH_LATEST + 1):
        with pytest.raises(ParseError, match="out of range"):
            parse_time(outside, field="t")


def test_one_second_read_twice_in_an_answer_is_one_shared_time() -> None:
    a = {"participant_id": "a", "join_time": 1_700_000_000, "duration": 60}
    b = {"participant_id": "b", "join_time": 1_700_000_060, "duration": None}
    times: dict[int, datetime] = {}
    first, second = rest_parse.participant(a, times), rest_parse.participant(b, times)
    assert first.leave is second.join
    assert first.leave == datetime.fromtimestamp(1_700_000_060, UTC)


# -- RoomProperties.from_config with a memo --------------------------------------------


@SETTINGS
@given(st.lists(st.one_of(configs, st.sampled_from([{}, None])), min_size=1, max_size=8))
@example([{"max_participants": 1}, {"max_participants": True}, {"max_participants": 1.0}])
@example([{"enable_chat": 1}, {"enable_chat": True}])
def test_from_config_with_a_memo_reads_and_logs_as_without(items: list[Any]) -> None:
    memo: dict[Any, RoomProperties] = {}
    for config in items:
        with _ListHandler.capture() as fast_log:
            fast = RoomProperties.from_config(config, memo)
        with _ListHandler.capture() as plain_log:
            plain = RoomProperties.from_config(config)
        assert fast == plain and repr(fast) == repr(plain) and vars(fast) == vars(plain)
        assert fast_log.messages == plain_log.messages


def test_identical_configs_share_one_result_and_odd_ones_are_not_remembered() -> None:
    memo: dict[Any, RoomProperties] = {}
    first = RoomProperties.from_config({"enable_chat": True, "max_participants": 10}, memo)
    again = RoomProperties.from_config({"enable_chat": True, "max_participants": 10}, memo)
    assert again is first
    # Equal but of another type: a key of its own (1 == 1.0 == True as dict keys).
    other = RoomProperties.from_config({"enable_chat": True, "max_participants": 10.0}, memo)
    assert other is not first and len(memo) == 2
    RoomProperties.from_config({"sip": {"video": True}}, memo)  # unhashable: not kept
    RoomProperties.from_config({"enable_chat": "yes"}, memo)  # logged a warning: not kept
    assert len(memo) == 2


# -- domains ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def domains() -> DomainsClient:
    client = make_client(
        "domains", "https://prod-ks.pluot.blue/", "sk-test-0123456789", team="acme"
    )
    assert isinstance(client, DomainsClient)
    return client


@SETTINGS
@given(items=st.lists(domains_meetings, min_size=1, max_size=5))
def test_domains_meetings_read_as_the_plain_reader_reads_them(
    domains: DomainsClient, items: list[Any]
) -> None:
    fast_times, plain_times = TimeMemo(), TimeMemo()  # one per answer, as in the client
    for item in items:
        fast = outcome(domains._parse_meeting, item, fast_times)
        assert fast == outcome(ref_domains_meeting, item, plain_times)


@SETTINGS
@given(items=st.lists(domains_rooms, min_size=1, max_size=5))
def test_domains_rooms_read_as_the_plain_reader_reads_them(
    domains: DomainsClient, items: list[Any]
) -> None:
    try:
        fast_all: tuple[object, ...] = ("ok", domains._parse_rooms(items))
    except ParseError as exc:
        fast_all = ("error", exc.message)
    try:
        plain_all: tuple[object, ...] = (
            "ok",
            [ref_domains_room(i, domains._room_url) for i in items],
        )
    except ParseError as exc:
        plain_all = ("error", exc.message)
    assert fast_all == plain_all
    for item in items:  # one by one: each room's repr, fields and UTC times
        fast = outcome(lambda i: domains._parse_rooms([i])[0], item)
        assert fast == outcome(ref_domains_room, item, domains._room_url)


@given(st.lists(ISO, max_size=6))
def test_time_memo_entries_hold_whole_seconds_exactly(values: list[Any]) -> None:
    memo = TimeMemo()
    for value in values + values:
        try:
            moment, iso, seconds = memo.entry(value, "t")
        except ParseError:
            continue
        assert iso == moment.isoformat()
        if moment.microsecond:
            assert seconds is None
        else:
            assert seconds == int(moment.timestamp())
            assert datetime.fromtimestamp(seconds, UTC) == moment


# -- helpers -------------------------------------------------------------------------------


class _ListHandler(logging.Handler):
    """The messages the `daily` logger emits inside a `with` block."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    @classmethod
    def capture(cls) -> _ListHandler:
        return cls()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> _ListHandler:
        logger = logging.getLogger("daily")
        self._level = logger.level
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("daily")
        logger.removeHandler(self)
        logger.setLevel(self._level)
