"""domains errors: HTTP 200 with {error: {message}}, classified by keywords; non-200 by status."""

from __future__ import annotations

import pytest
import responses

from daily import (
    AuthError,
    DailyError,
    DomainsClient,
    InvalidRequest,
    NotFound,
    ParseError,
    Privacy,
    Unavailable,
)
from daily.domains import classify_domains_error

from .conftest import DOMAINS_ROOT


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("unauthorized: invalid or missing token", AuthError),
        ("team not found", NotFound),
        ("room not found", NotFound),
        ("user not found", NotFound),
        ("a room with that name already exists", InvalidRequest),
        ("team name plus room name must be 35 characters or less", InvalidRequest),
        ("invalid room name", InvalidRequest),
        ("invalid privacy setting", InvalidRequest),
        ("invalid time range", InvalidRequest),
        ("Forbidden", AuthError),
        ("No such room", NotFound),
        ("Bad AUTH header", AuthError),
        ("internal error, please try again", Unavailable),
        ("Service temporarily unavailable", Unavailable),
    ],
)
def test_domains_messages_are_classified_by_keyword(
    message: str, expected: type[DailyError]
) -> None:
    assert classify_domains_error(message) is expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("unauthorized: invalid or missing token", AuthError),
        ("team not found", NotFound),
        ("a room with that name already exists", InvalidRequest),
        ("invalid privacy setting", InvalidRequest),
    ],
)
def test_an_error_inside_http_200_raises_with_the_message(
    message: str, expected: type[DailyError], domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{DOMAINS_ROOT}/room", json={"error": {"message": message}})
    with pytest.raises(expected) as caught:
        domains.create_room("hello", Privacy.PUBLIC)
    assert caught.value.message == message
    assert caught.value.status == 200
    assert str(caught.value) == f"POST /domains/by-name/acme/room: {message} (HTTP 200)"


def test_an_error_given_as_a_plain_string_is_an_error_too(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    # The 2018 OpenAPI file describes `error` as a string.
    rsps.get(DOMAINS_ROOT, json={"error": "team not found"})
    with pytest.raises(NotFound):
        domains.team_info()


@pytest.mark.parametrize("error", [{}, {"code": 7}, "", 0, True])
def test_an_error_field_without_a_message_still_raises(
    error: object, domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json={"error": error, "name": "acme"})
    with pytest.raises(InvalidRequest) as caught:
        domains.team_info()
    assert caught.value.message == "Daily reported an error."


@pytest.mark.parametrize("error", [None, False])
def test_a_null_or_false_error_field_is_not_an_error(
    error: object, domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json={"error": error, "name": "acme"})
    assert domains.team_info().name == "acme"


def test_a_domains_5xx_on_a_get_is_retried_then_unavailable(
    domains: DomainsClient, rsps: responses.RequestsMock, sleeps: list[float]
) -> None:
    rsps.get(DOMAINS_ROOT, status=502, body="Bad Gateway")
    with pytest.raises(Unavailable):
        domains.team_info()
    assert len(rsps.calls) == 4 and len(sleeps) == 3


def test_a_domains_5xx_on_a_post_is_not_retried(
    domains: DomainsClient, rsps: responses.RequestsMock, sleeps: list[float]
) -> None:
    rsps.post(f"{DOMAINS_ROOT}/room", status=500)
    with pytest.raises(Unavailable):
        domains.create_room("hello")
    assert len(rsps.calls) == 1 and sleeps == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthError), (403, AuthError), (404, NotFound), (400, InvalidRequest)],
)
def test_a_domains_non_200_maps_by_status_and_keeps_a_message(
    status: int, expected: type[DailyError], domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, status=status, json={"error": {"message": "gateway says no"}})
    with pytest.raises(expected) as caught:
        domains.team_info()
    assert caught.value.message == "gateway says no"


@pytest.mark.parametrize("body", ["[]", "true", '"ok"', "null", "not json at all"])
def test_a_domains_body_that_is_not_an_object_is_unavailable(
    body: str, domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, body=body)
    with pytest.raises(Unavailable) as caught:
        domains.team_info()
    assert isinstance(caught.value, ParseError) or "not JSON" in caught.value.message
