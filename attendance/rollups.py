"""The report summaries: what every report adds up, kept per room and period at write time.

A report over a year of a large team would otherwise add up a million meetings and ten
million sessions on each view. Instead, every ended meeting is added up once, when its
sessions are written (in the same transaction, by `attendance.summary.summarise`):

- `MeetingFigures`: the meeting's own figures (length, peak, sessions, guest sessions,
  distinct people, participant-seconds: its people's merged seconds from MeetingPresence
  and its guest sessions' seconds, and the longest guest session) and the room and start
  they were counted under;
- `RoomPeriod`: those figures added up per room and period of the meetings' start, at
  five grains: 15-minute slots (from MeetingFigures), UTC days (from the slots), UTC
  weeks from Monday and UTC months (both from the days) and all time (from the months:
  a room's last use); room "" holds the whole team's sums of the same periods;
- `RoomPersonPeriod`: which identified people were in a room's (or the team's) meetings
  per UTC day (from MeetingPresence), and who ever was (grain EVER: kept a superset, as
  a person is only ever added there): distinct people over a range are the people of
  all time with a day in the range, one index probe each; and per UTC month, with the
  first and last start of their meetings in it (a room's from MeetingPresence, the
  team's from its rooms' rows): a month of the team's time zone (hours off UTC's) is
  the people of two UTC months whose first or last start falls in it, one row each.

Every change is recounted, never patched: the slots a meeting was and is counted in are
added up again from their MeetingFigures rows, then the days and months above them from
the grain below (a few rows each). So a meeting that is written again, moves, gains a
late session or is deleted leaves every sum exactly what the raw rows give. The only
shortcut is for people: a meeting new to its day adds its people to the day (an insert
that ignores the ones already there) and to its month (widening their first and last
start); a day or month that loses or changes a meeting is recounted from
MeetingPresence (the team's month: its changed people, from the rooms' month rows).

Reports read the periods that tile their range (`periods.pieces`) and compute only the
meetings that are not summarised (ongoing ones, and any written without a summary) from
the raw rows, as the people report does with MeetingPresence. A missing summary costs
time, never a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db import connection

from attendance.models import Grain, Meeting
from attendance.reports.sql import dialect, param

SLOT = dt.timedelta(minutes=15)
EVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # the start of Grain.EVER rows
END = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
Key = tuple[str, dt.datetime]  # (room, start of the meeting) as counted


def slot_of(moment: dt.datetime) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def day_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def month_of(moment: dt.datetime) -> dt.datetime:
    return day_of(moment).replace(day=1)


def week_of(moment: dt.datetime) -> dt.datetime:
    """The Monday (UTC) of the moment's week."""
    day = day_of(moment)
    return day - dt.timedelta(days=day.weekday())


WEEK = dt.timedelta(days=7)


def next_month(month: dt.datetime) -> dt.datetime:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _values(rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """A VALUES list of these rows (columns column1, column2, ... on both databases)."""
    width = len(rows[0])
    one = "(" + ", ".join(["%s"] * width) + ")"
    params = [param(v) if isinstance(v, dt.datetime) else v for row in rows for v in row]
    return "VALUES " + ", ".join([one] * len(rows)), params


def _in_chunks(rows: Sequence[Any], size: int = 300) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


# -- what changed ----------------------------------------------------------------------
def counted_keys(meeting_ids: Collection[int]) -> list[Key]:
    """Where these meetings are counted now (their MeetingFigures rows)."""
    if not meeting_ids:
        return []
    ids = list(meeting_ids)
    out: list[Key] = []
    with connection.cursor() as cursor:
        for chunk in _in_chunks(ids, 1000):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT room, start FROM attendance_meetingfigures"  # noqa: S608
                f" WHERE meeting_id IN ({marks})",
                list(chunk),
            )
            out += [(room, _aware(start)) for room, start in cursor.fetchall()]
    return out


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _lock_team(team_id: int) -> None:
    """One writer of a team's sums at a time (attendance.summary takes the same lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM teams_team WHERE id = %s FOR NO KEY UPDATE", [team_id])


def refresh(
    team_id: int, meeting_ids: Sequence[int], inserted: Collection[int] = (), *, lock: bool = False
) -> None:
    """Write the figures of these meetings (the ended ones) and recount every period they
    were or are counted in. Call it in the transaction that wrote their sessions, after
    their MeetingPresence rows (attendance.summary does, holding the team's lock; `lock`
    takes it here when there is something to recount)."""
    if not meeting_ids:
        return
    ids = list(meeting_ids)
    old_ids = [pk for pk in ids if pk not in inserted]
    old = counted_keys(old_ids)
    if lock:
        if not old and not Meeting.objects.filter(pk__in=ids, end__isnull=False).exists():
            return  # nothing counted, nothing to count
        _lock_team(team_id)
    with connection.cursor() as cursor:
        for chunk in _in_chunks(old_ids, 1000):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM attendance_meetingfigures WHERE meeting_id IN ({marks})",  # noqa: S608
                list(chunk),
            )
        new: list[Key] = []
        for chunk in _in_chunks(ids, 1000):
            marks = ", ".join(["%s"] * len(chunk))
            # Only constants are formatted in (placeholders); values are parameters. Each
            # count is a subquery per meeting, through the sessions' meeting index: a join
            # and grouping was planned, under stale statistics (a first sync), as a scan of
            # every session of the table.
            sessions = "FROM attendance_attendance a WHERE a.meeting_id = m.id"
            guest = _guest_seconds()
            cursor.execute(
                f"""INSERT INTO attendance_meetingfigures
                    (meeting_id, team_id, room, start, "end", seconds, peak, sessions, guests,
                     people, participant_seconds, longest_guest)
                SELECT m.id, m.team_id, m.room, m.start, m."end",
                       {_seconds("m.start", 'm."end"')}, m.max_participants,
                       (SELECT COUNT(*) {sessions}),
                       (SELECT COUNT(*) {sessions} AND a.is_guest),
                       (SELECT COUNT(DISTINCT a.identity) {sessions} AND NOT a.is_guest),
                       (SELECT COALESCE(SUM(p.merged), 0) FROM attendance_meetingpresence p
                        WHERE p.meeting_id = m.id)
                       + (SELECT COALESCE(SUM({guest}), 0) {sessions} AND a.is_guest),
                       (SELECT COALESCE(MAX({guest}), 0) {sessions} AND a.is_guest)
                FROM attendance_meeting m
                WHERE m.id IN ({marks}) AND m."end" IS NOT NULL""",  # noqa: S608
                list(chunk),
            )
        new = counted_keys(ids)
        recount(team_id, [*old, *new], fresh=not old)
        _people(cursor, team_id, ids, old)


def _seconds(start: str, end: str) -> str:
    d = dialect()
    return f"({d.epoch(end)} - {d.epoch(start)})"


def _guest_seconds(a: str = "a", m: str = "m") -> str:
    """A guest session's seconds in its ended meeting, as the reports count them
    (`attendance.reports.presence`: one session, nothing to merge): from its join to its
    leave, or the meeting's end when it has none or leaves later; never below zero."""
    d = dialect()
    join, end = d.epoch(f'{a}."join"'), d.epoch(f'{m}."end"')
    leave = d.least(f"COALESCE({d.epoch(f'{a}.leave')}, {end})", end)
    return f"({d.greatest(join, leave)} - {join})"


def recount(team_id: int, keys: Iterable[Key], *, fresh: bool = False) -> None:
    """Add up again every RoomPeriod row these (room, start) are counted in: their slots
    from MeetingFigures, then the team's slots, then the days and months above them.

    `fresh`: no meeting left these periods (meetings new to the summaries only), so none
    can become empty: each is added up again by an upsert, without deleting it first."""
    slots = sorted({(room, slot_of(start)) for room, start in keys})
    if not slots:
        return
    with connection.cursor() as cursor:
        _recount_room_slots(cursor, team_id, slots, fresh)
        times = sorted({s for _, s in slots})
        _recount_team_slots(cursor, team_id, times, fresh)
        days = sorted({(room, day_of(s)) for room, s in slots} | {("", day_of(s)) for s in times})
        _roll_up(
            cursor,
            team_id,
            Grain.SLOT,
            Grain.DAY,
            [(r, d, d + dt.timedelta(days=1)) for r, d in days],
            fresh,
        )
        weeks = sorted({(room, week_of(d)) for room, d in days})
        _roll_up(
            cursor,
            team_id,
            Grain.DAY,
            Grain.WEEK,
            [(r, w, w + WEEK) for r, w in weeks],
            fresh,
        )
        months = sorted({(room, month_of(d)) for room, d in days})
        _roll_up(
            cursor,
            team_id,
            Grain.DAY,
            Grain.MONTH,
            [(r, m, next_month(m)) for r, m in months],
            fresh,
        )
        # Each room's (and the team's) all time: its months added up (last use, mostly).
        rooms = sorted({room for room, _ in months})
        _roll_up(cursor, team_id, Grain.MONTH, Grain.EVER, [(r, EVER, END) for r in rooms], fresh)


_SUMS = (
    'COUNT(*), SUM(f.seconds), MAX(f.peak), SUM(f.sessions), SUM(f.guests), MAX(f."end"),'
    " SUM(f.participant_seconds), MAX(f.longest_guest)"
)
_ROLLED = (
    "SUM(meetings), SUM(seconds), MAX(peak), SUM(sessions), SUM(guests), MAX(last_end),"
    " SUM(participant_seconds), MAX(longest_guest)"
)
_COLUMNS = (
    "team_id, room, grain, start, meetings, seconds, peak, sessions, guests, last_end,"
    " participant_seconds, longest_guest"
)
# A period added up again replaces its row (a recount, not an increment).
_UPSERT = """
    ON CONFLICT (team_id, room, grain, start) DO UPDATE SET meetings = EXCLUDED.meetings,
        seconds = EXCLUDED.seconds, peak = EXCLUDED.peak, sessions = EXCLUDED.sessions,
        guests = EXCLUDED.guests, last_end = EXCLUDED.last_end,
        participant_seconds = EXCLUDED.participant_seconds,
        longest_guest = EXCLUDED.longest_guest"""


def _narrow(keys: Sequence[tuple], alias: str = "", *, exact: bool = False) -> tuple[str, list]:
    """Conditions every row of these (room, start[, end]) keys meets, for the indexes: the
    rooms listed, and the starts (or their span). With them a plan made on stale
    statistics (a table that grew since its last analysis: a first sync) still reads only
    the keys' rows, never every row of the team (a nested loop over VALUES did, 1.5 s a
    statement, until autovacuum analysed the table)."""
    p = f"{alias}." if alias else ""
    rooms = sorted({k[0] for k in keys})
    sql = f" AND {p}room IN ({', '.join(['%s'] * len(rooms))})" if "" not in rooms else ""
    params: list[Any] = rooms if "" not in rooms else []
    if exact:
        starts = sorted({k[1] for k in keys})
        sql += f" AND {p}start IN ({', '.join(['%s'] * len(starts))})"
        return sql, [*params, *[param(t) for t in starts]]
    sql += f" AND {p}start >= %s AND {p}start < %s"
    return sql, [*params, param(min(k[1] for k in keys)), param(max(k[2] for k in keys))]


def _delete_periods(
    cursor: Any, team_id: int, grain: int, keys: Sequence[tuple], table: str = "roomperiod"
) -> None:
    values, params = _values([(room, start) for room, start, *_ in keys])
    narrow, narrow_params = _narrow(keys, exact=True)
    cursor.execute(
        f"DELETE FROM attendance_{table} WHERE team_id = %s AND grain = %s{narrow}"  # noqa: S608
        f" AND (room, start) IN ({values})",
        [team_id, grain, *narrow_params, *params],
    )


def _recount_room_slots(
    cursor: Any, team_id: int, slots: list[tuple[str, dt.datetime]], fresh: bool
) -> None:
    for chunk in _in_chunks(slots):
        keys = [(room, start, start + SLOT) for room, start in chunk]
        if not fresh:
            _delete_periods(cursor, team_id, Grain.SLOT, keys)
        values, params = _values(keys)
        narrow, narrow_params = _narrow(keys, "m")
        # Through the meetings' (team, room, start) index to their figures.
        cursor.execute(
            f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
            SELECT %s, k.column1, %s, k.column2, {_SUMS}
            FROM ({values}) k
            JOIN attendance_meeting m
              ON m.team_id = %s AND m.room = k.column1
             AND m.start >= k.column2 AND m.start < k.column3{narrow}
            JOIN attendance_meetingfigures f ON f.meeting_id = m.id
            WHERE 1 = 1
            GROUP BY k.column1, k.column2{_UPSERT}""",  # noqa: S608
            [team_id, Grain.SLOT, *params, team_id, *narrow_params],
        )


def _recount_team_slots(cursor: Any, team_id: int, times: list[dt.datetime], fresh: bool) -> None:
    for chunk in _in_chunks(times):
        keys = [("", t) for t in chunk]
        if not fresh:
            _delete_periods(cursor, team_id, Grain.SLOT, keys)
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
            SELECT team_id, '', grain, start, {_ROLLED}
            FROM attendance_roomperiod
            WHERE team_id = %s AND grain = %s AND start IN ({marks}) AND room <> ''
            GROUP BY team_id, grain, start{_UPSERT}""",  # noqa: S608
            [team_id, Grain.SLOT, *[param(t) for t in chunk]],
        )


def _roll_up(
    cursor: Any,
    team_id: int,
    below: int,
    grain: int,
    keys: list[tuple[str, dt.datetime, dt.datetime]],
    fresh: bool = False,
) -> None:
    """Add up the `grain` rows (room, start, end) from the rows of the grain below."""
    for chunk in _in_chunks(keys):
        if not fresh:
            _delete_periods(cursor, team_id, grain, chunk)
        values, params = _values(chunk)
        narrow, narrow_params = _narrow(chunk, "p")
        cursor.execute(
            f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
            SELECT %s, k.column1, %s, k.column2, {_ROLLED}
            FROM ({values}) k
            JOIN attendance_roomperiod p
              ON p.team_id = %s AND p.room = k.column1 AND p.grain = %s
             AND p.start >= k.column2 AND p.start < k.column3{narrow}
            WHERE 1 = 1
            GROUP BY k.column1, k.column2{_UPSERT}""",  # noqa: S608
            [team_id, grain, *params, team_id, below, *narrow_params],
        )


# -- people ---------------------------------------------------------------------------
def _trunc(expr: str, grain: int) -> str:
    """The start of the UTC day, week (Monday) or month of a stored datetime, as a
    datetime is stored."""
    if connection.vendor == "postgresql":
        unit = {Grain.DAY: "day", Grain.WEEK: "week", Grain.MONTH: "month"}[grain]
        return f"(date_trunc('{unit}', {expr} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    if grain == Grain.WEEK:  # back 6 days, then on to the first Monday: the week's Monday
        return f"strftime('%Y-%m-%d 00:00:00', {expr}, '-6 days', 'weekday 1')"
    pattern = "%Y-%m-%d 00:00:00" if grain == Grain.DAY else "%Y-%m-01 00:00:00"
    return f"strftime('{pattern}', {expr})"


def _people(cursor: Any, team_id: int, ids: list[int], old: list[Key]) -> None:
    """RoomPersonPeriod after these meetings' MeetingPresence rows were written again:
    the days they were counted in are recounted; their people are added to the days they
    are in now, and to the rooms' (and the team's) people of all time."""
    days = sorted({(room, day_of(start)) for room, start in old})
    if days:
        keys = [*days, *{("", d) for _, d in days}]
        _recount_people_days(cursor, team_id, sorted(set(keys)))
        _recount_people_months(cursor, team_id, sorted({(r, month_of(d)) for r, d in days}))
    month = _trunc("start", Grain.MONTH)
    d = dialect()
    for chunk in _in_chunks(ids, 1000):
        marks = ", ".join(["%s"] * len(chunk))
        for room in ("room", "''"):
            by_room = ", room" if room == "room" else ""
            cursor.execute(
                f"""INSERT INTO attendance_roompersonperiod AS t
                    (team_id, room, grain, start, identity, first_start, last_start)
                SELECT team_id, {room}, %s, {month}, identity, MIN(start), MAX(start)
                FROM attendance_meetingpresence
                WHERE meeting_id IN ({marks})
                GROUP BY team_id{by_room}, {month}, identity
                ON CONFLICT (team_id, room, grain, start, identity) DO UPDATE SET
                    first_start = {d.least("t.first_start", "EXCLUDED.first_start")},
                    last_start = {d.greatest("t.last_start", "EXCLUDED.last_start")}
                WHERE EXCLUDED.first_start < t.first_start
                   OR EXCLUDED.last_start > t.last_start""",  # noqa: S608
                [Grain.MONTH, *chunk],
            )
        for grain, start in ((Grain.DAY, _trunc("start", Grain.DAY)), (Grain.EVER, "%s")):
            for room in ("room", "''"):
                cursor.execute(
                    f"""INSERT INTO attendance_roompersonperiod
                        (team_id, room, grain, start, identity)
                    SELECT DISTINCT team_id, {room}, %s, {start}, identity
                    FROM attendance_meetingpresence
                    WHERE meeting_id IN ({marks})
                    ON CONFLICT DO NOTHING""",  # noqa: S608
                    [grain, *([param(EVER)] if grain == Grain.EVER else []), *chunk],
                )


def _delete_people(cursor: Any, team_id: int, grain: int, keys: Sequence[tuple]) -> None:
    _delete_periods(cursor, team_id, grain, keys, table="roompersonperiod")


def _recount_people_days(cursor: Any, team_id: int, days: list[tuple[str, dt.datetime]]) -> None:
    for chunk in _in_chunks(days):
        keys = [(room, d, d + dt.timedelta(days=1)) for room, d in chunk]
        _delete_people(cursor, team_id, Grain.DAY, keys)
        values, params = _values(keys)
        # Room "" is every room: its key matches any MeetingPresence room.
        cursor.execute(
            f"""INSERT INTO attendance_roompersonperiod (team_id, room, grain, start, identity)
            SELECT DISTINCT %s, k.column1, %s, k.column2, p.identity
            FROM ({values}) k
            JOIN attendance_meetingpresence p
              ON p.team_id = %s AND p.start >= k.column2 AND p.start < k.column3
             AND (k.column1 = '' OR p.room = k.column1)
             AND p.start >= %s AND p.start < %s""",  # noqa: S608
            [
                team_id,
                Grain.DAY,
                *params,
                team_id,
                param(min(k[1] for k in keys)),
                param(max(k[2] for k in keys)),
            ],
        )


def _recount_people_months(
    cursor: Any, team_id: int, months: list[tuple[str, dt.datetime]]
) -> None:
    """The month rows of these (room, month) keys (rooms, not the team) recounted from
    their meetings' MeetingPresence, then the team's month rows of every person whose
    row in one of those rooms was or is there, from that person's rows in every room."""
    rooms = [(room, m, next_month(m)) for room, m in months if room]
    changed: set[tuple[Any, str]] = set()
    for keys in _in_chunks(rooms):
        values, params = _values([(room, m) for room, m, _ in keys])
        narrow, narrow_params = _narrow(keys, exact=True)
        who = (
            "SELECT DISTINCT start, identity FROM attendance_roompersonperiod"  # noqa: S608
            f" WHERE team_id = %s AND grain = %s{narrow} AND (room, start) IN ({values})"
        )
        who_params = [team_id, Grain.MONTH, *narrow_params, *params]
        cursor.execute(who, who_params)
        changed |= set(cursor.fetchall())
        _delete_people(cursor, team_id, Grain.MONTH, keys)
        values, params = _values(keys)
        narrow, narrow_params = _narrow(keys, "m")
        # Through the meetings' (team, room, start) index to their presence rows.
        cursor.execute(
            f"""INSERT INTO attendance_roompersonperiod
                (team_id, room, grain, start, identity, first_start, last_start)
            SELECT %s, k.column1, %s, k.column2, p.identity, MIN(p.start), MAX(p.start)
            FROM ({values}) k
            JOIN attendance_meeting m
              ON m.team_id = %s AND m.room = k.column1
             AND m.start >= k.column2 AND m.start < k.column3{narrow}
            JOIN attendance_meetingpresence p ON p.meeting_id = m.id
            WHERE 1 = 1
            GROUP BY k.column1, k.column2, p.identity""",  # noqa: S608
            [team_id, Grain.MONTH, *params, team_id, *narrow_params],
        )
        cursor.execute(who, who_params)
        changed |= set(cursor.fetchall())
    by_month: dict[Any, list[str]] = {}
    for start, identity in changed:
        by_month.setdefault(start, []).append(identity)
    for start, identities in sorted(by_month.items()):
        for chunk in _in_chunks(sorted(identities)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "DELETE FROM attendance_roompersonperiod"  # noqa: S608
                " WHERE team_id = %s AND room = '' AND grain = %s AND start = %s"
                f" AND identity IN ({marks})",
                [team_id, Grain.MONTH, start, *chunk],
            )
            # Through the month rows' (team, grain, start, identity) index.
            cursor.execute(
                f"""INSERT INTO attendance_roompersonperiod
                    (team_id, room, grain, start, identity, first_start, last_start)
                SELECT team_id, '', grain, start, identity, MIN(first_start), MAX(last_start)
                FROM attendance_roompersonperiod
                WHERE team_id = %s AND grain = %s AND start = %s AND identity IN ({marks})
                  AND room <> ''
                GROUP BY team_id, grain, start, identity""",  # noqa: S608
                [team_id, Grain.MONTH, start, *chunk],
            )


def forget_meetings(team_id: int, meeting_ids: Collection[int]) -> list[Key]:
    """Before deleting meetings: where they are counted (pass it to `recounted` after)."""
    return counted_keys(meeting_ids)


def recounted(team_id: int, keys: list[Key]) -> None:
    """After deleting meetings (their figures and presence go with them): every period
    they were counted in, added up again."""
    if not keys:
        return
    _lock_team(team_id)
    recount(team_id, keys)
    with connection.cursor() as cursor:
        _people(cursor, team_id, [], keys)


# -- a whole team at once -------------------------------------------------------------
def _slot_sql(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_bin('15 minutes', {expr}, TIMESTAMPTZ '2000-01-01 00:00:00+00')"
    # '%%s': Django's SQLite cursor reads a bare %s as a placeholder.
    return f"datetime((CAST(strftime('%%s', {expr}) AS INTEGER) / 900) * 900, 'unixepoch')"


def rebuild(team_id: int) -> None:
    """Every summary of the team's ended meetings written anew, set-based (an upgrade's
    first fill, and bulk loads); its MeetingPresence rows must be written already."""
    d = dialect()
    rolled = f"team_id, room, %s, {{start}}, {_ROLLED}"
    # Only constants are formatted in (names, expressions); values are parameters.
    statements: list[tuple[str, list[Any]]] = [
        ("DELETE FROM attendance_roompersonperiod WHERE team_id = %s", [team_id]),
        ("DELETE FROM attendance_roomperiod WHERE team_id = %s", [team_id]),
        ("DELETE FROM attendance_meetingfigures WHERE team_id = %s", [team_id]),
        (
            f"""INSERT INTO attendance_meetingfigures
                (meeting_id, team_id, room, start, "end", seconds, peak, sessions, guests,
                 people, participant_seconds, longest_guest)
            SELECT m.id, m.team_id, m.room, m.start, m."end",
                   {d.epoch('m."end"')} - {d.epoch("m.start")}, m.max_participants,
                   COUNT(a.id), COALESCE(SUM(CASE WHEN a.is_guest THEN 1 ELSE 0 END), 0),
                   COUNT(DISTINCT CASE WHEN a.is_guest THEN NULL ELSE a.identity END),
                   (SELECT COALESCE(SUM(p.merged), 0) FROM attendance_meetingpresence p
                    WHERE p.meeting_id = m.id)
                   + COALESCE(SUM(CASE WHEN a.is_guest THEN {_guest_seconds()} END), 0),
                   COALESCE(MAX(CASE WHEN a.is_guest THEN {_guest_seconds()} END), 0)
            FROM attendance_meeting m
            LEFT JOIN attendance_attendance a ON a.meeting_id = m.id
            WHERE m.team_id = %s AND m.summarised = %s AND m."end" IS NOT NULL
            GROUP BY m.id""",  # noqa: S608
            [team_id, True],
        ),
        (
            f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
            SELECT team_id, room, %s, {_slot_sql("start")}, {_SUMS}
            FROM attendance_meetingfigures f WHERE team_id = %s
            GROUP BY team_id, room, {_slot_sql("start")}""",  # noqa: S608
            [Grain.SLOT, team_id],
        ),
        (
            f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
            SELECT team_id, '', grain, start, {_ROLLED} FROM attendance_roomperiod
            WHERE team_id = %s AND grain = %s GROUP BY team_id, grain, start""",  # noqa: S608
            [team_id, Grain.SLOT],
        ),
    ]
    for below, grain in (
        (Grain.SLOT, Grain.DAY),
        (Grain.DAY, Grain.WEEK),
        (Grain.DAY, Grain.MONTH),
    ):
        start = _trunc("start", grain)
        statements.append(
            (
                f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
                SELECT {rolled.format(start=start)} FROM attendance_roomperiod
                WHERE team_id = %s AND grain = %s GROUP BY team_id, room, {start}""",  # noqa: S608
                [grain, team_id, below],
            )
        )
    statements.append(
        (
            f"""INSERT INTO attendance_roomperiod ({_COLUMNS})
            SELECT team_id, room, %s, %s, {_ROLLED} FROM attendance_roomperiod
            WHERE team_id = %s AND grain = %s GROUP BY team_id, room""",  # noqa: S608
            [Grain.EVER, param(EVER), team_id, Grain.MONTH],
        )
    )
    day = _trunc("start", Grain.DAY)
    for room in ("room", "''"):
        for grain, start, extra in ((Grain.DAY, day, []), (Grain.EVER, "%s", [param(EVER)])):
            statements.append(
                (
                    f"""INSERT INTO attendance_roompersonperiod
                        (team_id, room, grain, start, identity)
                    SELECT DISTINCT team_id, {room}, %s, {start}, identity
                    FROM attendance_meetingpresence WHERE team_id = %s""",  # noqa: S608
                    [grain, *extra, team_id],
                )
            )
    statements += person_months(team_id)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def person_months(team_id: int) -> list[tuple[str, list[Any]]]:
    """The statements writing every month row of the team's people (rooms and team) from
    MeetingPresence, set-based, into a team without any (`rebuild`, and the upgrade that
    added them)."""
    month = _trunc("start", Grain.MONTH)
    out: list[tuple[str, list[Any]]] = []
    for room in ("room", "''"):
        by_room = ", room" if room == "room" else ""
        out.append(
            (
                f"""INSERT INTO attendance_roompersonperiod
                    (team_id, room, grain, start, identity, first_start, last_start)
                SELECT team_id, {room}, %s, {month}, identity, MIN(start), MAX(start)
                FROM attendance_meetingpresence WHERE team_id = %s
                GROUP BY team_id{by_room}, {month}, identity""",  # noqa: S608
                [Grain.MONTH, team_id],
            )
        )
    return out
