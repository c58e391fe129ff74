"""The name sort in natural order ("bulk-test-4" before "bulk-test-10": the mirror's
`sort_key`, rooms.models.natural_key) and the search that walks the trigrams of the names
in that order (rooms.name_grams): its pages equal a plain case-insensitive filter, for
every sort, on the database the suite runs on (PostgreSQL in CI; SQLite when run without
DATABASE_URL), and its table follows every write of the mirror."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daily import Privacy, Room
from rooms import listing, mirror, name_grams
from rooms.models import MirroredRoom, MirrorState, RoomMirror, name_of, natural_key
from teams.models import Role
from tests.factories import make_team
from tests.rooms.helpers import mirror_rooms
from tests.rooms.test_list import _names

pytestmark = pytest.mark.django_db


def test_numbers_sort_by_value_and_the_order_is_total():
    names = ["bulk-test-10", "room 10", "Room 2", "bulk-test-4", "room 2", "a-1", "a-01",
             "A-10", "a-0", "a-9", "b", "x1000000000", "x123456789", "x99999999",
             "a_b"]  # fmt: skip
    assert sorted(names, key=natural_key) == [
        "a-0", "a-01", "a-1", "a-9", "A-10", "a_b", "b", "bulk-test-4", "bulk-test-10",
        "Room 2", "room 2", "room 10", "x99999999", "x123456789", "x1000000000",
    ]  # fmt: skip
    assert len({natural_key(n) for n in names}) == len(names)
    for name in [*names, "a\x01b", "", "007"]:
        assert name_of(natural_key(name)) == name


def test_every_write_of_the_mirror_keeps_the_key():
    team = make_team("natkeys")
    mirror_rooms(team, [Room(name="bulk-test-10", privacy=Privacy.PUBLIC, url="")])
    mirror.store_room(team, Room(name="bulk-test-4", privacy=Privacy.PRIVATE, url=""))
    mirror.store_rooms(team, [Room(name="Room 2", privacy=None, url="")])
    mirror.store_privacy(team, "bulk-test-4", Privacy.PUBLIC)
    MirroredRoom.objects.create(team=team, name="room 10", seen_at=datetime.now(UTC))
    rows = MirroredRoom.objects.filter(team=team)
    assert {r.name: r.sort_key for r in rows} == {r.name: natural_key(r.name) for r in rows}
    assert len(rows) == 4


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_the_list_sorts_names_naturally(login, sort):
    team = make_team("natural")
    names = ["room 10", "bulk-test-10", "Room 2", "bulk-test-4", "bulk-test-1", "room-1"]
    mirror_rooms(team, [Room(name=n, privacy=Privacy.PUBLIC, url="") for n in names])
    client = login(team, Role.MANAGER)
    body = client.get(reverse("rooms:list", args=[team.slug]), {"sort": sort}).content.decode()
    natural = ["bulk-test-1", "bulk-test-4", "bulk-test-10", "Room 2", "room 10", "room-1"]
    shown = [unquote(n) for n in _names(body, team.slug)]
    assert shown == (natural if sort == "name" else natural[::-1])


_RANK = {"public": 0, "org": 1, "private": 2}


def _expected(rooms, q: str, sort: str) -> list[str]:
    """The names the list must show, in order: a plain filter and sort, in Python."""
    found = [r for r in rooms if q.casefold() in r.name.casefold()]
    field = sort.lstrip("-")

    def key(r):
        if field == "created":
            return (r.created_at, natural_key(r.name))
        if field == "privacy":
            return (_RANK[r.privacy.value] if r.privacy else 3, natural_key(r.name))
        return (natural_key(r.name),)

    return [r.name for r in sorted(found, key=key, reverse=sort.startswith("-"))]


ADJECTIVES = ("amber", "brisk", "Calm", "dusty", "jolly", "JOLLY", "zesty")
NOUNS = ("owl", "otter", "Oak", "yak")
ODD = ["100%_done", "a_b-jolly", "50%-off", "météo-jolly-3", "café-2", "jolly", "jol", "ly"]


def _rooms() -> list[Room]:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    privacies = (Privacy.PUBLIC, Privacy.PRIVATE, Privacy.TEAM, None)
    names = [f"{a}-{n}-{i}" for i, (a, n) in enumerate(
        (a, n) for a in ADJECTIVES for n in NOUNS for _ in range(15))]  # fmt: skip
    return [
        Room(name=name, privacy=privacies[i % 7 % 4], url="", created_at=base + timedelta(hours=i))
        for i, name in enumerate(names + ODD)
    ]


def _shown(client, url, q: str, sort: str) -> list[str]:
    shown: list[str] = []
    for page in range(1, 12):
        body = client.get(url, {"q": q, "sort": sort, "page": page}).content.decode()
        shown += [unquote(n) for n in _names(body, "gramteam")]
        if f"page={page + 1}" not in body:  # no link to a next page
            return shown
    raise AssertionError("more pages than the rooms")


@pytest.mark.parametrize("sort", listing.SORTS)
def test_search_pages_equal_a_plain_filter(login, sort):
    team = make_team("gramteam")
    rooms = _rooms()
    mirror_rooms(team, rooms)
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    terms = ["jolly", "JoLLy", "y-o", "ott", "olly-yak-1", "zzz", "jol", "y", "ly", "_", "%",
             "0%_", "é", "météo", "-1", "10"]  # fmt: skip
    for q in terms:
        expected = _expected(rooms, q, sort)
        assert _shown(client, url, q, sort) == expected, (q, sort)
        assert listing.count_matches(team, q).matched == len(expected), q
    assert len(_expected(rooms, "jolly", sort)) > 2 * listing.PER_PAGE  # pages of it


def test_the_walk_serves_long_terms_and_the_count(login):
    team = make_team("gramcount")
    rooms = _rooms()
    mirror_rooms(team, rooms)
    assert name_grams.available(connection)
    for q in ("jolly", "olly-yak", "zzz", "JOLLY-Owl", "jolly-owl-1"):
        matched = listing.count_matches(team, q)
        assert matched.matched == len(_expected(rooms, q, "name")), q


@pytest.mark.parametrize("q", ["olly-", "y", "Ly"])
@pytest.mark.parametrize("sort", ["name", "-name", "privacy", "-privacy"])
def test_a_walked_page_is_two_queries(sort, q):
    """The term's rarest gram (all its trigrams, or for one or two characters its letters,
    counted in one query) and the page (the walk joined to the rooms), whatever the page:
    each query is a round trip, and none reads the rooms' sort index on its own."""
    team = make_team("gramqueries")
    rooms = _rooms()
    mirror_rooms(team, rooms)
    state = RoomMirror.objects.get(team=team)
    assert len(_expected(rooms, q, sort)) > 2 * listing.PER_PAGE
    for page in ("1", "2"):
        query = listing.RoomQuery(q=q, sort=sort, page=page)
        with CaptureQueriesContext(connection) as queries:
            shown = listing.search(team, query, state)
        start = (int(page) - 1) * listing.PER_PAGE
        expected = _expected(rooms, q, sort)[start : start + listing.PER_PAGE]
        assert [room.name for room in shown.rooms] == expected, (sort, page)
        grams = [q["sql"] for q in queries.captured_queries if name_grams.TABLE in q["sql"]]
        assert len(grams) == 2, grams
        others = [q["sql"] for q in queries.captured_queries if name_grams.TABLE not in q["sql"]]
        assert not [sql for sql in others if "LIKE" in sql.upper()], others


def test_the_grams_of_a_term_are_its_trigrams_or_its_letters():
    assert name_grams.grams("Jolly") == ["jol", "oll", "lly"]
    assert name_grams.grams("yY") == ["y"]
    assert name_grams.grams("o-") == ["o", "-"]
    assert name_grams.serves("y") and name_grams.serves("a-1")
    assert not name_grams.serves("") and not name_grams.serves("a_") and not name_grams.serves("é")


def _table(team) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gram, privacy_rank, sort_key FROM rooms_mirroredroom_grams WHERE team_id = %s",
            [team.pk],
        )
        return set(cursor.fetchall())


def _grams_of_rooms(team) -> set[tuple]:
    """What the table must hold for the team's rooms: each trigram and each letter of each
    name lower-cased, with the room's privacy rank and key."""
    rows = MirroredRoom.objects.filter(team=team).values_list("name", "privacy_rank", "sort_key")
    trigrams = {
        (name.lower()[i : i + 3], rank, key)
        for name, rank, key in rows
        for i in range(len(name) - 2)
    }
    return trigrams | {(letter, rank, key) for name, rank, key in rows for letter in name.lower()}


def test_the_trigram_table_follows_every_write():
    team = make_team("gramwrites")
    other = make_team("gramother")
    mirror_rooms(
        team, [Room(name=f"jolly-owl-{i}", privacy=Privacy.PUBLIC, url="") for i in range(5)]
    )
    mirror_rooms(other, [Room(name="jolly-owl-1", privacy=Privacy.PRIVATE, url="")])
    mirror.store_privacy(team, "jolly-owl-1", Privacy.PRIVATE)
    mirror.forget_room(team, "jolly-owl-2")
    mirror.forget_rooms(team, ["jolly-owl-3"])
    mirror.store_room(team, Room(name="Brisk-Yak-10", privacy=None, url=""))
    # A refresh that lists a room again with another privacy, and one unchanged.
    mirror.upsert(team, [Room(name="jolly-owl-4", privacy=Privacy.TEAM, url=""),
                         Room(name="jolly-owl-0", privacy=Privacy.PUBLIC, url=""),
                         # a trigram and letters twice in one name, in an upsert
                         Room(name="yak-yak-aaaa", privacy=Privacy.PUBLIC, url="")])  # fmt: skip
    assert _table(team) == _grams_of_rooms(team)
    assert _table(other) == _grams_of_rooms(other)
    assert ("jol", 2, natural_key("jolly-owl-1")) in _table(team)
    assert ("y", 2, natural_key("jolly-owl-1")) in _table(team)
    assert not {row for row in _table(team) if row[2] == natural_key("jolly-owl-2")}
    MirroredRoom.objects.filter(team=team).delete()
    assert _table(team) == set() and _table(other) == _grams_of_rooms(other)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE fires no row trigger")
def test_a_truncate_of_the_mirror_empties_the_trigram_table():
    team = make_team("gramtruncate")
    mirror_rooms(team, [Room(name="jolly-owl-1", privacy=Privacy.PUBLIC, url="")])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE rooms_mirroredroom")
    assert _table(team) == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares characters")
def test_the_key_is_compared_character_by_character_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = 'rooms_mirroredroom' AND column_name = 'sort_key'"
        )
        assert cursor.fetchone() == ("C",)


def test_a_first_fill_writes_the_trigrams_when_the_mirror_becomes_ready(login):
    team = make_team("gramteam")
    rooms = _rooms()
    mirror_rooms(team, rooms[:60], state=MirrorState.FILLING)
    mirror.upsert(team, rooms[60:])  # the fill's next pages
    mirror.forget_room(team, rooms[0].name)  # deleted in the dashboard meanwhile
    client = login(team, Role.MANAGER)
    url = reverse("rooms:list", args=[team.slug])
    # While the fill runs the list does not read the trigrams: its search is exact still.
    assert _shown(client, url, "jolly", "name") == _expected(rooms[1:], "jolly", "name")
    state = RoomMirror.objects.get(team=team)
    state.state = MirrorState.READY
    state.save(update_fields=["state"])
    assert _table(team) == _grams_of_rooms(team)
    assert _shown(client, url, "jolly", "-name") == _expected(rooms[1:], "jolly", "-name")
    assert listing.count_matches(team, "jolly").matched == len(
        _expected(rooms[1:], "jolly", "name")
    )
