"""make_client, capabilities, privacy choices, headers, base URLs, Unsupported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from responses import matchers

from daily import (
    Capability,
    DailyClient,
    Dialect,
    DomainsClient,
    InvalidInput,
    MeetingTokenProperties,
    Privacy,
    RestClient,
    RoomProperties,
    RoomSpec,
    Unavailable,
    Unsupported,
    make_client,
)

from .conftest import DOMAINS_ROOT, NOW, REST_BASE, TEAM, TOKEN, auth

TEAM_BODY = {"name": TEAM, "teamInviteLink": "https://d.daily.co/?tk=x", "rooms": [], "users": {}}


def test_it_builds_a_domains_client_with_its_capabilities() -> None:
    client = make_client(Dialect.DOMAINS, "https://prod-ks.pluot.blue/", TOKEN, team=TEAM)
    assert isinstance(client, DomainsClient)
    assert client.dialect is Dialect.DOMAINS
    assert client.capabilities == {
        Capability.TEAM_USERS,
        Capability.INVITE_LINK,
        Capability.REMOVE_USER,
        Capability.DIAL_IN_PIN,
        Capability.ROOMS,
        Capability.PRIVACY,
        Capability.MEETINGS,
    }
    assert client.privacy_choices == (Privacy.PUBLIC, Privacy.TEAM, Privacy.PRIVATE)
    assert client.supports("remove_user") and not client.supports(Capability.WEBHOOKS)
    assert not client.supports("no-such-capability")


def test_it_builds_a_rest_client_from_a_string_dialect() -> None:
    client = make_client("rest", REST_BASE, TOKEN)
    assert isinstance(client, RestClient)
    assert client.dialect is Dialect.REST
    assert Capability.MEETING_TOKENS in client.capabilities
    assert Capability.TEAM_USERS not in client.capabilities
    assert client.privacy_choices == (Privacy.PUBLIC, Privacy.PRIVATE)


def test_privacy_team_is_org_on_the_wire_and_team_for_people() -> None:
    assert Privacy.TEAM.value == "org"
    assert [p.label for p in Privacy] == ["public", "team", "private"]
    assert Privacy.parse("team") is Privacy.TEAM
    assert Privacy.parse(" ORG ") is Privacy.TEAM
    assert Privacy.parse(" Team ") is Privacy.TEAM
    for privacy in Privacy:
        assert Privacy.parse(privacy) is privacy
    for bad in ("privat", "", "teams"):
        with pytest.raises(ValueError, match="is not a valid Privacy"):
            Privacy.parse(bad)
    with pytest.raises(ValueError, match="not a privacy setting: int"):
        Privacy.parse(1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dialect": "graphql"}, "dialect"),
        ({"dialect": "domains", "team": None}, "team"),
        ({"dialect": "domains", "team": "a/b"}, "team"),
        ({"base_url": "ftp://example.com"}, "base_url"),
        ({"base_url": "https://user:pw@api.daily.co/v1"}, "base_url"),
        ({"base_url": "https://api.daily.co/v1?x=1"}, "base_url"),
        ({"token": ""}, "token"),
        ({"token": "abc def"}, "token"),
        ({"token": TOKEN + "\n"}, "token"),
        ({"timeout": (0, 1)}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
    ],
)
def test_it_refuses_unusable_settings(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"dialect": "rest", "base_url": REST_BASE, "token": TOKEN}
    args.update(kwargs)
    with pytest.raises(InvalidInput) as caught:
        make_client(args.pop("dialect"), args.pop("base_url"), args.pop("token"), **args)
    assert caught.value.field == field
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("base", ["https://prod-ks.pluot.blue/", "https://prod-ks.pluot.blue"])
def test_domains_paths_are_appended_to_the_server_root(
    base: str, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json=TEAM_BODY, match=[auth()])
    assert make_client("domains", base, TOKEN, team=TEAM).team_info().name == TEAM


@pytest.mark.parametrize("base", [REST_BASE, REST_BASE + "/"])
def test_rest_paths_are_appended_to_the_v1_root(base: str, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{REST_BASE}/rooms", json={"total_count": 0, "data": []}, match=[auth()])
    assert make_client("rest", base, TOKEN).list_rooms() == []


def test_every_request_carries_the_headers_and_both_timeouts(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{REST_BASE}/rooms", json={"data": []})
    make_client("rest", REST_BASE, TOKEN, timeout=(1.5, 7.0)).list_rooms()
    request = rsps.calls[0].request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("dailyadmin/")
    assert request.req_kwargs["timeout"] == (1.5, 7.0)


def test_a_given_session_is_used_and_left_open_and_unmodified(rsps: responses.RequestsMock) -> None:
    session = requests.Session()
    closed: list[bool] = []
    session.close = lambda: closed.append(True)  # type: ignore[method-assign]
    rsps.get(f"{REST_BASE}/rooms", json={"data": []}, match=[auth()])
    with make_client("rest", REST_BASE, TOKEN, session=session) as client:
        client.list_rooms()
    assert closed == []
    assert "Authorization" not in session.headers


def test_the_client_repr_names_the_dialect_but_not_the_token() -> None:
    client = make_client("rest", REST_BASE, TOKEN)
    assert "rest" in repr(client)
    assert TOKEN not in repr(client) and TOKEN not in repr(client._transport)


def _domains_only(client: DailyClient) -> list[Callable[[], object]]:
    return [lambda: client.remove_user("a@example.com")]


def _rest_only(client: DailyClient) -> list[tuple[str, Callable[[], object]]]:
    return [
        ("room_properties", lambda: client.update_room("r", privacy=Privacy.PUBLIC)),
        ("room_properties", lambda: client.create_room("r", properties=RoomProperties())),
        ("batch", lambda: client.batch_create_rooms([RoomSpec(name="r")])),
        ("batch", lambda: client.batch_delete_rooms(["r"])),
        ("meetings", lambda: client.meeting_participants("m1")),
        ("meeting_tokens", lambda: client.create_meeting_token(MeetingTokenProperties())),
        ("meeting_tokens", lambda: client.validate_meeting_token("a.b.c")),
        (
            "meeting_tokens",
            lambda: client.token_for_room_url("https://acme.daily.co/r", expiry_seconds=60),
        ),
        ("presence", client.presence),
        ("eject", lambda: client.eject("r", session_ids=["s"])),
        ("domain_config", client.domain_config),
        ("webhooks", lambda: client.create_webhook("https://example.com/hook")),
        ("webhooks", client.list_webhooks),
        ("webhooks", lambda: client.get_webhook("w1")),
        ("webhooks", lambda: client.update_webhook("w1", url="https://example.com/h")),
        ("webhooks", lambda: client.delete_webhook("w1")),
    ]


def test_rest_only_calls_raise_unsupported_on_domains_before_any_http(
    domains: DomainsClient, no_http: responses.RequestsMock
) -> None:
    for capability, call in _rest_only(domains):
        with pytest.raises(Unsupported) as caught:
            call()
        assert caught.value.capability == capability
        assert "original team API" in caught.value.message


def test_domains_only_calls_raise_unsupported_on_rest_before_any_http(
    rest: RestClient, no_http: responses.RequestsMock
) -> None:
    for call in _domains_only(rest):
        with pytest.raises(Unsupported) as caught:
            call()
        assert caught.value.capability == "remove_user"
        assert "does not support removing users" in str(caught.value)


def test_the_clock_is_injectable_for_validation(no_http: responses.RequestsMock) -> None:
    client = make_client("rest", REST_BASE, TOKEN, clock=lambda: NOW)
    with pytest.raises(InvalidInput) as caught:
        client.create_room(properties=RoomProperties(exp=NOW))
    assert caught.value.field == "exp"


def test_capabilities_describe_themselves_for_the_ui() -> None:
    assert all(cap.description for cap in Capability)
    assert Dialect.REST.label == "the current REST API"


def test_session_is_not_sent_elsewhere_by_a_redirect(rsps: responses.RequestsMock) -> None:
    rsps.get(
        f"{REST_BASE}/rooms",
        status=302,
        headers={"Location": "https://evil.example/steal"},
        match=[matchers.query_param_matcher({"limit": "100"})],
    )
    client = make_client("rest", REST_BASE, TOKEN, max_retries=0)
    with pytest.raises(Unavailable) as caught:
        client.list_rooms()
    assert "redirect" in caught.value.message
    assert len(rsps.calls) == 1
