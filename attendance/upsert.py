"""Writing a batch of Daily's meetings: the upsert of meetings and sessions, and their summaries.

`write_meetings` is what the sync does with each batch (attendance.sync), in one
transaction: every string cleaned (attendance.quarantine.clean), then upserted on the
unique keys, so writing a meeting twice updates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

import daily
from attendance.models import Attendance, Meeting
from attendance.quarantine import clean
from attendance.reports import known
from attendance.summary import summarise
from teams.models import Team

if TYPE_CHECKING:
    import psycopg

# Columns written by the upsert, in the order of the rows built below. On a conflict
# every column but the key is overwritten with Daily's latest figures.
MEETING_COLUMNS = (
    "key",
    "upstream_id",
    "room",
    "start",
    "end",
    "ongoing",
    "duration",
    "max_participants",
    "session_count",
    "synced_at",
    "summarised",  # an ended meeting's summary is written with it (attendance.summary)
)
SESSION_COLUMNS = (
    "room",
    "session_key",
    "identity",
    "is_guest",
    "user_name",
    "join",
    "leave",
    "duration",
)


def meeting_values(m: daily.Meeting, now: datetime) -> tuple:
    """A meeting as the row the sync writes (MEETING_COLUMNS, without the team)."""
    return (
        clean(m.key, 255),
        clean(m.upstream_id, 64),
        clean(m.room, 128),
        m.start,
        m.end,
        m.ongoing,
        m.duration,
        m.max_participants or m.peak_participants,
        len(m.participants),
        now,
        m.end is not None,
    )


def session_values(upstream: daily.Meeting) -> Iterator[tuple]:
    """The meeting's sessions as rows (SESSION_COLUMNS, without the meeting and team)."""
    room = clean(upstream.room, 128)
    keys: set[str] = set()
    for p in upstream.participants:
        key = base = clean(p.session_key, 255)
        # Two sessions with the same natural key (two guests joining in the same
        # minute on the domains API) are kept apart by their order of arrival.
        n = 2
        while key in keys:
            suffix = f"#{n}"
            key = base[: 255 - len(suffix)] + suffix
            n += 1
        keys.add(key)
        yield (
            room,
            key,
            clean(p.identity, 255),
            p.is_guest,
            clean(p.user_name, 255),
            p.join,
            p.leave,
            p.duration,
        )


def write_meetings(team: Team, upstream: Iterable[daily.Meeting]) -> tuple[int, int]:
    """Upsert meetings and their sessions, and summarise them, in one transaction.

    Returns the numbers of meetings and sessions written.
    """
    # One row per key: the same meeting twice in a batch (keys equal once clipped) would
    # make the upsert touch a row twice. The last copy is Daily's latest word.
    upstream = list({clean(m.key, 255): m for m in upstream}.values())
    if not upstream:
        return 0, 0
    now = timezone.now()
    meetings = [meeting_values(m, now) for m in upstream]
    sessions = [list(session_values(m)) for m in upstream]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids, inserted = _upsert_postgresql(team, meetings, sessions)
        else:
            ids, inserted = _upsert_orm(team, meetings, sessions), set()
        summarise(team, ids, flagged=True, inserted=inserted)
        transaction.on_commit(lambda: known.forget(team.pk))
    return len(meetings), sum(len(s) for s in sessions)


# PostgreSQL. Meetings not stored yet (most of a sync: only the overlap with the last run
# comes again) are COPied straight into their tables, with ids drawn from the sequence:
# COPY is the fastest way rows reach a table. The others are COPied into a temporary
# table, then upserted from it with one INSERT ... ON CONFLICT DO UPDATE per table: the
# same semantics as the ORM's bulk upsert (the unique constraints decide insert or update),
# at close to COPY's speed (a multi-row INSERT of thousands of parameters spends most of
# its time building and parsing the statement).
_STAGING = (
    """CREATE TEMPORARY TABLE IF NOT EXISTS attendance_sync_meeting (
        key varchar(255), upstream_id varchar(64), room varchar(128), start timestamptz,
        "end" timestamptz, ongoing boolean, duration integer, max_participants integer,
        session_count integer, synced_at timestamptz, summarised boolean)""",
    """CREATE TEMPORARY TABLE IF NOT EXISTS attendance_sync_session (
        meeting_id bigint, room varchar(128), session_key varchar(255),
        identity varchar(255), is_guest boolean, user_name varchar(255),
        "join" timestamptz, leave timestamptz, duration integer)""",
    # Rows of an earlier batch of this transaction (tests nest it in theirs).
    "TRUNCATE attendance_sync_meeting, attendance_sync_session",
)


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _assignments(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns)


def _upsert_postgresql(
    team: Team, meetings: list[tuple], sessions: list[list[tuple]]
) -> tuple[list[int], set[int]]:
    """Write the batch; return the meetings' ids, and those of the meetings it inserted."""
    from psycopg.errors import UniqueViolation

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: Django's wrapper has no COPY
        ids = _stored_ids(cursor, team, [m[0] for m in meetings])
        new = [i for i, m in enumerate(meetings) if m[0] not in ids]
        old = [i for i, m in enumerate(meetings) if m[0] in ids] if ids else []
        inserted: set[int] = set()
        if new:
            try:
                with transaction.atomic():  # a savepoint
                    copied = _copy_new(cursor, team, meetings, sessions, new)
                ids.update(copied)
                inserted.update(copied.values())
            except UniqueViolation:
                # Another writer (a webhook, a second sync) stored one of them meanwhile:
                # they are upserted with the others, which waits for it and updates.
                old = list(range(len(meetings)))
        if old:
            ids.update(_upsert_staged(cursor, team, meetings, sessions, old))
    return list(ids.values()), inserted


def _stored_ids(cursor: psycopg.Cursor, team: Team, keys: list[str]) -> dict[str, int]:
    """The ids of the meetings of `team` with these keys that are stored (committed)."""
    cursor.execute(
        "SELECT key, id FROM attendance_meeting WHERE team_id = %s AND key = ANY(%s)",
        [team.pk, keys],
    )
    return dict(cursor.fetchall())


def _copy_new(
    cursor: psycopg.Cursor,
    team: Team,
    meetings: list[tuple],
    sessions: list[list[tuple]],
    which: list[int],
) -> dict[str, int]:
    """COPY meetings that were not stored (and their sessions); their keys' new ids."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence('attendance_meeting', 'id'))"
        " FROM generate_series(1, %s)",
        [len(which)],
    )
    drawn = [row[0] for row in cursor.fetchall()]
    m_cols = _quoted(("id", "team_id", *MEETING_COLUMNS))
    with cursor.copy(f"COPY attendance_meeting ({m_cols}) FROM STDIN") as copy:
        for pk, i in zip(drawn, which, strict=True):
            copy.write_row((pk, team.pk, *meetings[i]))
    s_cols = _quoted(("meeting_id", "team_id", *SESSION_COLUMNS))
    with cursor.copy(f"COPY attendance_attendance ({s_cols}) FROM STDIN") as copy:
        for pk, i in zip(drawn, which, strict=True):
            for row in sessions[i]:
                copy.write_row((pk, team.pk, *row))
    return {meetings[i][0]: pk for pk, i in zip(drawn, which, strict=True)}


def _upsert_staged(
    cursor: psycopg.Cursor,
    team: Team,
    meetings: list[tuple],
    sessions: list[list[tuple]],
    which: list[int],
) -> dict[str, int]:
    """Upsert these meetings and their sessions through the temporary tables."""
    m_cols = _quoted(MEETING_COLUMNS)
    s_cols = _quoted(SESSION_COLUMNS)
    for statement in _STAGING:
        cursor.execute(statement)
    with cursor.copy(f"COPY attendance_sync_meeting ({m_cols}) FROM STDIN") as copy:
        for i in which:
            copy.write_row(meetings[i])
    # Only constants are formatted in (the column lists); the team is a parameter.
    cursor.execute(
        f"""INSERT INTO attendance_meeting (team_id, {m_cols})
        SELECT %s, {m_cols} FROM attendance_sync_meeting
        ON CONFLICT (team_id, key) DO UPDATE SET {_assignments(MEETING_COLUMNS[1:])}
        RETURNING key, id""",  # noqa: S608
        [team.pk],
    )
    ids = dict(cursor.fetchall())
    with cursor.copy(f"COPY attendance_sync_session (meeting_id, {s_cols}) FROM STDIN") as copy:
        for i in which:
            meeting_id = ids[meetings[i][0]]
            for row in sessions[i]:
                copy.write_row((meeting_id, *row))
    cursor.execute(
        f"""INSERT INTO attendance_attendance (meeting_id, team_id, {s_cols})
        SELECT meeting_id, %s, {s_cols} FROM attendance_sync_session
        ON CONFLICT (meeting_id, session_key) DO UPDATE SET
            {_assignments([c for c in SESSION_COLUMNS if c != "session_key"])}""",  # noqa: S608
        [team.pk],
    )
    return ids


def _upsert_orm(team: Team, meetings: list[tuple], sessions: list[list[tuple]]) -> list[int]:
    """Other databases (SQLite): the ORM's bulk upsert on the same unique keys."""
    objects = [
        Meeting(team=team, **dict(zip(MEETING_COLUMNS, row, strict=True))) for row in meetings
    ]
    Meeting.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["team", "key"],
        update_fields=list(MEETING_COLUMNS[1:]),
        batch_size=1000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, team=team, **dict(zip(SESSION_COLUMNS, row, strict=True)))
            for meeting, rows in zip(objects, sessions, strict=True)
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["meeting", "session_key"],
        update_fields=[c for c in SESSION_COLUMNS if c != "session_key"],
        batch_size=2000,
    )
    return [m.pk for m in objects]
