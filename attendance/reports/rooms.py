"""The rooms report: per room, meetings, minutes in use, peak, people, last used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.core.paginator import Page
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window

from attendance.models import Meeting
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import (
    attended_by,
    filtered_meetings_sql,
    meeting_end,
    meeting_length,
)
from attendance.reports.pages import page_of
from attendance.reports.sql import dialect, fetch_all, placeholders

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


def rooms_page(f: ReportFilters) -> Page:
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
    batch: list[dict] = []
    for r in rooms_queryset(f).iterator(chunk_size=chunk):
        batch.append(r)
        if len(batch) >= chunk:
            yield from _rows(f, batch)
            batch = []
    yield from _rows(f, batch)
