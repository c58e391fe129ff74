"""The API token never appears in an error's text or repr, nor in a log line."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import requests
import responses

from daily import DailyError, DomainsClient, RestClient, make_client

from .conftest import DOMAINS_BASE, DOMAINS_ROOT, REST_BASE, TEAM, TOKEN

ROOM_URL = f"{REST_BASE}/rooms/standup"
ECHO = {"error": "authentication-error", "info": f"bad token: Bearer {TOKEN}"}


def _rest() -> RestClient:
    client = make_client("rest", REST_BASE, TOKEN, team=TEAM, max_retries=2, sleep=lambda _: None)
    assert isinstance(client, RestClient)
    return client


def _domains() -> DomainsClient:
    client = make_client(
        "domains", DOMAINS_BASE, TOKEN, team=TEAM, max_retries=2, sleep=lambda _: None
    )
    assert isinstance(client, DomainsClient)
    return client


SCENARIOS: list[tuple[str, Callable[[responses.RequestsMock], Callable[[], object]]]] = [
    (
        "rest 401 echoing the token",
        lambda r: (r.get(ROOM_URL, status=401, json=ECHO), lambda: _rest().get_room("standup"))[1],
    ),
    (
        "rest 400 echoing in the type",
        lambda r: (
            r.get(ROOM_URL, status=400, json={"error": TOKEN}),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "rest 403",
        lambda r: (
            r.get(ROOM_URL, status=403, json={"error": "forbidden-error"}),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "rest 404",
        lambda r: (
            r.get(ROOM_URL, status=404, json={"error": "not-found", "info": TOKEN}),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "rest 429",
        lambda r: (
            r.post(f"{REST_BASE}/rooms", status=429, json=ECHO),
            lambda: _rest().create_room("standup"),
        )[1],
    ),
    (
        "rest 500 retried",
        lambda r: (r.get(ROOM_URL, status=500, json=ECHO), lambda: _rest().get_room("standup"))[1],
    ),
    (
        "rest 502 html",
        lambda r: (
            r.get(ROOM_URL, status=502, body=f"<html>{TOKEN}</html>"),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "rest non-json 200",
        lambda r: (r.get(ROOM_URL, body=f"oops {TOKEN}"), lambda: _rest().get_room("standup"))[1],
    ),
    (
        "rest parse error",
        lambda r: (r.get(ROOM_URL, json={"token": TOKEN}), lambda: _rest().get_room("standup"))[1],
    ),
    (
        "rest connect timeout",
        lambda r: (
            r.get(ROOM_URL, body=requests.exceptions.ConnectTimeout(f"Bearer {TOKEN}")),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "rest read timeout",
        lambda r: (
            r.post(f"{REST_BASE}/rooms", body=requests.exceptions.ReadTimeout(TOKEN)),
            lambda: _rest().create_room("standup"),
        )[1],
    ),
    (
        "rest connection error",
        lambda r: (
            r.get(ROOM_URL, body=requests.exceptions.ConnectionError(TOKEN)),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "rest invalid header",
        lambda r: (
            r.get(
                ROOM_URL, body=requests.exceptions.InvalidHeader(f"Authorization: Bearer {TOKEN}")
            ),
            lambda: _rest().get_room("standup"),
        )[1],
    ),
    (
        "domains 200 error",
        lambda r: (
            r.get(DOMAINS_ROOT, json={"error": {"message": f"unauthorized: token {TOKEN}"}}),
            lambda: _domains().team_info(),
        )[1],
    ),
    (
        "domains 200 string error",
        lambda r: (r.get(DOMAINS_ROOT, json={"error": TOKEN}), lambda: _domains().team_info())[1],
    ),
    (
        "domains 503",
        lambda r: (r.get(DOMAINS_ROOT, status=503, body=TOKEN), lambda: _domains().team_info())[1],
    ),
    (
        "domains parse error",
        lambda r: (r.get(DOMAINS_ROOT, json={"rooms": TOKEN}), lambda: _domains().team_info())[1],
    ),
    (
        "domains delete not confirmed",
        lambda r: (
            r.delete(f"{DOMAINS_ROOT}/room/x", json={"deleted": TOKEN}),
            lambda: _domains().delete_room("x"),
        )[1],
    ),
]


@pytest.mark.parametrize(("name", "scenario"), SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_no_error_path_shows_the_token(
    name: str,
    scenario: Callable[[responses.RequestsMock], Callable[[], object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        call = scenario(mock)
        with pytest.raises(DailyError) as caught:
            call()
    error = caught.value
    texts = [
        str(error),
        repr(error),
        error.message,
        str(error.args),
        repr(vars(error)),
        caplog.text,
    ]
    assert all(TOKEN not in text for text in texts), name
    assert len(caplog.records) > 0


def test_a_successful_call_logs_method_path_and_status_but_no_headers(
    caplog: pytest.LogCaptureFixture, rsps: responses.RequestsMock
) -> None:
    caplog.set_level(logging.DEBUG)
    rsps.get(ROOM_URL, json={"name": "standup"})
    _rest().get_room("standup")
    assert "GET /rooms/standup -> 200" in caplog.text
    assert TOKEN not in caplog.text and "Authorization" not in caplog.text


def test_a_bad_token_is_refused_without_being_quoted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad = TOKEN + "\r\nX-Evil: 1"
    with pytest.raises(DailyError) as caught:
        make_client("rest", REST_BASE, bad)
    assert (
        TOKEN not in str(caught.value)
        and TOKEN not in repr(caught.value)
        and TOKEN not in caplog.text
    )
