"""The trigrams and letters of the mirror's room names, each kept in the order of the list's
name sort: a search's first page without reading every room before its matches.

A page of the list walks a sort's index until a page of rooms contains the search. A term
found in many rooms that sort late ("jolly", a tenth of 100,000 rooms, all after room
~90,000 by name; "y", half of them) costs every index entry before them: some 90,000
LIKEs. A trigram index (FTS5 on SQLite, pg_trgm's GIN on PostgreSQL) finds the matches in
no useful order, and sorting 10,000 of them costs about as much.

`rooms_mirroredroom_grams` holds one row per (team, gram of LOWER(name), room), keyed
(team_id, gram, privacy_rank, sort_key), a gram being a trigram or a single character of
the name: the rooms that contain a gram, in the privacy sort's order, and within each
privacy rank in the name sort's (`rooms.models.natural_key`, which ends with the name
itself). Any room whose name contains a term contains each of the term's trigrams (its
letters, for a term of one or two characters: `grams`), so walking one gram's rows in
order, keeping those whose key's name part (after SORT_KEY_SEPARATOR) contains the term,
gives the term's matches in the name sort's order: page 1 reads the rarest gram's rows up
to its 50th match, not every room sorted before it. The name sort merges the walks of the
four privacy ranks.

Kept by triggers on `rooms_mirroredroom` on both databases, from the database's own
LOWER(name), which is what the search compares (`rooms.listing._contains`): on PostgreSQL
created by migrations 0007 and 0008 (with a TRUNCATE trigger, since a TRUNCATE fires no
row trigger); on SQLite by `ensure`, after every `migrate`, like the FTS5 index of
`rooms.search_index` (Django drops a SQLite table's triggers when it remakes it), and
rebuilt from the rooms then. Triggers fire on a change of the name, its key, the privacy
or the team only, so a reconcile that rewrites every room unchanged costs nothing here.
On SQLite a first fill's rooms are not written here one by one (`_SQLITE_KEPT`) but in one
sorted pass when the mirror becomes ready; the list reads the table only for a ready
mirror. About 13 trigrams and 10 letters per room of 15 characters: 2.3 million rows at
100,000 simulator rooms.
"""

from __future__ import annotations

import logging
import string
import time
from typing import Any

log = logging.getLogger(__name__)

TABLE = "rooms_mirroredroom_grams"
ROOMS = "rooms_mirroredroom"
# Positions of a trigram in a name, for SQLite's triggers (no loop, no CTE in a trigger):
# names are at most 128 characters at Daily; room is left for longer ones.
POSITIONS = "rooms_mirroredroom_gram_at"
MAX_NAME = 1024
# Terms the walk serves: ASCII letters, digits and "-" (no LIKE
# wildcard, and letters whose case both databases fold alike).
_SERVED = frozenset(string.ascii_letters + string.digits + "-")
# How many rows of a gram are counted to find the term's rarest one.
COUNT_CAP = 1000
# Looked at for the rarest: at most this many trigrams of a long term (any one is exact).
MAX_GRAMS = 8

# A row's grams for SQLite's triggers: its trigrams and its letters, each once (UNION): a
# trigger's INSERT OR REPLACE gives way to the conflict clause of the statement that fired
# it (a mirror's upsert), so a letter a name holds twice must not be inserted twice.
_SQLITE_GRAMS = (
    "SELECT {row}.team_id, substr(lower({row}.name), p.n, 3), {row}.privacy_rank,"
    " {row}.sort_key FROM rooms_mirroredroom_gram_at p"
    " WHERE p.n <= length({row}.name) - 2"
    " UNION SELECT {row}.team_id, substr(lower({row}.name), p.n, 1), {row}.privacy_rank,"
    " {row}.sort_key FROM rooms_mirroredroom_gram_at p"
    " WHERE p.n <= length({row}.name)"
)
_SQLITE_DELETE = (
    "DELETE FROM rooms_mirroredroom_grams WHERE team_id = old.team_id"
    " AND privacy_rank = old.privacy_rank AND sort_key = old.sort_key"
    " AND gram IN (SELECT substr(lower(old.name), p.n, 3)"
    " FROM rooms_mirroredroom_gram_at p WHERE p.n <= length(old.name) - 2"
    " UNION ALL SELECT substr(lower(old.name), p.n, 1)"
    " FROM rooms_mirroredroom_gram_at p WHERE p.n <= length(old.name));"
)
_SQLITE_INSERT = (
    "INSERT OR REPLACE INTO rooms_mirroredroom_grams " + _SQLITE_GRAMS.format(row="new") + ";"
)
# SQLite keeps a team's rows by trigger only while its mirror is ready (or has no state
# yet): during a first fill, writing each room's trigrams where they sort (some 1,300
# b-tree pages per 100 rooms) cost 3-7 times the rest of the page's write. The fill's rooms
# are written in one sorted pass when the mirror becomes ready (`..._ready`, in the same
# transaction: ~10 s at 100,000 rooms under load), and the list does not read the table of
# a mirror that is not ready (`rooms.listing`).
_SQLITE_KEPT = (
    "NOT EXISTS (SELECT 1 FROM rooms_roommirror m"
    " WHERE m.team_id = {row}.team_id AND m.state <> 'ready')"
)
# The triggers' names carry the version of what they write: `ensure` drops those of an
# earlier version (2: letters beside the trigrams) and rebuilds the table.
_TRIGGER = "rooms_mirroredroom_grams_v2"
_SQLITE_TRIGGERS = {
    f"{_TRIGGER}_ai": (
        f"CREATE TRIGGER IF NOT EXISTS {_TRIGGER}_ai"
        f" AFTER INSERT ON rooms_mirroredroom WHEN {_SQLITE_KEPT.format(row='new')}"
        f" BEGIN {_SQLITE_INSERT} END"
    ),
    f"{_TRIGGER}_ad": (
        f"CREATE TRIGGER IF NOT EXISTS {_TRIGGER}_ad"
        f" AFTER DELETE ON rooms_mirroredroom WHEN {_SQLITE_KEPT.format(row='old')}"
        f" BEGIN {_SQLITE_DELETE} END"
    ),
    f"{_TRIGGER}_au": (
        f"CREATE TRIGGER IF NOT EXISTS {_TRIGGER}_au"
        " AFTER UPDATE OF team_id, name, sort_key, privacy ON rooms_mirroredroom"
        " WHEN (old.team_id IS NOT new.team_id OR old.name IS NOT new.name"
        " OR old.sort_key IS NOT new.sort_key OR old.privacy IS NOT new.privacy)"
        f" AND {_SQLITE_KEPT.format(row='new')}"
        f" BEGIN {_SQLITE_DELETE} {_SQLITE_INSERT} END"
    ),
    f"{_TRIGGER}_ready": (
        f"CREATE TRIGGER IF NOT EXISTS {_TRIGGER}_ready"  # noqa: S608 (constants only)
        " AFTER UPDATE OF state ON rooms_roommirror"
        " WHEN new.state = 'ready' AND old.state IS NOT 'ready' BEGIN"
        " DELETE FROM rooms_mirroredroom_grams WHERE team_id = new.team_id;"
        " INSERT OR REPLACE INTO rooms_mirroredroom_grams"
        " SELECT r.team_id, substr(lower(r.name), p.n, 3), r.privacy_rank, r.sort_key"
        " FROM rooms_mirroredroom r JOIN rooms_mirroredroom_gram_at p"
        " ON p.n <= length(r.name) - 2 WHERE r.team_id = new.team_id"
        " UNION ALL SELECT r.team_id, substr(lower(r.name), p.n, 1), r.privacy_rank,"
        " r.sort_key FROM rooms_mirroredroom r JOIN rooms_mirroredroom_gram_at p"
        " ON p.n <= length(r.name) WHERE r.team_id = new.team_id ORDER BY 1, 2, 3, 4;"
        " END"
    ),
}
_SQLITE_REBUILD = (
    "INSERT OR REPLACE INTO rooms_mirroredroom_grams"
    " SELECT r.team_id, substr(lower(r.name), p.n, 3), r.privacy_rank, r.sort_key"
    " FROM rooms_mirroredroom r JOIN rooms_mirroredroom_gram_at p"
    " ON p.n <= length(r.name) - 2"
    " UNION ALL SELECT r.team_id, substr(lower(r.name), p.n, 1), r.privacy_rank, r.sort_key"
    " FROM rooms_mirroredroom r JOIN rooms_mirroredroom_gram_at p"
    " ON p.n <= length(r.name) ORDER BY 1, 2, 3, 4"
)
_SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS rooms_mirroredroom_grams (team_id INTEGER NOT NULL,"
    " gram TEXT NOT NULL, privacy_rank INTEGER NOT NULL, sort_key TEXT NOT NULL,"
    " PRIMARY KEY (team_id, gram, privacy_rank, sort_key)) WITHOUT ROWID"
)
_SQLITE_POSITIONS = "CREATE TABLE IF NOT EXISTS rooms_mirroredroom_gram_at (n INTEGER PRIMARY KEY)"
CHECK_SECONDS = 60.0
_checked: dict[str, tuple[float, bool]] = {}
_NEEDED_COLUMNS = {"team_id", "name", "sort_key", "privacy_rank"}


def serves(needle: str) -> bool:
    return bool(needle) and set(needle) <= _SERVED


def grams(needle: str) -> list[str]:
    """The grams of `needle` lower-cased (a served needle: ASCII) that a room containing it
    holds: its distinct trigrams, at most MAX_GRAMS of them, spread over it; for one or two
    characters, its letters (any room containing the term holds each of them, and a
    trigram of the term is never commoner than a letter of it)."""
    lowered = needle.lower()
    if len(lowered) < 3:
        return list(dict.fromkeys(lowered))
    found = list(dict.fromkeys(lowered[i : i + 3] for i in range(len(lowered) - 2)))
    if len(found) <= MAX_GRAMS:
        return found
    step = len(found) / MAX_GRAMS
    return [found[int(i * step)] for i in range(MAX_GRAMS)]


def ensure(cursor: Any) -> bool:
    """On a cursor of Django's SQLite connection: the table, its positions and its
    triggers where missing, then, when anything was missing, the table rebuilt from the
    rooms. False when the rooms table has not the columns the triggers read (a database
    migrated to before 0007)."""
    cursor.execute(f"PRAGMA table_xinfo({ROOMS})")
    if not {row[1] for row in cursor.fetchall()} >= _NEEDED_COLUMNS:
        return False
    present = _sqlite_present(cursor)
    missing = [name for name in (TABLE, POSITIONS, *_SQLITE_TRIGGERS) if name not in present]
    if not missing:
        return True
    for name in _sqlite_stale(cursor):  # of an earlier version: they write other grams
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(_SQLITE_TABLE)
    cursor.execute(_SQLITE_POSITIONS)
    cursor.execute(
        "INSERT OR IGNORE INTO rooms_mirroredroom_gram_at (n)"
        " WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s)"
        " SELECT n FROM s",
        [MAX_NAME],
    )
    for name, sql in _SQLITE_TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")  # one of an earlier definition
        cursor.execute(sql)
    cursor.execute("DELETE FROM rooms_mirroredroom_grams")
    cursor.execute(_SQLITE_REBUILD)
    log.info(
        "rooms search: trigrams of room names in name order (re)built (%s)", ", ".join(missing)
    )
    return True


def _sqlite_present(cursor: Any) -> set[str]:
    names = [TABLE, POSITIONS, *_SQLITE_TRIGGERS]
    cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rooms_mirroredroom_gram%'")
    return {row[0] for row in cursor.fetchall()} & set(names)


def _sqlite_stale(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        " AND name LIKE 'rooms_mirroredroom_grams%'"
    )
    return sorted({row[0] for row in cursor.fetchall()} - set(_SQLITE_TRIGGERS))


def available(connection: Any) -> bool:
    """Whether the table and its triggers are in place on `connection` (Django's); looked
    at once per CHECK_SECONDS per process (a `migrate` elsewhere may re-create them)."""
    now = time.monotonic()
    seen = _checked.get(connection.alias)
    if seen is not None and now - seen[0] < CHECK_SECONDS:
        return seen[1]
    ok = _present(connection)
    _checked[connection.alias] = (now, ok)
    return ok


def forget(alias: str) -> None:
    _checked.pop(alias, None)


def _present(connection: Any) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return len(_sqlite_present(cursor)) == 2 + len(_SQLITE_TRIGGERS)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass"
                " AND tgname LIKE %s AND NOT tgisinternal",
                [ROOMS, TABLE + "%"],
            )
            return cursor.fetchone()[0] == 4  # added, removed, update, truncate
    return False


# The name part of the key (after the one separator) contains the term, any case: on
# SQLite LIKE ignores the case of ASCII letters, as the search's own LIKE does; on
# PostgreSQL, LOWER in the name's collation, as the search's LOWER(name).
_CONTAINS = {
    "sqlite": "sort_key LIKE %s",
    "postgresql": 'LOWER(sort_key COLLATE "default") LIKE %s',
}
_RAREST = (
    "SELECT count(*) FROM (SELECT 1 FROM rooms_mirroredroom_grams"
    " WHERE team_id = %s AND gram = %s LIMIT %s) t"
)
RANKS = range(4)  # rooms.models.privacy_rank's values
_COUNT = {
    vendor: (
        "SELECT count(*) FROM (SELECT 1 FROM rooms_mirroredroom_grams"  # noqa: S608
        f" WHERE team_id = %s AND gram = %s AND {contains} LIMIT %s) t"
    )
    for vendor, contains in _CONTAINS.items()
}


def _pattern(needle: str) -> str:
    from rooms.models import SORT_KEY_SEPARATOR

    return f"%{SORT_KEY_SEPARATOR}%{needle.lower()}%"


def rarest(connection: Any, team_id: int, needle: str) -> tuple[str, int]:
    """The trigram of `needle` in fewest of the team's rooms (counted up to COUNT_CAP),
    and that count: 0 means no room contains `needle`. One query for all the trigrams
    (one row of counts): on PostgreSQL each round trip of a page costs ~0.3 ms."""
    candidates = grams(needle)
    counts = ", ".join(f"({_RAREST})" for _ in candidates)  # constant SQL, %s for values
    params: list[Any] = []
    for gram in candidates:
        params += [team_id, gram, COUNT_CAP]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}", params)
        found = cursor.fetchone()
    best, fewest = "", COUNT_CAP + 1
    for gram, rows in zip(candidates, found, strict=True):
        if rows < fewest:
            best, fewest = gram, rows
    return best, fewest


# A page of a search in one query, constant SQL made from the constants above (no value is
# formatted in): the trigram's rows in the sort's order, keeping those whose name contains
# the term (the name sort reads each privacy rank's rows in order and the ORDER BY merges
# them; the privacy sort reads the ranks one after the other, as the key orders them),
# joined to the rooms by their index (team, sort_key), which carries the columns a row
# shows.
_WALK_RANK = (
    "SELECT * FROM (SELECT sort_key, privacy_rank FROM rooms_mirroredroom_grams"
    " WHERE team_id = %s AND gram = %s AND {contains} AND privacy_rank = {rank}"
    " ORDER BY sort_key {order} LIMIT %s) g{rank}"
)
_PAGE = {
    (vendor, sort, order): (
        "SELECT r.name, r.privacy, r.created_at FROM ("  # noqa: S608
        + (
            " UNION ALL ".join(
                _WALK_RANK.format(contains=contains, rank=rank, order=order) for rank in RANKS
            )
            if sort == "name"
            else "SELECT sort_key, privacy_rank FROM rooms_mirroredroom_grams"  # noqa: S608
            f" WHERE team_id = %s AND gram = %s AND {contains}"
            f" ORDER BY privacy_rank {order}, sort_key {order} LIMIT %s OFFSET %s"
        )
        + ") w JOIN rooms_mirroredroom r ON r.team_id = %s AND r.sort_key = w.sort_key"
        + f" ORDER BY {'' if sort == 'name' else f'w.privacy_rank {order}, '}w.sort_key {order}"
        + (" LIMIT %s OFFSET %s" if sort == "name" else "")
    )
    for vendor, contains in _CONTAINS.items()
    for sort in ("name", "privacy")
    for order in ("ASC", "DESC")
}


def page(
    connection: Any,
    team_id: int,
    needle: str,
    gram: str,
    *,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> list[tuple]:
    """The rows (name, privacy, created_at) of the team's rooms whose name contains
    `needle` (any case), in the order of `sort` ("name" or "privacy", reversed when
    `descending`), from `offset`, at most `limit`: the walk of the trigram's rows and
    the rooms it names in one query. `gram` is a trigram of `needle` (`rarest`)."""
    order = "DESC" if descending else "ASC"
    pattern = _pattern(needle)
    if sort == "privacy":
        params: list[Any] = [team_id, gram, pattern, limit, offset, team_id]
    else:
        params = []
        for _ in RANKS:
            params += [team_id, gram, pattern, offset + limit]
        params += [team_id, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(_PAGE[connection.vendor, sort, order], params)
        return [tuple(row) for row in cursor.fetchall()]


def count(connection: Any, team_id: int, needle: str, gram: str, cap: int) -> int:
    """How many of the team's rooms contain `needle` (any case), counted up to `cap`."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT[connection.vendor], [team_id, gram, _pattern(needle), cap])
        return cursor.fetchone()[0]
