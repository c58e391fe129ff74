"""The letters of room names beside their trigrams (rooms.name_grams, migration 0008):
a database of the earlier version gets them, from its rooms, on either database, and loses
them again when the migration is reversed on PostgreSQL."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from daily import Privacy, Room
from rooms import mirror, name_grams
from tests.factories import make_team
from tests.rooms.helpers import mirror_rooms

MIGRATION = importlib.import_module("rooms.migrations.0008_name_letters")


def _table(conn, team_id: int) -> set[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT gram, privacy_rank, sort_key FROM rooms_mirroredroom_grams WHERE team_id = %s",
            [team_id],
        )
        return set(cursor.fetchall())


def _grams(rows, letters: bool) -> set[tuple]:
    found = {(n.lower()[i : i + 3], r, k) for n, r, k in rows for i in range(len(n) - 2)}
    if letters:
        found |= {(c, r, k) for n, r, k in rows for c in n.lower()}
    return found


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="migration 0008's SQL")
def test_the_migration_adds_the_letters_of_the_rooms_there_and_reverses():
    team = make_team("letters")
    with connection.schema_editor() as editor:  # back to the earlier version's triggers
        MIGRATION.no_letters(None, editor)
    mirror_rooms(team, [Room(name=n, privacy=Privacy.PUBLIC, url="") for n in ("Ab-yak", "z")])
    rows = [(n, 0, k) for n, k in team.mirrored_rooms.values_list("name", "sort_key")]
    assert _table(connection, team.pk) == _grams(rows, letters=False)
    with connection.schema_editor() as editor:
        MIGRATION.letters(None, editor)
    assert _table(connection, team.pk) == _grams(rows, letters=True)
    mirror.store_room(team, Room(name="new-Room", privacy=Privacy.PRIVATE, url=""))
    mirror.forget_room(team, "z")
    rows = [
        (n, r, k) for n, r, k in team.mirrored_rooms.values_list("name", "privacy_rank", "sort_key")
    ]
    assert _table(connection, team.pk) == _grams(rows, letters=True)
    with connection.schema_editor() as editor:
        MIGRATION.no_letters(None, editor)
    assert _table(connection, team.pk) == _grams(rows, letters=False)
    with connection.schema_editor() as editor:
        MIGRATION.letters(None, editor)
    assert name_grams._present(connection)
    team.mirrored_rooms.all().delete()  # removed in one statement
    assert _table(connection, team.pk) == set()


ALIAS = "name-letters-test"
_OLD_TRIGGER = (
    "CREATE TRIGGER rooms_mirroredroom_grams_ai AFTER INSERT ON rooms_mirroredroom BEGIN"
    " INSERT OR REPLACE INTO rooms_mirroredroom_grams SELECT new.team_id,"
    " substr(lower(new.name), p.n, 3), new.privacy_rank, new.sort_key"
    " FROM rooms_mirroredroom_gram_at p WHERE p.n <= length(new.name) - 2; END"
)


@pytest.fixture
def sqlite_db(tmp_path, django_db_blocker):
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "rooms.db")}
    handler = ConnectionHandler({"default": database, ALIAS: database})
    conn = handler[ALIAS]
    django_db_blocker.unblock()
    with conn.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE rooms_mirroredroom (id INTEGER PRIMARY KEY, team_id INT, name TEXT,"
            " privacy TEXT, privacy_rank INT, sort_key TEXT)"
        )
        cursor.execute("CREATE TABLE rooms_roommirror (team_id INT, state TEXT)")
    yield conn
    name_grams.forget(ALIAS)
    conn.close()
    django_db_blocker.restore()


def _add(conn, *names: str) -> list[tuple]:
    with conn.cursor() as cursor:
        for name in names:
            cursor.execute(
                "INSERT INTO rooms_mirroredroom (team_id, name, privacy, privacy_rank, sort_key)"
                " VALUES (1, %s, 'public', 0, %s)",
                [name, "k:" + name],
            )
        cursor.execute("SELECT name, privacy_rank, sort_key FROM rooms_mirroredroom")
        return cursor.fetchall()


def test_on_sqlite_the_earlier_triggers_are_replaced_and_the_table_rebuilt(sqlite_db):
    with sqlite_db.cursor() as cursor:
        assert name_grams.ensure(cursor)
        for name in name_grams._SQLITE_TRIGGERS:  # back to the earlier version's
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(_OLD_TRIGGER)
    rows = _add(sqlite_db, "Ab-yak", "zz")
    assert _table(sqlite_db, 1) == _grams(rows, letters=False)
    with sqlite_db.cursor() as cursor:
        assert name_grams.ensure(cursor)  # what post_migrate runs
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {row[0] for row in cursor.fetchall()} == set(name_grams._SQLITE_TRIGGERS)
    assert _table(sqlite_db, 1) == _grams(rows, letters=True)
    rows = _add(sqlite_db, "Brisk-Owl")  # kept by the new triggers from now on
    assert _table(sqlite_db, 1) == _grams(rows, letters=True)
    with sqlite_db.cursor() as cursor:
        cursor.execute("DELETE FROM rooms_mirroredroom WHERE name = 'zz'")
        cursor.execute("UPDATE rooms_mirroredroom SET name = 'Ab-ox', sort_key = 'k:Ab-ox'"
                       " WHERE name = 'Ab-yak'")  # fmt: skip
        cursor.execute("SELECT name, privacy_rank, sort_key FROM rooms_mirroredroom")
        rows = cursor.fetchall()
    assert _table(sqlite_db, 1) == _grams(rows, letters=True)
