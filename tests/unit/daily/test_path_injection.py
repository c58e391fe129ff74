"""Hostile path segments never reach another endpoint: refused before HTTP or encoded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import responses

from daily import DomainsClient, InvalidInput, Privacy, RestClient, make_client

from .conftest import DOMAINS_ROOT, REST_BASE, TOKEN

HOSTILE = [
    "../user/x",
    "..",
    ".",
    "a/b",
    "%2e%2e",
    "%2e%2e%2fuser",
    "?x=1",
    "room?x=1",
    "#frag",
    "",
    " ",
    "room name",
    "room\n",
    "room\r\nX-Injected: 1",
    "\\..\\x",
    "room/",
    "ro%00om",
]

DOMAINS_CALLS: list[tuple[str, Callable[[DomainsClient, Any], object]]] = [
    ("create_room", lambda c, x: c.create_room(x)),
    ("set_privacy", lambda c, x: c.set_privacy(x, Privacy.PUBLIC)),
    ("delete_room", lambda c, x: c.delete_room(x)),
    ("get_room", lambda c, x: c.get_room(x)),
    ("remove_user", lambda c, x: c.remove_user(x)),
    ("remove_user@", lambda c, x: c.remove_user(f"{x}@example.com")),
    ("meetings", lambda c, x: c.meetings(_START, _END, room=x)),
]

REST_CALLS: list[tuple[str, Callable[[RestClient, Any], object]]] = [
    ("get_room", lambda c, x: c.get_room(x)),
    ("create_room", lambda c, x: c.create_room(x)),
    ("update_room", lambda c, x: c.update_room(x, privacy=Privacy.PUBLIC)),
    ("set_privacy", lambda c, x: c.set_privacy(x, Privacy.PUBLIC)),
    ("delete_room", lambda c, x: c.delete_room(x)),
    ("eject", lambda c, x: c.eject(x, session_ids=["s"])),
    ("meeting_participants", lambda c, x: c.meeting_participants(x)),
    ("validate_meeting_token", lambda c, x: c.validate_meeting_token(x)),
    ("get_webhook", lambda c, x: c.get_webhook(x)),
    ("update_webhook", lambda c, x: c.update_webhook(x, url="https://e.com/h")),
    ("delete_webhook", lambda c, x: c.delete_webhook(x)),
    ("batch_delete_rooms", lambda c, x: c.batch_delete_rooms([x])),
]

HOSTILE_URLS = [
    "https://acme.daily.co/../user/x",
    "https://acme.daily.co/a/b",
    "https://acme.daily.co/%2e%2e",
    "https://acme.daily.co/..%2Fuser",
    "https://acme.daily.co/",
    "https://acme.daily.co/room%20name",
    "https://acme.daily.co/room%0A",
    "https://other.daily.co/room",
    "file:///etc/passwd",
]

_START = datetime(2024, 1, 1, tzinfo=UTC)
_END = datetime(2024, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(("name", "call"), DOMAINS_CALLS, ids=[n for n, _ in DOMAINS_CALLS])
def test_domains_calls_refuse_hostile_segments_before_any_http(
    name: str,
    call: Callable[[DomainsClient, Any], object],
    value: str,
    domains: DomainsClient,
    no_http: responses.RequestsMock,
) -> None:
    with pytest.raises(InvalidInput):
        call(domains, value)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(("name", "call"), REST_CALLS, ids=[n for n, _ in REST_CALLS])
def test_rest_calls_refuse_hostile_segments_before_any_http(
    name: str,
    call: Callable[[RestClient, Any], object],
    value: str,
    rest: RestClient,
    no_http: responses.RequestsMock,
) -> None:
    with pytest.raises(InvalidInput):
        call(rest, value)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_url_helpers_refuse_hostile_room_urls_before_any_http(
    url: str, rest: RestClient, no_http: responses.RequestsMock
) -> None:
    for call in (rest.room_from_url, rest.delete_room_by_url):
        with pytest.raises(InvalidInput):
            call(url)


@pytest.mark.parametrize("team", HOSTILE)
def test_a_hostile_team_name_is_refused_when_the_client_is_built(
    team: str, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_client("domains", "https://prod-ks.pluot.blue/", TOKEN, team=team)
    assert caught.value.field == "team"


def test_unusual_but_valid_emails_stay_inside_the_user_path(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{DOMAINS_ROOT}/user/o%27brien%2Btag%40example.com", json={"deleted": "true"})
    domains.remove_user("o'brien+tag@example.com")
    url = rsps.calls[0].request.url
    assert url == f"{DOMAINS_ROOT}/user/o%27brien%2Btag%40example.com"


def test_dots_inside_a_meeting_token_are_encoded_as_part_of_one_segment(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{REST_BASE}/meeting-tokens/a..b.c", json={"room_name": "r"})
    rest.validate_meeting_token("a..b.c")
    assert rsps.calls[0].request.url == f"{REST_BASE}/meeting-tokens/a..b.c"
