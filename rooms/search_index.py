"""A trigram index of the mirror's room names on SQLite, for the rooms list's search.

PostgreSQL serves `name ILIKE '%q%'` from pg_trgm's GIN index (migration 0001). SQLite
(the embedded default) would read every name: some 10 ms at 100,000 rooms for a search
that matches few of them, three times a minimal page. SQLite's FTS5 has a trigram
tokenizer (SQLite 3.34 and later) whose index serves `LIKE '%q%'` for three characters or
more: the names of a search that matches few rooms are found in a fraction of a
millisecond.

The index is an external-content FTS5 table over `rooms_mirroredroom.name` (it stores
the trigrams, not the names), kept by three triggers. It is not in a migration: Django
remakes a SQLite table for many schema changes, which drops its triggers, so `ensure`
runs after every `migrate` (the rooms app's post_migrate) and re-creates what is missing,
then rebuilds the index from the table. The list asks the index only while the table and
its triggers are all there (`available`); otherwise it reads every name, as before. A
SQLite built without FTS5 just reads every name.
"""

from __future__ import annotations

import logging
import string
import time
from typing import Any

from django.db import DatabaseError

log = logging.getLogger(__name__)

TABLE = "rooms_mirroredroom_names"
ROOMS = "rooms_mirroredroom"
# Needles the index serves as they are: three characters or more, none of them a LIKE
# wildcard ("_" is one, and a room name may hold it) or a character that FTS5's trigram
# tokenizer folds differently from SQLite's LIKE (only ASCII letters fold in both).
MIN_LENGTH = 3
_SERVED = frozenset(string.ascii_letters + string.digits + "-")
# How long a process trusts its look at sqlite_master (the triggers may be re-created by
# a `migrate` in another process; until it is seen, searches read every name).
CHECK_SECONDS = 60.0

# Constant SQL: the FTS5 table's name is also the name of its command column.
_TRIGGERS = {
    "rooms_mirroredroom_names_ai": (
        "CREATE TRIGGER IF NOT EXISTS rooms_mirroredroom_names_ai"
        " AFTER INSERT ON rooms_mirroredroom BEGIN"
        " INSERT INTO rooms_mirroredroom_names(rowid, name) VALUES (new.id, new.name); END"
    ),
    "rooms_mirroredroom_names_ad": (
        "CREATE TRIGGER IF NOT EXISTS rooms_mirroredroom_names_ad"
        " AFTER DELETE ON rooms_mirroredroom BEGIN"
        " INSERT INTO rooms_mirroredroom_names(rooms_mirroredroom_names, rowid, name)"
        " VALUES ('delete', old.id, old.name); END"
    ),
    "rooms_mirroredroom_names_au": (
        "CREATE TRIGGER IF NOT EXISTS rooms_mirroredroom_names_au"
        " AFTER UPDATE OF id, name ON rooms_mirroredroom BEGIN"
        " INSERT INTO rooms_mirroredroom_names(rooms_mirroredroom_names, rowid, name)"
        " VALUES ('delete', old.id, old.name);"
        " INSERT INTO rooms_mirroredroom_names(rowid, name) VALUES (new.id, new.name); END"
    ),
}
_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS rooms_mirroredroom_names USING fts5("
    "name, content='rooms_mirroredroom', content_rowid='id', tokenize='trigram')"
)
_REBUILD = "INSERT INTO rooms_mirroredroom_names(rooms_mirroredroom_names) VALUES ('rebuild')"
_CANDIDATES = "SELECT rowid FROM rooms_mirroredroom_names WHERE name LIKE %s LIMIT %s"

_checked: dict[str, tuple[float, bool]] = {}


def serves(needle: str) -> bool:
    """Whether the index can find the names containing `needle` (any case)."""
    return len(needle) >= MIN_LENGTH and set(needle) <= _SERVED


def _present(cursor: Any) -> set[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND tbl_name = %s)",
        [TABLE, ROOMS],
    )
    return {row[0] for row in cursor.fetchall()}


def ensure(cursor: Any) -> bool:
    """On a cursor of Django's SQLite connection: create the index and its triggers where
    missing, and fill the index from the table when anything was missing (one pass over
    the names: about a second at 100,000 rooms).
    False when this SQLite has no FTS5 trigram tokenizer (searches then read every name)."""
    present = _present(cursor)
    missing = [name for name in (TABLE, *_TRIGGERS) if name not in present]
    if not missing:
        return True
    try:
        cursor.execute(_CREATE)
    except DatabaseError as exc:
        log.warning("rooms search: no FTS5 trigram index on this SQLite (%s)", exc)
        return False
    for sql in _TRIGGERS.values():
        cursor.execute(sql)
    cursor.execute(_REBUILD)
    log.info("rooms search: trigram index of room names (re)built (%s)", ", ".join(missing))
    return True


def available(connection: Any) -> bool:
    """Whether `connection` (Django's) is SQLite with the index and every trigger in place;
    looked at once per CHECK_SECONDS per process."""
    if connection.vendor != "sqlite":
        return False
    now = time.monotonic()
    seen = _checked.get(connection.alias)
    if seen is not None and now - seen[0] < CHECK_SECONDS:
        return seen[1]
    with connection.cursor() as cursor:
        present = _present(cursor)
    ok = TABLE in present and all(name in present for name in _TRIGGERS)
    _checked[connection.alias] = (now, ok)
    return ok


def candidates(connection: Any, needle: str, limit: int) -> list[int]:
    """The ids of up to `limit` rooms (of any team) whose name contains `needle`, any case.
    `needle` must be `serves`: for it the index is exact."""
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES, [f"%{needle}%", limit])
        return [row[0] for row in cursor.fetchall()]


def on_post_migrate(using: str, **kwargs: Any) -> None:
    """After every `migrate` (and `flush`) of a SQLite database: the index and its
    triggers, and the trigrams in name order (`rooms.name_grams`) and theirs, re-created
    if a schema change of the rooms table dropped them."""
    from django.db import connections

    from rooms import name_grams

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if ROOMS not in connection.introspection.table_names(cursor):
            return
        ensure(cursor)
        name_grams.ensure(cursor)
    _checked.pop(using, None)
    name_grams.forget(using)
