"""The rooms report: per room, meetings, minutes in use, peak, people, last used.

Without a person filter, every figure comes from the report summaries
(attendance.rollups: RoomPeriod for the range's periods and each room's last use,
RoomPersonPeriod and the stored presence for distinct people) and the few meetings not
summarised; with one, from the person's meetings, room by room.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window

from attendance.models import Grain, Meeting
from attendance.reports import periods
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import (
    attended_by,
    filtered_meetings_sql,
    meeting_end,
    meeting_length,
)
from attendance.reports.pages import page_of
from attendance.reports.sql import dialect, fetch_all, param, placeholders, stream

ORDERS = {
    "-meetings": ("-meetings", "room"),
    "-minutes": (F("length").desc(nulls_last=True), "room"),
    "-peak": (F("peak").desc(nulls_last=True), "room"),
    "-last_used": ("-last_used", "room"),
    "last_used": ("last_used", "room"),
    "room": ("room",),
}


@dataclass
class RoomRow:
    room: str
    meetings: int
    length: dt.timedelta | None
    peak: int | None
    last_used: dt.datetime
    in_use: bool
    people: int = 0
    guests: int = 0

    @property
    def minutes(self) -> float:
        return (self.length.total_seconds() if self.length else 0) / 60


def rooms_queryset(f: ReportFilters) -> QuerySet:
    """One row per room of the synced history: figures of the range, last use of all time."""
    meetings = Meeting.objects.filter(team=f.team)
    if f.room:
        meetings = meetings.filter(room=f.room)
    if f.person:
        meetings = meetings.filter(attended_by(f.person))
    in_range = Q(start__gte=f.start, start__lt=f.end)
    qs = meetings.values("room").annotate(
        meetings=Count("id", filter=in_range),
        length=Sum(meeting_length(f.now), filter=in_range),
        peak=Max("max_participants", filter=in_range),
        last_used=Max(meeting_end(f.now)),
        in_use=Count("id", filter=Q(ongoing=True, end__isnull=True)),
    )
    if f.unused_days:
        qs = qs.filter(last_used__lte=f.now - dt.timedelta(days=f.unused_days))
    else:
        qs = qs.filter(meetings__gt=0)
    return qs.order_by(*ORDERS.get(f.sort, ORDERS["-meetings"]))


def _people(f: ReportFilters, rooms: list[str]) -> dict[str, tuple[int, int]]:
    """(distinct identified people, guest sessions) per room in the range: one query."""
    if not rooms:
        return {}
    # The range and the person; the room is each listed room in turn (below).
    where, params = filtered_meetings_sql(replace(f, room=""))
    counts = (
        "COUNT(DISTINCT a.identity) FILTER (WHERE NOT a.is_guest) AS people,"
        " COUNT(*) FILTER (WHERE a.is_guest) AS guests"
    )
    sessions = "attendance_meeting m JOIN attendance_attendance a ON a.meeting_id = m.id"
    # Only constants are formatted in; every value is a parameter.
    if dialect().vendor == "postgresql":
        # Room by room (a LATERAL join): each room's meetings of the range through the
        # (team, room, start) index, their sessions through the meeting index, and a sort
        # of that room's sessions only to count distinct people. Grouped by room in one
        # aggregate instead, PostgreSQL scans all the team's sessions, or sorts all the
        # rooms' sessions together: twice as slow.
        sql = f"""
SELECT r.room, c.people, c.guests
FROM unnest(%s::text[]) AS r(room)
CROSS JOIN LATERAL (
    SELECT {counts} FROM {sessions} WHERE m.room = r.room AND {where}
) c"""  # noqa: S608
        params = [rooms, *params]
    else:
        # SQLite goes room by room from the (team, room, start) index itself.
        sql = f"""
SELECT m.room, {counts} FROM {sessions}
WHERE m.room IN ({placeholders(rooms)}) AND {where}
GROUP BY m.room"""  # noqa: S608
        params = [*rooms, *params]
    return {room: (int(people), int(guests)) for room, people, guests in fetch_all(sql, params)}


def _rows(f: ReportFilters, raw: list[dict]) -> list[RoomRow]:
    counts = _people(f, [r["room"] for r in raw])
    out = []
    for r in raw:
        people, guests = counts.get(r["room"], (0, 0))
        out.append(
            RoomRow(
                room=r["room"],
                meetings=r["meetings"],
                length=r["length"],
                peak=r["peak"],
                last_used=r["last_used"],
                in_use=bool(r["in_use"]),
                people=people,
                guests=guests,
            )
        )
    return out


# -- from the report summaries (attendance.rollups) --------------------------------------
_SORTS = {
    "-meetings": "meetings DESC, a.room",
    "-minutes": "seconds DESC NULLS LAST, a.room",
    "-peak": "peak DESC NULLS LAST, a.room",
    "-last_used": "last_used DESC, a.room",
    "last_used": "last_used ASC, a.room",
    "room": "a.room",
}


def _summary_query(f: ReportFilters, ps: list) -> tuple[str, list[Any]]:
    """Every room's figures from the summaries: the range's periods and the meetings not
    summarised (ongoing, or written without a summary), with last use of all time."""
    d = dialect()
    room_sql = " AND room = %s" if f.room else ""
    room = [f.room] if f.room else []
    ranged, params = periods.union(
        ps,
        "room, meetings, seconds, peak, guests",
        "attendance_roomperiod",
        f"team_id = %s AND room <> ''{room_sql}",
        [f.team.pk, *room],
    )
    ended = 'COALESCE(m."end", %s)'
    length = f"{d.epoch(ended)} - {d.epoch('m.start')}"
    rest = f"""attendance_meeting m WHERE m.team_id = %s AND m.summarised = %s{
        room_sql.replace("room", "m.room")
    }"""
    # Only constants are formatted in (the order comes from _SORTS); values are parameters.
    sql = f"""
WITH ranged AS (
    SELECT room, SUM(meetings) AS meetings, SUM(seconds) AS seconds, MAX(peak) AS peak,
           SUM(guests) AS guests
    FROM (
        {ranged}
        UNION ALL
        SELECT m.room, 1, {length}, m.max_participants,
               (SELECT COUNT(*) FROM attendance_attendance a
                WHERE a.meeting_id = m.id AND a.is_guest)
        FROM {rest} AND m.start >= %s AND m.start < %s
    ) r
    GROUP BY room
),
alltime AS (
    SELECT room, MAX(last_used) AS last_used, SUM(in_use) AS in_use
    FROM (
        SELECT room, last_end AS last_used, 0 AS in_use
        FROM attendance_roomperiod
        WHERE team_id = %s AND grain = %s AND room <> ''{room_sql}
        UNION ALL
        SELECT m.room, MAX(COALESCE(m."end", %s)),
               SUM(CASE WHEN m.ongoing AND m."end" IS NULL THEN 1 ELSE 0 END)
        FROM {rest}
        GROUP BY m.room
    ) t
    GROUP BY room
)
SELECT a.room, COALESCE(r.meetings, 0) AS meetings, r.seconds AS seconds, r.peak AS peak,
       a.last_used AS last_used, a.in_use, COALESCE(r.guests, 0), COUNT(*) OVER () AS total
FROM alltime a LEFT JOIN ranged r ON r.room = a.room
WHERE {"a.last_used <= %s" if f.unused_days else "r.meetings > 0"}
ORDER BY {_SORTS.get(f.sort, _SORTS["-meetings"])}"""  # noqa: S608
    now = param(f.now)
    params = [
        *params,
        now,
        f.team.pk,
        False,
        *room,
        param(f.start),
        param(f.end),
        f.team.pk,
        Grain.EVER,
        *room,
        now,
        f.team.pk,
        False,
        *room,
    ]
    if f.unused_days:
        params.append(param(f.now - dt.timedelta(days=f.unused_days)))
    return sql, params


def _summary_people(f: ReportFilters, ps: list, rooms: list[str]) -> dict[str, int]:
    """Distinct identified people per listed room in the range, from the summaries."""
    if not rooms:
        return {}
    sql, params = periods.people(f.team.pk, rooms, ps, f.start, f.end)
    counted = f"SELECT room, COUNT(DISTINCT identity) FROM ({sql}) p GROUP BY room"  # noqa: S608
    return {room: int(n) for room, n in fetch_all(counted, params)}


def _summary_rows(f: ReportFilters, ps: list, raw: list[tuple]) -> list[RoomRow]:
    people = _summary_people(f, ps, [r[0] for r in raw])
    return [
        RoomRow(
            room=r[0],
            meetings=int(r[1]),
            length=None if r[2] is None else dt.timedelta(seconds=float(r[2])),
            peak=r[3],
            last_used=_moment(r[4]),
            in_use=bool(r[5]),
            people=people.get(r[0], 0),
            guests=int(r[6]),
        )
        for r in raw
    ]


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _pieces(f: ReportFilters) -> list | None:
    return None if f.person else periods.pieces(f.start, f.end)


def rooms_page(f: ReportFilters) -> Page:
    ps = _pieces(f)
    if ps is not None:
        sql, params = _summary_query(f, ps)

        def fetch_summary(limit: int, offset: int) -> tuple[list[tuple], int | None]:
            rows = fetch_all(f"{sql}\nLIMIT %s OFFSET %s", [*params, limit, offset])
            return rows, (int(rows[0][-1]) if rows else None)

        page = page_of(fetch_summary, f.page)
        page.object_list = _summary_rows(f, ps, list(page.object_list))
        return page
    # The total comes with the page (COUNT(*) OVER () of the grouped rows): the per-room
    # aggregation reads the team's whole history (for "last used"), so running it once
    # for a COUNT and again for the page would double the page's cost.
    qs = rooms_queryset(f).annotate(total=Window(Count("*")))

    def fetch(limit: int, offset: int) -> tuple[list[dict], int | None]:
        raw = list(qs[offset : offset + limit])
        return raw, (raw[0]["total"] if raw else None)

    page = page_of(fetch, f.page)
    page.object_list = _rows(f, list(page.object_list))
    return page


def room_rows(f: ReportFilters, chunk: int = 500) -> Iterator[RoomRow]:
    ps = _pieces(f)
    if ps is not None:
        sql, params = _summary_query(f, ps)
        rows: list[tuple] = []
        for r in stream(sql, params, chunk):
            rows.append(r)
            if len(rows) >= chunk:
                yield from _summary_rows(f, ps, rows)
                rows = []
        yield from _summary_rows(f, ps, rows)
        return
    batch: list[dict] = []
    for r in rooms_queryset(f).iterator(chunk_size=chunk):
        batch.append(r)
        if len(batch) >= chunk:
            yield from _rows(f, batch)
            batch = []
    yield from _rows(f, batch)
