from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daily import Privacy, Room
from rooms import services
from teams.models import Role
from tests.factories import make_team
from tests.rooms.conftest import HTMX, daily_calls, serve_rooms

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_teams_rooms_with_privacy_and_a_working_page(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    response = client.get(reverse("rooms:list", args=[rest_team.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and 'id="rooms-table"' in body
    assert "40 rooms." in body  # the simulator seeds 40 rooms per team
    assert reverse("rooms:detail", args=[rest_team.slug, "all-hands"]) in body
    assert 'name="privacy"' in body and "New room" in body


def test_an_htmx_request_gets_only_the_table_fragment(rest_team, login):
    client = login(rest_team, Role.MANAGER)
    response = client.get(reverse("rooms:list", args=[rest_team.slug]), {"q": "inter"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<div id="rooms-table"')
    assert "interview-a" in body and "interview-b" in body and "standup" not in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(rest_team, login):
    client = login(rest_team, Role.MANAGER)
    response = client.get(
        reverse("rooms:list", args=[rest_team.slug]),
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
        **HTMX,
    )
    assert "<html" in response.content.decode()


def test_managers_see_rooms_without_mutation_controls(domains_team, login):
    client = login(domains_team, Role.MANAGER)
    body = client.get(reverse("rooms:list", args=[domains_team.slug])).content.decode()
    assert "standup" in body
    assert "New room" not in body and 'name="privacy"' not in body and "Delete" not in body
    assert 'id="bulk-form"' not in body


def _rooms(count: int) -> list[Room]:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        Room(
            name=f"room-{i:04d}",
            privacy=Privacy.PUBLIC if i % 2 else Privacy.PRIVATE,
            url=f"https://demo.daily.co/room-{i:04d}",
            created_at=base + timedelta(minutes=i),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_the_query_count_does_not_grow_with_the_rooms(login, monkeypatch, role):
    team = make_team("bigteam")
    client = login(team, role)
    counts = []
    for size in (10, 200, 2000):
        rooms = _rooms(size)
        serve_rooms(monkeypatch, lambda _team, rooms=rooms: rooms)
        services.invalidate(team)  # a new list: nothing made from the last one is served
        for _made_then_cached in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("rooms:list", args=[team.slug]), {"sort": "-created"})
            assert response.status_code == 200
            counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    assert "room-1999" in response.content.decode()  # newest first


def test_search_sort_and_pagination_slice_the_list(login, monkeypatch):
    team = make_team("bigteam")
    serve_rooms(monkeypatch, lambda _team: _rooms(2000))
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    body = client.get(url, {"page": "2"}).content.decode()
    assert "room-0050" in body and "room-0049" not in body and "Page 2 of 40" in body
    body = client.get(url, {"q": "ROOM-01", "sort": "-name"}).content.decode()
    assert "100 of 2000 rooms match" in body
    assert body.index("room-0199") < body.index("room-0198")
    body = client.get(url, {"q": "nothing-like-this"}).content.decode()
    assert "No room name contains" in body
    # Unknown sorts and pages fall back instead of failing.
    assert client.get(url, {"sort": "evil", "page": "x"}).status_code == 200


def test_the_second_view_makes_no_daily_call(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    url = reverse("rooms:list", args=[rest_team.slug])
    client.get(url)
    first = daily_calls(fast_sim)
    assert first >= 1
    client.get(url, {"q": "a"})
    client.get(url, {"sort": "-created", "page": "1"})
    assert daily_calls(fast_sim) == first


def test_domains_rooms_and_team_info_share_one_call(domains_team, login, fast_sim):
    client = login(domains_team, Role.OWNER)
    client.get(reverse("rooms:list", args=[domains_team.slug]))
    info = services.get_team_info(domains_team)
    assert fast_sim.request_counts() == {"GET /domains/by-name/{team}": 1}
    assert len(info.users) > 0 and {r.name for r in info.rooms} >= {"standup"}


def test_an_upstream_failure_shows_the_error_in_place_with_retry(rest_team, login, fast_sim):
    fast_sim.faults(p_5xx=1.0)
    client = login(rest_team, Role.OWNER)
    url = reverse("rooms:list", args=[rest_team.slug])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Daily did not do this." in body and "Try again" in body
    assert f'hx-get="{url}"' in body and 'hx-target="#rooms-table"' in body
    fast_sim.clear_faults()
    assert "standup" in client.get(url, **HTMX).content.decode()


def test_a_wrong_token_is_explained(login, fast_sim):
    team = make_team(
        fast_sim.rest_domain, base_url=fast_sim.rest_base_url, token="wrong-token-123456"
    )
    body = login(team, Role.OWNER).get(reverse("rooms:list", args=[team.slug])).content
    assert b"Daily refused the API token" in body
    assert b"wrong-token" not in body


def test_rest_team_info_reuses_the_cached_room_list(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    client.get(reverse("rooms:list", args=[rest_team.slug]))
    fast_sim.clear_request_counts()
    info = services.get_team_info(rest_team)
    assert info.name == "demo-rest" and len(info.rooms) == 40
    assert fast_sim.request_counts() == {"GET /v1": 1}
    services.get_team_info(rest_team)
    assert fast_sim.request_counts() == {"GET /v1": 1}
