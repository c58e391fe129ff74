"""rest dialect: one page of the room list with its cursor (the rooms mirror's walk)."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from daily import DomainsClient, InvalidInput, ParseError, Privacy, RestClient

from .conftest import DOMAINS_ROOT, REST_BASE, auth
from .test_domains_team import TEAM_BODY
from .test_rest_rooms import room_json

ROOMS = f"{REST_BASE}/rooms"


def test_first_page_asks_for_the_newest_and_reads_the_total(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        ROOMS,
        json={"total_count": 250, "data": [room_json(f"r{i}") for i in range(100)]},
        match=[auth(), matchers.query_param_matcher({"limit": "100"})],
    )
    page = rest.room_page()
    assert [r.name for r in page.rooms][:2] == ["r0", "r1"]
    assert len(page.rooms) == 100
    assert page.total_count == 250
    assert page.last is False
    assert page.rooms[0].privacy is Privacy.PRIVATE


def test_next_page_sends_the_cursor_and_a_short_page_is_the_last(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        ROOMS,
        json={"total_count": 150, "data": [room_json(f"r{i}") for i in range(100, 150)]},
        match=[matchers.query_param_matcher({"limit": "100", "starting_after": "id-r99"})],
    )
    page = rest.room_page("id-r99")
    assert len(page.rooms) == 50
    assert page.last is True
    assert page.rooms[-1].id == "id-r149"


def test_an_empty_page_is_the_last_and_a_missing_total_is_none(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOMS, json={"data": []})
    page = rest.room_page("id-r99", limit=10)
    assert page.rooms == []
    assert page.total_count is None
    assert page.last is True


def test_a_cursor_that_does_not_advance_is_a_parse_error(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOMS, json={"total_count": 1, "data": [room_json("r1", "same")]})
    with pytest.raises(ParseError, match="did not advance"):
        rest.room_page("same", limit=1)


def test_a_room_without_id_cannot_be_a_cursor(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(ROOMS, json={"total_count": 1, "data": [room_json("r1") | {"id": None}]})
    with pytest.raises(ParseError):
        rest.room_page()


@pytest.mark.parametrize("cursor", ["../x", "a b", ""])
def test_a_bad_cursor_is_refused_before_any_request(
    rest: RestClient, no_http: responses.RequestsMock, cursor: str
) -> None:
    with pytest.raises(InvalidInput):
        rest.room_page(cursor)


@pytest.mark.parametrize("limit", [0, 101, True])
def test_a_limit_out_of_range_is_refused(
    rest: RestClient, no_http: responses.RequestsMock, limit: int
) -> None:
    with pytest.raises(InvalidInput):
        rest.room_page(limit=limit)


def test_domains_answers_its_whole_list_as_the_one_last_page(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json=TEAM_BODY)
    page = domains.room_page()
    assert [r.name for r in page.rooms] == ["hello", "no-pin", "numeric-pin"]
    assert page.total_count == 3 and page.last is True
