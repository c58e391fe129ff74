"""Hand-made attendance rows for the report tests, and figures computed independently.

The independent computation is deliberately naive: plain Python over the rows, with the
classic sort-and-merge interval union, nothing shared with `attendance.reports`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from attendance.models import Attendance, Meeting
from teams.models import Team

UTC = dt.UTC
_keys = itertools.count(1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def meeting(
    team: Team,
    room: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    peak: int | None = None,
) -> Meeting:
    return Meeting.objects.create(
        team=team,
        key=f"m{next(_keys)}",
        room=room,
        start=start,
        end=end,
        ongoing=end is None,
        duration=None if end is None else int((end - start).total_seconds()),
        max_participants=peak,
    )


def session(
    m: Meeting,
    identity: str,
    join: dt.datetime,
    leave: dt.datetime | None = None,
    *,
    guest: bool = False,
    name: str = "",
) -> Attendance:
    row = Attendance.objects.create(
        meeting=m,
        team=m.team,
        room=m.room,
        session_key=f"s{next(_keys)}",
        identity=identity,
        is_guest=guest,
        user_name=name,
        join=join,
        leave=leave,
        duration=None if leave is None else int((leave - join).total_seconds()),
    )
    Meeting.objects.filter(pk=m.pk).update(session_count=m.sessions.count())
    return row


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of [start, end) intervals: sort, merge, add up."""
    total = 0.0
    current: list[float] | None = None
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = [start, end]
        else:
            current[1] = max(current[1], end)
    if current is not None:
        total += current[1] - current[0]
    return total


@dataclass
class Expected:
    meetings: set = field(default_factory=set)
    sessions: int = 0
    seconds: float = 0.0
    first_join: dt.datetime | None = None
    last_leave: dt.datetime | None = None
    still_in: bool = False


def expected_people(
    team: Team,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    *,
    room: str = "",
    person: str = "",
    guests: bool = False,
    min_percent: int | None = None,
) -> dict[tuple[str, int], Expected]:
    """People figures from the rows, the slow and obvious way."""
    meetings = [
        m
        for m in Meeting.objects.filter(team=team)
        if start <= m.start < end and (not room or m.room == room)
    ]
    out: dict[tuple[str, int], Expected] = {}
    for m in meetings:
        m_end = m.end or now
        length = (m_end - m.start).total_seconds()
        by_person: dict[tuple[str, int], list[Attendance]] = defaultdict(list)
        for s in m.sessions.all():
            if s.is_guest and not guests:
                continue
            if person and s.identity != person:
                continue
            by_person[(s.identity, s.pk if s.is_guest else 0)].append(s)
        for key, rows in by_person.items():
            spans = [(s.join, min(s.leave or m_end, m_end)) for s in rows]
            seconds = union_seconds([(a.timestamp(), b.timestamp()) for a, b in spans])
            if min_percent and seconds * 100 < min_percent * length:
                continue
            e = out.setdefault(key, Expected())
            e.meetings.add(m.pk)
            e.sessions += len(rows)
            e.seconds += seconds
            first = min(a for a, _ in spans)
            last = max(b for _, b in spans)
            e.first_join = first if e.first_join is None else min(e.first_join, first)
            e.last_leave = last if e.last_leave is None else max(e.last_leave, last)
            e.still_in = e.still_in or any(s.leave is None for s in rows)
    return out
