"""Every REST error shape maps to the hierarchy; requests and JSON errors never escape."""

from __future__ import annotations

import pickle

import pytest
import requests
import responses

from daily import (
    AuthError,
    DailyError,
    InvalidRequest,
    NotFound,
    ParseError,
    RateLimited,
    RestClient,
    Unavailable,
    make_client,
)

from .conftest import REST_BASE, TOKEN

ROOM_URL = f"{REST_BASE}/rooms/standup"


@pytest.fixture
def once() -> RestClient:
    return make_client("rest", REST_BASE, TOKEN, team="acme", max_retries=0)


@pytest.mark.parametrize(
    ("status", "error_type", "expected"),
    [
        (400, "invalid-request-error", InvalidRequest),
        (400, "json-parsing-error", InvalidRequest),
        (400, "authorization-header-error", AuthError),
        (401, "authentication-error", AuthError),
        (403, "forbidden-error", AuthError),
        (404, "not-found", NotFound),
        (429, "rate-limit-error", RateLimited),
        (500, "server-error", Unavailable),
        (502, "server-error", Unavailable),
        (503, "server-error", Unavailable),
    ],
)
def test_rest_errors_map_on_the_error_type_and_show_info_as_the_message(
    status: int,
    error_type: str,
    expected: type[DailyError],
    once: RestClient,
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(ROOM_URL, status=status, json={"error": error_type, "info": "the reason"})
    with pytest.raises(expected) as caught:
        once.get_room("standup")
    error = caught.value
    assert type(error) is expected
    assert (error.status, error.error_type, error.message) == (status, error_type, "the reason")
    assert str(error).startswith("GET /rooms/standup: the reason")
    assert error.retryable is (expected in (RateLimited, Unavailable))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, InvalidRequest),
        (401, AuthError),
        (403, AuthError),
        (404, NotFound),
        (409, InvalidRequest),
        (429, RateLimited),
        (500, Unavailable),
        (504, Unavailable),
    ],
)
def test_unknown_or_missing_error_types_fall_back_to_the_status(
    status: int, expected: type[DailyError], once: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOM_URL, status=status, json={"error": "brand-new-error"})
    with pytest.raises(expected) as caught:
        once.get_room("standup")
    assert caught.value.message  # a default sentence, never empty


def test_an_html_error_page_is_unavailable_with_a_plain_message(
    once: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        ROOM_URL, status=502, body="<html><body>Bad gateway</body></html>", content_type="text/html"
    )
    with pytest.raises(Unavailable) as caught:
        once.get_room("standup")
    assert "<html>" not in str(caught.value)
    assert caught.value.message == "Daily is unavailable right now."


def test_a_non_json_success_body_is_unavailable_not_a_json_error(
    once: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOM_URL, body="<html>captive portal</html>", content_type="text/html")
    with pytest.raises(Unavailable) as caught:
        once.get_room("standup")
    assert not isinstance(caught.value, ValueError)
    assert caught.value.retryable
    assert "not JSON" in caught.value.message


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "true", "null", "{}"])
def test_json_that_is_not_a_room_object_is_a_parse_error(
    body: str, once: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOM_URL, body=body, content_type="application/json")
    with pytest.raises(ParseError) as caught:
        once.get_room("standup")
    assert isinstance(caught.value, Unavailable)
    assert not caught.value.retryable
    assert str(caught.value).startswith("GET /rooms/standup:")


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ConnectTimeout("connect"),
        requests.exceptions.ReadTimeout("read"),
        requests.exceptions.ConnectionError("refused"),
        requests.exceptions.ChunkedEncodingError("cut"),
        requests.exceptions.InvalidHeader("bad header"),
        requests.exceptions.TooManyRedirects("loop"),
    ],
)
def test_requests_exceptions_never_escape(
    failure: Exception, once: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOM_URL, body=failure)
    with pytest.raises(Unavailable) as caught:
        once.get_room("standup")
    assert not isinstance(caught.value, requests.exceptions.RequestException)
    # Raised outside the except block: no chained requests error carrying headers.
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert str(caught.value).startswith("GET /rooms/standup: Daily ")


def test_a_long_info_text_is_shortened(once: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.get(ROOM_URL, status=400, json={"error": "invalid-request-error", "info": "x" * 5000})
    with pytest.raises(InvalidRequest) as caught:
        once.get_room("standup")
    assert len(caught.value.message) <= 301


def test_errors_survive_pickling_for_task_queues(
    once: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        ROOM_URL, status=429, headers={"Retry-After": "99"}, json={"error": "rate-limit-error"}
    )
    with pytest.raises(RateLimited) as caught:
        once.get_room("standup")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 (our own bytes)
    assert type(copy) is RateLimited
    assert (copy.status, copy.retry_after, str(copy)) == (429, 99.0, str(caught.value))


def test_error_repr_is_the_class_and_the_text() -> None:
    error = NotFound("gone", status=404, error_type="not-found", method="GET", path="/rooms/x")
    assert repr(error) == "NotFound('GET /rooms/x: gone (HTTP 404, not-found)')"
