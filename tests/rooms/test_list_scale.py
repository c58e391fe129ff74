"""What keeps the rooms page cheap at 100,000 rooms stays exact: the team's count cached
per mirror version, deep pages from the marks of the sort's index, a search's count
capped ("1,000+ of 100,000 rooms match"), rows written by RowHtml."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daily import Privacy, Room
from rooms import listing, mirror
from rooms.models import MirroredRoom, RoomMirror
from teams.models import Role
from tests.factories import make_team
from tests.rooms.conftest import HTMX
from tests.rooms.helpers import mirror_rooms, numbered_rooms
from tests.rooms.test_list import _expected, _names

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_marks(monkeypatch):
    """Marks every 25 rooms, used from the third page: a few hundred rooms go deep."""
    monkeypatch.setattr(listing, "MARK_EVERY", 25)
    monkeypatch.setattr(listing, "MARKS_FROM", 100)


def _pages(client, url, sort: str, pages) -> list[str]:
    shown = []
    for page in pages:
        shown += _names(client.get(url, {"sort": sort, "page": page}).content.decode(), "deep")
    return shown


@pytest.mark.parametrize("sort", listing.SORTS)
def test_deep_pages_read_from_a_mark_match_python(login, small_marks, sort):
    team = make_team("deep")
    rooms = numbered_rooms(260) + numbered_rooms(40, prefix="Room-X")
    mirror_rooms(team, rooms)
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    assert _pages(client, url, sort, range(1, 7)) == _expected(rooms, "", sort)
    state = RoomMirror.objects.get(team=team)
    assert len(listing._marks(team, sort, state.rooms_version)) == 300 // 25


def test_marks_follow_a_privacy_change_and_a_new_room(login, small_marks):
    team = make_team("deep")
    rooms = numbered_rooms(300)
    mirror_rooms(team, rooms)
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    before = _pages(client, url, "privacy", range(1, 7))
    assert before == _expected(rooms, "", "privacy")
    mirror.store_privacy(team, "room-0002", Privacy.PUBLIC)  # was private: now sorts first
    added = Room(name="room-0000a", privacy=Privacy.PRIVATE, url="", created_at=datetime.now(UTC))
    mirror.store_room(team, added)
    now = [replace(r, privacy=Privacy.PUBLIC) if r.name == "room-0002" else r for r in rooms]
    assert _pages(client, url, "privacy", range(1, 8)) == _expected([*now, added], "", "privacy")


def test_rooms_without_a_creation_time_are_paged_without_marks(login, small_marks):
    team = make_team("deep")
    undated = [Room(name=f"old-{i:03d}", privacy=Privacy.PUBLIC, url="") for i in range(30)]
    mirror_rooms(team, numbered_rooms(200) + undated)
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    version = RoomMirror.objects.get(team=team).rooms_version
    assert listing._marks(team, "created", version) == []
    shown = _pages(client, url, "created", range(1, 6))
    assert sorted(shown) == sorted(r.name for r in numbered_rooms(200) + undated)
    dated = [name for name in shown if name.startswith("room-")]
    assert dated == [r.name for r in numbered_rooms(200)]


def test_the_count_is_kept_per_mirror_version_and_follows_every_write(login):
    team = make_team("counted")
    mirror_rooms(team, numbered_rooms(120))
    client = login(team, Role.OWNER)
    url = reverse("rooms:list", args=[team.slug])
    assert "120 rooms." in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "120 rooms." in client.get(url, {"sort": "-created"}).content.decode()
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()], "counted again"
    mirror.store_room(team, Room(name="fresh", privacy=Privacy.PUBLIC, url=""))
    assert "121 rooms." in client.get(url).content.decode()
    mirror.forget_room(team, "room-0000")
    mirror.forget_rooms(team, ["room-0001", "room-0002"])
    assert "118 rooms." in client.get(url).content.decode()
    mirror.restart(team)
    emptied = client.get(url).content.decode()
    assert " 0 rooms." in emptied and "118 rooms." not in emptied


def test_a_search_matching_more_than_the_cap_counts_only_the_cap(login, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 20)
    team = make_team("capped")
    rooms = numbered_rooms(130) + numbered_rooms(10, prefix="other")
    mirror_rooms(team, rooms)
    client = login(team, Role.OWNER)
    url = reverse("rooms:list", args=[team.slug])
    count_url = reverse("rooms:count", args=[team.slug])
    body = client.get(url, {"q": "room"}).content.decode()
    assert f'hx-get="{count_url}?q=room" hx-trigger="load"' in body
    assert 'Page 1<span id="rooms-pages"></span></span>' in body and 'rel="next"' in body
    counted = client.get(count_url, {"q": "room"}, **HTMX).content.decode()
    assert "20+ of 140 rooms match “room”." in counted and 'data-count="20+"' in counted
    assert "Select all the rooms matching “room”, on every page" in counted
    # The number of pages is not known past the cap: the pager keeps "Page 1".
    assert '<span id="rooms-pages" hx-swap-oob="true"></span>' in counted
    shown = []
    for page in (1, 2, 3):
        body = client.get(url, {"q": "room", "page": page}, **HTMX).content.decode()
        shown += dict.fromkeys(_names(body, team.slug))  # each row links its name twice
    assert shown == _expected(rooms, "room", "name")
    # The last page knows the count without counting: the matches before it and its own.
    assert 'rel="next"' not in body and 'rel="prev"' in body
    assert "Page 3 of 3" in body and "130 of 140 rooms match" in body
    # A page past the end (a link kept from a longer list) is the last page, counted.
    late = client.get(url, {"q": "room", "page": "9"}).content.decode()
    assert "Page 3 of 3" in late and "130 of 140 rooms match" in late
    # Up to the cap the count is exact.
    few = client.get(url, {"q": "other"}).content.decode()
    assert "10 of 140 rooms match" in few and "Select all" not in few


def test_a_search_is_counted_after_its_page_and_only_when_it_has_more(login):
    team = make_team("later")
    client = login(team, Role.OWNER)
    url = reverse("rooms:list", args=[team.slug])
    count_url = reverse("rooms:count", args=[team.slug])
    seen: dict[str, set[int]] = {}
    for size in (60, 600):
        mirror_rooms(team, numbered_rooms(size))
        client.get(url)  # the team's count, kept per mirror version
        for q in ("room-00", "room-001"):  # more than a page; one page (10 rooms)
            with CaptureQueriesContext(connection) as queries:
                body = client.get(url, {"q": q}).content.decode()
            # No count of the matches (a count under a LIKE); the page may look at how many
            # rooms hold each trigram of the term, up to a cap (rooms.name_grams.rarest).
            counts = [x["sql"].upper() for x in queries if "COUNT(" in x["sql"].upper()]
            assert not [sql for sql in counts if "LIKE" in sql], "counted in the page"
            seen.setdefault(q, set()).add(len(queries))
        # Until counted (and without JavaScript): what the pages so far show.
        first = client.get(url, {"q": "room-00"}).content.decode()
        assert f"More than 50 of {size} rooms match “room-00”." in first
        # The last page counts itself: the full pages before it and its own rows.
        last = client.get(url, {"q": "room-00", "page": 2}).content.decode()
        assert f"{min(size, 100)} of {size} rooms match" in last and "More than" not in last
        assert "10 of " in body and "More than" not in body
        with CaptureQueriesContext(connection) as queries:
            counted = client.get(count_url, {"q": "room-00"}, **HTMX)
        seen.setdefault("count", set()).add(len(queries))
        assert "<html" not in counted.content.decode()
        counted = counted.content.decode()
        assert f"{min(size, 100)} of {size} rooms match “room-00”." in counted
        # With the count, the pager's number of pages (out of band).
        assert '<span id="rooms-pages" hx-swap-oob="true"> of 2</span>' in counted
    assert all(len(counts) == 1 for counts in seen.values()), seen
    # Not a page of its own: without htmx, the list with the search.
    response = client.get(count_url, {"q": "room-00"})
    assert response.status_code == 302 and response["Location"] == f"{url}?q=room-00"


def _unmasked(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", html)


def test_a_single_row_is_the_same_as_in_the_table(login):
    team = make_team("onerow", time_zone="Europe/Paris")
    created = datetime(2025, 3, 4, 23, 5, tzinfo=UTC)
    mirror_rooms(
        team, [Room(name="weekly-sync", privacy=Privacy.PRIVATE, url="", created_at=created)]
    )
    client = login(team, Role.OWNER)
    table = client.get(reverse("rooms:list", args=[team.slug])).content.decode()
    row = client.get(reverse("rooms:row", args=[team.slug, "weekly-sync"]), **HTMX).content.decode()
    # The same markup but for the CSRF token, masked anew for every response.
    assert _unmasked(row).strip() in _unmasked(table)
    assert '<time datetime="2025-03-05T00:05:00+01:00">5 Mar 2025, 00:05</time>' in row
    assert (
        'value="private" selected' in row
        and ">weekly-sync<" in row
        and "csrfmiddlewaretoken" in row
    )


@pytest.mark.parametrize("q", ["x", "X", "m-", "_", "0", "o-"])
def test_searches_of_one_or_two_characters_match_any_case(login, q):
    team = make_team("short")
    names = ["Mixed-Case", "max_x", "ROOM-X1", "plain", "a_b-0", "MÉTÉO-x", "with-é"]
    rooms = [Room(name=n, privacy=Privacy.PUBLIC, url="") for n in names]
    mirror_rooms(team, rooms)
    client = login(team, Role.MANAGER)
    body = client.get(reverse("rooms:list", args=[team.slug]), {"q": q}).content.decode()
    assert [unquote(n) for n in _names(body, team.slug)] == _expected(rooms, q, "name")
    assert [r.name for r in listing.matching(team, q).order_by("name")] == sorted(
        _expected(rooms, q, "name")
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_search_of_three_characters_is_what_the_trigram_index_serves():
    team = make_team("trigram")
    mirror_rooms(team, numbered_rooms(30))
    searched = MirroredRoom.objects.filter(listing._contains("OOM-001"))
    assert sorted(searched.values_list("name", flat=True)) == [
        f"room-{i:04d}" for i in range(10, 20)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # at 30 rooms a scan is cheaper
    assert "mirroredroom_lname_trgm" in searched.explain()
