"""The rooms page reads the mirror: search, sort, pages and counts in SQL, no Daily call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rooms import listing
from rooms.models import MirrorState, natural_key
from teams.models import Role
from tests.factories import make_team
from tests.rooms.conftest import HTMX, daily_calls
from tests.rooms.helpers import fill_from_daily, mirror_rooms, numbered_rooms

pytestmark = pytest.mark.django_db

_ORDER = {"public": 0, "org": 1, "private": 2}


def _expected(rooms, q: str, sort: str) -> list[str]:
    """The names in the order the list must show them, computed in Python."""
    found = [r for r in rooms if q.casefold() in r.name.casefold()]
    field = sort.lstrip("-")

    def key(r):
        name = (natural_key(r.name),)
        if field == "created":
            return (r.created_at, *name)
        if field == "privacy":
            return (_ORDER[r.privacy.value], *name)
        return name

    return [r.name for r in sorted(found, key=key, reverse=sort.startswith("-"))]


def _names(body: str, team_slug: str) -> list[str]:
    marker = f'href="/t/{team_slug}/rooms/r/'
    return [part.split("/", 1)[0] for part in body.split(marker)[1:]]


def test_the_list_shows_the_mirrored_rooms_with_a_working_page(rest_team, login, fast_sim):
    fill_from_daily(rest_team)
    fast_sim.clear_request_counts()
    client = login(rest_team, Role.OWNER)
    response = client.get(reverse("rooms:list", args=[rest_team.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and 'id="rooms-table"' in body
    assert "40 rooms." in body  # the simulator seeds 40 rooms per team
    assert reverse("rooms:detail", args=[rest_team.slug, "all-hands"]) in body
    assert 'name="privacy"' in body and "New room" in body
    assert daily_calls(fast_sim) == 0


def test_an_htmx_request_gets_only_the_table_fragment(login):
    team = make_team("fragteam")
    mirror_rooms(team, numbered_rooms(5, prefix="interview") + numbered_rooms(3, prefix="standup"))
    client = login(team, Role.MANAGER)
    response = client.get(reverse("rooms:list", args=[team.slug]), {"q": "inter"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<div id="rooms-table"')
    assert "interview-0004" in body and "standup" not in body
    assert "5 of 8 rooms match" in body
    assert "HX-Request" in response["Vary"]


def test_managers_see_rooms_without_mutation_controls(domains_team, login):
    fill_from_daily(domains_team)
    client = login(domains_team, Role.MANAGER)
    body = client.get(reverse("rooms:list", args=[domains_team.slug])).content.decode()
    assert "standup" in body
    assert "New room" not in body and 'name="privacy"' not in body and "Delete" not in body
    assert 'id="bulk-form"' not in body
    assert "Refresh now" in body  # any role that sees the rooms may refresh them


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_the_query_count_does_not_grow_with_the_rooms(login, role):
    team = make_team("bigteam")
    client = login(team, role)
    url = reverse("rooms:list", args=[team.slug])
    counts = {}
    client.get(url)  # what a process looks up once (the session's first request) is not counted
    for size in (10, 2000):
        mirror_rooms(team, numbered_rooms(size))
        for params in ({}, {"sort": "-created"}, {"q": "room-0", "sort": "privacy"}, {"page": "2"}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, params)
            assert response.status_code == 200
            counts.setdefault(tuple(params.items()), set()).add(len(queries))
    assert all(len(seen) == 1 for seen in counts.values()), counts
    assert "room-1999" in response.content.decode() or "room-0050" in response.content.decode()


@pytest.mark.parametrize("sort", listing.SORTS)
def test_search_sort_and_pages_match_python(login, sort):
    team = make_team("sortteam")
    rooms = numbered_rooms(130) + numbered_rooms(20, prefix="Room-X")
    mirror_rooms(team, rooms)
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    for q in ("", "ROOM-01", "x-00"):
        expected = _expected(rooms, q, sort)
        shown: list[str] = []
        for page in (1, 2, 3, 4):
            body = client.get(url, {"q": q, "sort": sort, "page": page}).content.decode()
            if page > 1 and f"Page {page} of" not in body:
                break
            shown += _names(body, team.slug)
        assert shown == expected, (q, sort)


def test_counts_pager_and_bad_parameters(login):
    team = make_team("pagerteam")
    mirror_rooms(team, numbered_rooms(2000))
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    body = client.get(url, {"page": "2"}).content.decode()
    assert "room-0050" in body and "room-0049" not in body and "Page 2 of 40" in body
    assert "2,000 rooms." in body
    body = client.get(url, {"q": "ROOM-01", "sort": "-name"}).content.decode()
    assert "More than 50 of 2,000 rooms match “ROOM-01”." in body  # counted after the page
    assert body.index("room-0199") < body.index("room-0198")
    counted = client.get(reverse("rooms:count", args=[team.slug]), {"q": "ROOM-01"}, **HTMX)
    assert "100 of 2,000 rooms match" in counted.content.decode()
    body = client.get(url, {"q": "nothing-like-this"}).content.decode()
    assert "No room name contains" in body
    # Unknown sorts and pages fall back instead of failing; a NUL is dropped.
    for params in ({"sort": "evil", "page": "x"}, {"page": "99999999999999"}, {"q": "a\x00b"}):
        assert client.get(url, params).status_code == 200
    deep = client.get(url, {"page": "40", "sort": "-created"}).content.decode()
    assert "room-0000" in deep and "room-0049" in deep and "room-0050" not in deep


def test_no_view_of_the_list_calls_daily(rest_team, login, fast_sim):
    fill_from_daily(rest_team)
    mirror_rooms(rest_team, numbered_rooms(300))
    fast_sim.clear_request_counts()
    client = login(rest_team, Role.OWNER)
    url = reverse("rooms:list", args=[rest_team.slug])
    for params in [{}, {"q": "a"}, {"page": "7"}] + [{"sort": s} for s in listing.SORTS]:
        assert client.get(url, params).status_code == 200
        assert client.get(url, params, **HTMX).status_code == 200
    assert daily_calls(fast_sim) == 0


def test_hostile_room_names_are_escaped(login):
    team = make_team("hostile")
    rooms = numbered_rooms(1, prefix='<script>alert(1)</script>"')
    mirror_rooms(team, rooms, last_error='<img src=x onerror="alert(2)">')
    body = login(team, Role.OWNER).get(reverse("rooms:list", args=[team.slug])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<img src=x" not in body


def test_while_the_first_fill_runs_the_page_shows_progress_and_polls(login):
    team = make_team("fillingteam")
    mirror_rooms(
        team, numbered_rooms(123), state=MirrorState.FILLING, walk_seen=12_300, total_count=100_000
    )
    body = login(team, Role.MANAGER).get(reverse("rooms:list", args=[team.slug])).content.decode()
    assert "12,300 of 100,000 rooms loaded" in body
    assert 'hx-trigger="every 3s"' in body
    assert "123 rooms." in body and "room-0000" in body  # the rooms loaded so far


def test_a_ready_list_says_how_fresh_it_is_and_does_not_poll(login):
    team = make_team("freshteam")
    mirror_rooms(team, numbered_rooms(3), refreshed_at=timezone.now() - timedelta(minutes=2))
    body = login(team, Role.MANAGER).get(reverse("rooms:list", args=[team.slug])).content.decode()
    assert "Updated <time" in body and "2\xa0minutes ago" in body
    assert "Refresh now" in body and "every 3s" not in body


def test_an_empty_mirror_starts_the_first_fill(login, monkeypatch):
    from rooms import mirror

    started = []
    monkeypatch.setattr(mirror, "ensure_started", lambda team: started.append(team.pk))
    team = make_team("emptyteam")
    body = login(team, Role.OWNER).get(reverse("rooms:list", args=[team.slug])).content.decode()
    assert started == [team.pk]
    assert "have not been loaded from Daily yet" in body
    assert "This team has no rooms yet" not in body


def test_the_mirrors_last_error_is_shown_escaped_with_a_retry(login):
    team = make_team("errteam")
    mirror_rooms(
        team,
        numbered_rooms(2),
        refreshed_at=timezone.now() - timedelta(hours=1),
        last_error="Daily refused the API token <b>x</b>.",
        last_error_at=timezone.now(),
    )
    body = login(team, Role.MANAGER).get(reverse("rooms:list", args=[team.slug])).content.decode()
    assert "Daily refused the API token &lt;b&gt;x&lt;/b&gt;." in body
    assert "Try again" in body and reverse("rooms:refresh", args=[team.slug]) in body


def test_refresh_now_queues_a_refresh_and_polls_until_it_lands(login, monkeypatch):
    from rooms import mirror

    asked = []
    monkeypatch.setattr(mirror, "request_refresh", lambda team: asked.append(team.pk))
    team = make_team("refreshteam")
    mirror_rooms(team, numbered_rooms(3), refreshed_at=timezone.now() - timedelta(minutes=5))
    client = login(team, Role.MANAGER)
    url = reverse("rooms:refresh", args=[team.slug])
    response = client.post(url, {"q": "room", "sort": "-name"}, **HTMX)
    body = response.content.decode()
    assert asked == [team.pk]
    assert "Refreshing" in body and 'hx-trigger="every 3s"' in body and "after=" in body
    # Without JavaScript: back to the list, with the search, and a message.
    response = client.post(url, {"q": "room"})
    assert response.status_code == 302 and "q=room" in response["Location"]
    # Once the worker has refreshed, the poll stops.
    mirror_rooms(team, [], refreshed_at=timezone.now() + timedelta(seconds=1))
    poll = client.get(
        reverse("rooms:list", args=[team.slug]), {"after": int(timezone.now().timestamp())}, **HTMX
    )
    assert "every 3s" not in poll.content.decode()


def test_refresh_now_needs_a_post_with_csrf(login):
    from django.test import Client

    team = make_team("csrfteam")
    mirror_rooms(team, numbered_rooms(1))
    client = login(team, Role.MANAGER)
    assert client.get(reverse("rooms:refresh", args=[team.slug])).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(reverse("rooms:refresh", args=[team.slug])).status_code == 403
