"""Reading the report summaries (attendance.rollups) for a report's range.

A range [start, end) (midnights in the team's time zone) is tiled by the fewest stored
periods: 15-minute slots up to the first UTC midnight, whole UTC days up to the first
month, whole months, then days and slots again at the other end; every run of days that
holds a whole week (Monday to Monday, UTC) reads its weeks instead (a 30-day range: about
4 week rows and 2 to 8 day rows per room, not 30 day rows). Every time zone's
midnight falls on a quarter hour (today's offsets are whole quarters of an hour); a range
whose ends do not (a historical offset) is not tiled, and the reports then compute from
the raw rows.

The summaries hold ended meetings (`Meeting.summarised`); the others, ongoing or written
without a summary, are read from the raw rows through their partial index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from attendance.models import Grain
from attendance.reports.sql import param
from attendance.rollups import SLOT, WEEK, day_of, month_of, next_month, week_of

Piece = tuple[int, dt.datetime, dt.datetime]  # (grain, from, to)


def _on_slot(moment: dt.datetime) -> bool:
    m = moment.astimezone(dt.UTC)
    return m.second == 0 and m.microsecond == 0 and m.minute % 15 == 0


def _days(lo: dt.datetime, hi: dt.datetime) -> list[Piece]:
    """Whole UTC days [lo, hi): their whole weeks as weeks, the days around as days."""
    first = week_of(lo) if week_of(lo) == lo else week_of(lo) + WEEK
    last = week_of(hi)
    if first >= last:
        return [(Grain.DAY, lo, hi)] if lo < hi else []
    out: list[Piece] = []
    if lo < first:
        out.append((Grain.DAY, lo, first))
    out.append((Grain.WEEK, first, last))
    if last < hi:
        out.append((Grain.DAY, last, hi))
    return out


def pieces(start: dt.datetime, end: dt.datetime, *, finest: int = Grain.SLOT) -> list[Piece] | None:
    """The periods tiling [start, end), or None when its ends are not on slots.

    `finest`: the smallest grain to use (a caller that needs days only at the ends can
    still get slots there: edges finer than a day are always slots)."""
    if not (_on_slot(start) and _on_slot(end)):
        return None
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    if end <= start:
        return []
    out: list[Piece] = []
    first_day = day_of(start) if day_of(start) == start else day_of(start) + dt.timedelta(days=1)
    last_day = day_of(end)
    if first_day >= last_day:
        return [(Grain.SLOT, start, end)]
    if start < first_day:
        out.append((Grain.SLOT, start, first_day))
    first_month = month_of(first_day)
    if first_month != first_day:
        first_month = next_month(first_month)
    last_month = month_of(last_day)
    if first_month < last_month and finest <= Grain.MONTH:
        out += _days(first_day, first_month)
        out.append((Grain.MONTH, first_month, last_month))
        out += _days(last_month, last_day)
    else:
        out += _days(first_day, last_day)
    if last_day < end:
        out.append((Grain.SLOT, last_day, end))
    return out


def where(ps: Sequence[Piece], alias: str = "") -> tuple[str, list[Any]]:
    """`(grain = .. AND start >= .. AND start < ..) OR ...` for these pieces."""
    p = f"{alias}." if alias else ""
    parts, params = [], []
    for grain, lo, hi in ps:
        parts.append(f"({p}grain = %s AND {p}start >= %s AND {p}start < %s)")
        params += [grain, param(lo), param(hi)]
    return "(" + (" OR ".join(parts) or "1 = 0") + ")", params


def union(
    ps: Sequence[Piece], select: str, table: str, conditions: str, params: Sequence[Any]
) -> tuple[str, list[Any]]:
    """`SELECT {select} FROM {table} WHERE {conditions} AND <piece>` UNION ALL per piece:
    each a range scan of the (team, [room,] grain, start) index."""
    parts, out = [], []
    for grain, lo, hi in ps:
        parts.append(
            f"SELECT {select} FROM {table} WHERE {conditions}"  # noqa: S608 (constants only)
            " AND grain = %s AND start >= %s AND start < %s"
        )
        out += [*params, grain, param(lo), param(hi)]
    if not parts:
        parts.append(f"SELECT {select} FROM {table} WHERE 1 = 0")  # noqa: S608
    return " UNION ALL ".join(parts), out


def slot_edges(ps: Sequence[Piece]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slot pieces' bounds (the parts of the range finer than a day)."""
    return [(lo, hi) for grain, lo, hi in ps if grain == Grain.SLOT]


def people(
    team_id: int, rooms: Sequence[str], ps: Sequence[Piece], start: dt.datetime, end: dt.datetime
) -> tuple[str, list[Any]]:
    """Rows (room, identity) of the identified people in these rooms' meetings of the range
    (room "" alone: the whole team's, as room ""), duplicates included.

    Whole days: the people who were ever there (Grain.EVER) with a day in the range, each
    an index probe that stops at the first day found (a subquery with LIMIT, which
    PostgreSQL keeps per row: as EXISTS it becomes a hash join over every day row).
    The ends finer than a day: the stored presence of those hours. The meetings not
    summarised: their sessions."""
    team_level = list(rooms) == [""]
    listed = ", ".join(["%s"] * len(rooms))
    in_rooms = "" if team_level else f" AND room IN ({listed})"
    rooms_params = [] if team_level else list(rooms)
    as_room = "''" if team_level else "room"
    parts: list[str] = []
    params: list[Any] = []
    whole = [(lo, hi) for grain, lo, hi in ps if grain != Grain.SLOT]
    if whole:
        parts.append(
            f"""SELECT e.room, e.identity FROM attendance_roompersonperiod e
            WHERE e.team_id = %s AND e.room IN ({listed}) AND e.grain = %s
              AND (
                SELECT 1 FROM attendance_roompersonperiod p
                WHERE p.team_id = e.team_id AND p.room = e.room AND p.identity = e.identity
                  AND p.grain = %s AND p.start >= %s AND p.start < %s
                LIMIT 1) IS NOT NULL"""  # noqa: S608
        )
        lo, hi = min(w[0] for w in whole), max(w[1] for w in whole)
        params += [team_id, *rooms, Grain.EVER, Grain.DAY, param(lo), param(hi)]
    for lo, hi in slot_edges(ps):
        parts.append(
            f"SELECT {as_room}, identity FROM attendance_meetingpresence"  # noqa: S608
            f" WHERE team_id = %s AND start >= %s AND start < %s{in_rooms}"
        )
        params += [team_id, param(lo), param(hi), *rooms_params]
    parts.append(
        f"""SELECT {"''" if team_level else "m.room"}, a.identity FROM attendance_meeting m
        JOIN attendance_attendance a ON a.meeting_id = m.id
        WHERE m.team_id = %s AND m.summarised = %s AND m.start >= %s AND m.start < %s
          AND NOT a.is_guest{in_rooms.replace("room", "m.room")}"""  # noqa: S608
    )
    params += [team_id, False, param(start), param(end), *rooms_params]
    return " UNION ALL ".join(parts), params


def month_people(
    team_id: int, rooms: Sequence[str], start: dt.datetime, end: dt.datetime
) -> tuple[str, list[Any]] | None:
    """Rows (room, identity) of the identified people in these rooms' meetings (room ""
    alone: the team's) of [start, end), duplicates included, from the people's month rows:
    one row per person and UTC month the range touches; None when the range holds a part
    of a UTC month that is neither its beginning nor its end (a range shorter than a month
    inside one), which the first and last start cannot answer.

    A person's meetings of a UTC month started between their row's first and last start:
    one started in a range holding the month's end when the last start is in the range,
    in one holding its beginning when the first start is (a month of the team's time
    zone: the end of one UTC month and most of the next, or the other way round). The
    meetings not summarised: their sessions, as in `people`."""
    if end <= start or not rooms:
        return None
    months: list[dt.datetime] = []
    m = month_of(start)
    while m < end:
        following = next_month(m)
        if start > m and end < following:
            return None
        months.append(m)
        m = following
    listed = ", ".join(["%s"] * len(rooms))
    starts = ", ".join(["%s"] * len(months))
    team_level = list(rooms) == [""]
    in_rooms = "" if team_level else f" AND m.room IN ({listed})"
    sql = f"""SELECT room, identity FROM attendance_roompersonperiod
        WHERE team_id = %s AND room IN ({listed}) AND grain = %s AND start IN ({starts})
          AND last_start >= %s AND first_start < %s
        UNION ALL
        SELECT {"''" if team_level else "m.room"}, a.identity FROM attendance_meeting m
        JOIN attendance_attendance a ON a.meeting_id = m.id
        WHERE m.team_id = %s AND m.summarised = %s AND m.start >= %s AND m.start < %s
          AND NOT a.is_guest{in_rooms}"""  # noqa: S608 (constants only)
    params: list[Any] = [team_id, *rooms, Grain.MONTH, *[param(x) for x in months]]
    params += [param(start), param(end)]
    params += [team_id, False, param(start), param(end), *([] if team_level else rooms)]
    return sql, params


__all__ = ["SLOT", "Piece", "month_people", "people", "pieces", "slot_edges", "union", "where"]
