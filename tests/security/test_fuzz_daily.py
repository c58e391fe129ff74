"""daily/ fed arbitrary JSON: a typed result or a DailyError, never anything else.

The parsers are called directly with generated shapes, and every client call of both
dialects is made against `responses` answering with generated bodies (JSON or not), HTTP
statuses and Retry-After headers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from daily import (
    DailyError,
    MeetingTokenProperties,
    Privacy,
    RecordingsBucket,
    RoomProperties,
    SipParams,
    make_client,
    parse,
)
from daily.http import Transport, parse_retry_after
from daily.types import DomainConfig, Meeting, Participant, PresenceParticipant, Room, Webhook
from tests.security.strategies import (
    FUZZ,
    FUZZ_SLOW,
    json_any,
    json_objects,
    json_values,
    near_valid_json,
    properties_config,
    rest_domain,
    rest_meeting,
    rest_participant,
    rest_presence,
    rest_room,
    rest_webhook,
)

TOKEN = "sk-fuzz-token-0123456789"
REST = "https://api.fuzz.test/v1"
DOMAINS = "https://domains.fuzz.test"
EXAMPLES: Counter[str] = Counter()


def _url_for(name: str) -> str:
    return f"https://fuzz.daily.co/{name}"


# name: (parse, the type it returns, near-valid shapes for it)
PARSERS = {
    "parse.room": (lambda d: parse.room(d, _url_for), Room, rest_room),
    "parse.participant": (parse.participant, Participant, rest_participant),
    "parse.meeting": (parse.meeting, Meeting, rest_meeting),
    "parse.presence": (parse.presence, list, rest_presence),
    "parse.webhook": (parse.webhook, Webhook, rest_webhook),
    "parse.domain": (parse.domain, DomainConfig, rest_domain),
    "RoomProperties.from_config": (RoomProperties.from_config, RoomProperties, properties_config),
    "MeetingTokenProperties.from_config": (
        MeetingTokenProperties.from_config,
        MeetingTokenProperties,
        properties_config,
    ),
    "SipParams.from_config": (SipParams.from_config, SipParams, json_objects),
    "RecordingsBucket.from_config": (RecordingsBucket.from_config, RecordingsBucket, json_objects),
}


def _use(result: object) -> None:
    """Touch what a page would: repr, the derived properties, to_config."""
    repr(result)
    if isinstance(result, Meeting):
        _ = result.peak_participants
        for p in result.participants:
            _ = (p.identity, p.is_guest)
    if isinstance(result, Participant):
        _ = (result.identity, result.is_guest)
    if isinstance(result, Room):
        _ = (result.sip_endpoint, result.properties.to_config())
    if isinstance(result, RoomProperties | MeetingTokenProperties):
        json.dumps(result.to_config())
    if isinstance(result, list):
        for item in result:
            assert isinstance(item, PresenceParticipant)


@pytest.mark.parametrize("target", sorted(PARSERS))
@FUZZ
@given(choice=st.data())
def test_a_parser_returns_its_type_or_raises_a_daily_error(target, choice):
    parse, kind, shapes = PARSERS[target]
    data = choice.draw(st.one_of(shapes, json_any), label="json")
    EXAMPLES[target] += 1
    try:
        result = parse(data)
    except DailyError:
        return
    assert isinstance(result, kind)
    _use(result)


# -- clients against answers of any shape -------------------------------------------------

START = datetime(2025, 3, 1, tzinfo=UTC)
END = START + timedelta(days=2)


def _rest():
    return make_client("rest", REST, TOKEN, team="fuzz", sleep=lambda _s: None, max_retries=1)


def _domains():
    return make_client("domains", DOMAINS, TOKEN, team="fuzz", sleep=lambda _s: None, max_retries=1)


REST_CALLS = {
    "list_rooms": lambda c: c.list_rooms(),
    "get_room": lambda c: c.get_room("standup"),
    "create_room": lambda c: c.create_room("standup", Privacy.PRIVATE),
    "update_room": lambda c: c.update_room("standup", properties=RoomProperties(enable_chat=True)),
    "set_privacy": lambda c: c.set_privacy("standup", Privacy.PUBLIC),
    "delete_room": lambda c: c.delete_room("standup"),
    "team_info": lambda c: c.team_info(),
    "domain_config": lambda c: c.domain_config(),
    "meetings": lambda c: list(c.meetings(START, END)),
    "meeting_participants": lambda c: c.meeting_participants("m-1"),
    "presence": lambda c: c.presence(),
    "eject": lambda c: c.eject("standup", session_ids=["s-1"]),
    "create_meeting_token": lambda c: c.create_meeting_token(
        MeetingTokenProperties(room_name="standup")
    ),
    "validate_meeting_token": lambda c: c.validate_meeting_token("a.b.c"),
    "list_webhooks": lambda c: c.list_webhooks(),
    "get_webhook": lambda c: c.get_webhook("w-1"),
    "create_webhook": lambda c: c.create_webhook("https://dash.example/hook", hmac="c2VjcmV0"),
    "batch_delete_rooms": lambda c: c.batch_delete_rooms(["a", "b"]),
}
DOMAINS_CALLS = {
    "team_info": lambda c: c.team_info(),
    "list_rooms": lambda c: c.list_rooms(),
    "get_room": lambda c: c.get_room("standup"),
    "create_room": lambda c: c.create_room("standup", Privacy.PUBLIC),
    "set_privacy": lambda c: c.set_privacy("standup", Privacy.PRIVATE),
    "delete_room": lambda c: c.delete_room("standup"),
    "remove_user": lambda c: c.remove_user("ana@example.com"),
    "meetings": lambda c: list(c.meetings(START, START + timedelta(minutes=3))),
}

bodies = st.one_of(
    json_any.map(lambda v: json.dumps(v).encode()),  # NaN and Infinity included
    near_valid_json.map(lambda v: json.dumps(v).encode()),
    near_valid_json.map(lambda v: json.dumps({"data": [v]}).encode()),
    json_objects.map(lambda v: json.dumps({"data": [v, v], "total_count": 2}).encode()),
    json_objects.map(lambda v: json.dumps({"error": v}).encode()),
    st.binary(max_size=64),  # not JSON, not even UTF-8
    st.sampled_from([b"", b"   ", b"<html>502</html>", b"[" * 5000, b"\xff\xfe{}"]),
)
statuses = st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 503])
retry_after = st.one_of(
    st.none(),
    st.sampled_from(["0", "1", "-5", "1e309", "nan", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"]),
    st.text(max_size=10).filter(lambda t: "\n" not in t and "\r" not in t),
)


def _answer(status: int, body: bytes, after: str | None):
    headers = {"Content-Type": "application/json"}
    if after is not None:
        headers["Retry-After"] = after.encode("latin-1", "replace").decode("latin-1")

    def callback(_request):
        return (status, headers, body)

    return callback


def _run_client(make, call, status, body, after, label):
    EXAMPLES[label] += 1
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST", "DELETE"):
            mock.add_callback(method, re.compile(r"https://.*"), _answer(status, body, after))
        with make() as client:
            try:
                result = call(client)
            except DailyError as exc:
                assert TOKEN not in str(exc) and TOKEN not in repr(exc)
                return
    if isinstance(result, list):
        for item in result:
            _use(item)
    elif result is not None:
        _use(result)


@pytest.mark.parametrize("call", sorted(REST_CALLS))
@FUZZ_SLOW
@given(status=statuses, body=bodies, after=retry_after)
def test_a_rest_call_answers_typed_or_raises_a_daily_error(call, status, body, after):
    _run_client(_rest, REST_CALLS[call], status, body, after, f"rest.{call}")


@pytest.mark.parametrize("call", sorted(DOMAINS_CALLS))
@FUZZ_SLOW
@given(status=statuses, body=bodies, after=retry_after)
def test_a_domains_call_answers_typed_or_raises_a_daily_error(call, status, body, after):
    _run_client(_domains, DOMAINS_CALLS[call], status, body, after, f"domains.{call}")


@FUZZ
@given(status=st.integers(min_value=100, max_value=599), data=json_values)
def test_any_error_answer_maps_into_the_hierarchy(status, data):
    EXAMPLES["Transport.error_for"] += 1
    transport = Transport(REST, TOKEN, user_agent="fuzz")
    error = transport.error_for("GET", "/rooms", status, data)
    assert isinstance(error, DailyError)
    assert TOKEN not in str(error)


@FUZZ
@given(value=st.one_of(st.none(), st.text()))
def test_any_retry_after_is_seconds_or_none(value):
    EXAMPLES["parse_retry_after"] += 1
    seconds = parse_retry_after(value)
    assert seconds is None or seconds >= 0


def test_a_connection_error_is_unavailable_and_never_quotes_the_token():
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            re.compile(r"https://.*"),
            body=requests.exceptions.ConnectionError(f"Bearer {TOKEN} refused"),
        )
        with _rest() as client, pytest.raises(DailyError) as caught:
            client.list_rooms()
    assert TOKEN not in str(caught.value)


def test_report_the_examples_per_target(request):
    """Print the counts (run with -s); each fuzz target ran at least a few examples."""
    if not EXAMPLES:
        pytest.skip("run together with the fuzz tests of this module")
    lines = [f"{name}: {count}" for name, count in sorted(EXAMPLES.items())]
    print("\nexamples per target (daily/):\n  " + "\n  ".join(lines))
    assert all(count >= 50 for count in EXAMPLES.values())
