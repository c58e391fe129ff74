"""The trigram index of room names on SQLite (rooms.search_index): built where missing,
kept by its triggers through inserts, renames and deletes, re-created after a schema change
drops its triggers, and exact for the needles it serves.

On a SQLite database of its own (the suite runs on PostgreSQL), with the one table the
index reads: the ids and names of the rooms mirror."""

from __future__ import annotations

import sqlite3

import pytest
from django.db.utils import ConnectionHandler

from rooms import search_index

ALIAS = "search-index-test"


def _has_trigram() -> bool:
    try:
        memory = sqlite3.connect(":memory:")
        memory.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize=trigram)")
    except sqlite3.Error:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _has_trigram(), reason="this Python's SQLite has no FTS5 trigram tokenizer"
)


@pytest.fixture
def db(tmp_path, django_db_blocker):
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "rooms.db")}
    handler = ConnectionHandler({"default": database, ALIAS: database})
    connection = handler[ALIAS]
    django_db_blocker.unblock()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE rooms_mirroredroom (id INTEGER PRIMARY KEY, team_id INT, name TEXT)"
        )
    search_index._checked.pop(ALIAS, None)
    yield connection
    search_index._checked.pop(ALIAS, None)
    connection.close()
    django_db_blocker.restore()


def _add(connection, *names: str) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("INSERT INTO rooms_mirroredroom (team_id, name) VALUES (1, %s)", [name])


def _found(connection, needle: str) -> list[str]:
    ids = search_index.candidates(connection, needle, 1000)
    if not ids:
        return []
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT name FROM rooms_mirroredroom WHERE id IN ({marks})", ids)  # noqa: S608
        return sorted(row[0] for row in cursor.fetchall())


def _expected(connection, needle: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM rooms_mirroredroom")
        names = [row[0] for row in cursor.fetchall()]
    return sorted(n for n in names if needle.lower() in n.lower())


def test_it_is_built_from_the_rooms_already_there(db):
    _add(db, "weekly-sync", "Daily-Standup", "sales-demo")
    assert not search_index.available(db)
    with db.cursor() as cursor:
        assert search_index.ensure(cursor)
    search_index._checked.pop(ALIAS)
    assert search_index.available(db)
    assert _found(db, "sync") == ["weekly-sync"]
    assert _found(db, "STANDUP") == ["Daily-Standup"]  # any case, as the list's search


def test_its_triggers_follow_inserts_renames_and_deletes(db):
    with db.cursor() as cursor:
        search_index.ensure(cursor)
    _add(db, *(f"room-{i:03d}" for i in range(150)), "other-room", "ROOM-X")
    with db.cursor() as cursor:
        cursor.execute("UPDATE rooms_mirroredroom SET name = 'renamed-7' WHERE name = 'room-007'")
        cursor.execute("DELETE FROM rooms_mirroredroom WHERE name LIKE 'room-01%'")
    for needle in ("room", "room-00", "m-1", "renamed", "room-007", "x-y-z", "ROOM-x"):
        assert _found(db, needle) == _expected(db, needle), needle
    assert search_index.candidates(db, "room", 5) == search_index.candidates(db, "room", 1000)[:5]


def test_a_schema_change_that_drops_the_triggers_is_repaired(db):
    with db.cursor() as cursor:
        search_index.ensure(cursor)
    _add(db, "before-1")
    with db.cursor() as cursor:
        # As Django remakes a SQLite table: its triggers go with it.
        cursor.execute("DROP TRIGGER rooms_mirroredroom_names_ai")
    search_index._checked.pop(ALIAS, None)
    assert not search_index.available(db)  # the list then reads every name instead
    _add(db, "during-1")  # not indexed: no trigger
    with db.cursor() as cursor:
        assert search_index.ensure(cursor)  # what post_migrate runs
    search_index._checked.pop(ALIAS)
    assert search_index.available(db)
    _add(db, "after-1")
    for needle in ("before", "during", "after"):
        assert _found(db, needle) == [f"{needle}-1"]


@pytest.mark.parametrize(
    ("needle", "served"),
    [
        ("abc", True),
        ("Sales-2", True),
        ("ab", False),
        ("a_b", False),
        ("50%", False),
        ("été", False),
    ],
)
def test_it_serves_what_it_finds_exactly(needle, served):
    assert search_index.serves(needle) is served
