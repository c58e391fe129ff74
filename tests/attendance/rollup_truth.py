"""The report summaries as they should be, recounted in plain Python from the raw rows.

Nothing here is shared with `attendance.rollups`: every ended meeting (the ones the sync
marks summarised) is put in its 15-minute slot, UTC day and UTC month, per room and for
the whole team, and its sessions counted directly; each identified person's month rows
hold the first and last start of their meetings in that month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from attendance.models import Attendance, Meeting, MeetingFigures, RoomPeriod, RoomPersonPeriod

UTC = dt.UTC


def _periods(start: dt.datetime) -> list[tuple[int, dt.datetime]]:
    s = start.astimezone(UTC)
    slot = s.replace(minute=s.minute // 15 * 15, second=0, microsecond=0)
    day = s.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = day - dt.timedelta(days=day.weekday())
    ever = dt.datetime(1970, 1, 1, tzinfo=UTC)
    return [(0, slot), (1, day), (2, day.replace(day=1)), (3, ever), (4, monday)]


def _participant_seconds(m: Meeting, rows: list[Attendance]) -> tuple[float, float]:
    """(participant-seconds, longest guest session): each identified person's sessions as
    the union of their intervals, each guest session on its own; a session without a leave,
    or leaving after the end, counts up to the meeting's end."""
    end = m.end.timestamp()
    intervals: dict[str, list[tuple[float, float]]] = defaultdict(list)
    total = longest = 0.0
    for a in rows:
        j = a.join.timestamp()
        leave = min(a.leave.timestamp() if a.leave else end, end)
        l = max(j, leave)  # noqa: E741
        if a.is_guest:
            total += l - j
            longest = max(longest, l - j)
        else:
            intervals[a.identity].append((j, l))
    for spans in intervals.values():
        covered_to = None
        for j, l in sorted(spans):  # noqa: E741
            lo = j if covered_to is None else max(j, covered_to)
            total += max(0.0, l - lo)
            covered_to = l if covered_to is None else max(covered_to, l)
    return total, longest


def expected(team) -> tuple[dict, dict, set]:
    """(figures per meeting, RoomPeriod rows, RoomPersonPeriod keys) from the raw rows."""
    figures: dict[int, tuple] = {}
    periods: dict[tuple, list] = {}
    people: set[tuple] = set()
    months: dict[tuple, tuple] = {}
    sessions: dict[int, list[Attendance]] = defaultdict(list)
    for a in Attendance.objects.filter(team=team):
        sessions[a.meeting_id].append(a)
    for m in Meeting.objects.filter(team=team, summarised=True, end__isnull=False):
        rows = sessions[m.pk]
        guests = sum(1 for a in rows if a.is_guest)
        identities = {a.identity for a in rows if not a.is_guest}
        seconds = (m.end - m.start).total_seconds()
        participant, longest = _participant_seconds(m, rows)
        figures[m.pk] = (
            m.room,
            m.start,
            m.end,
            round(seconds, 3),
            m.max_participants,
            len(rows),
            guests,
            len(identities),
            round(participant, 3),
            round(longest, 3),
        )
        for grain, start in _periods(m.start):
            for room in (m.room, ""):
                p = periods.setdefault((room, grain, start), [0, 0.0, None, 0, 0, m.end, 0.0, 0.0])
                p[0] += 1
                p[1] += seconds
                if m.max_participants is not None:
                    p[2] = max(p[2] or 0, m.max_participants)
                p[3] += len(rows)
                p[4] += guests
                p[5] = max(p[5], m.end)
                p[6] += participant
                p[7] = max(p[7], longest)
                if grain == 1:
                    people |= {(room, grain, start, i) for i in identities}
                if grain == 2:
                    for i in identities:
                        first, last = months.get((room, start, i), (m.start, m.start))
                        months[(room, start, i)] = (min(first, m.start), max(last, m.start))
    rounded = {
        k: (v[0], round(v[1], 3), *v[2:6], round(v[6], 3), round(v[7], 3))
        for k, v in periods.items()
    }
    return figures, rounded, people, months


def stored(team) -> tuple[dict, dict, set]:
    figures = {
        f.meeting_id: (
            f.room,
            f.start,
            f.end,
            round(f.seconds, 3),
            f.peak,
            f.sessions,
            f.guests,
            f.people,
            round(f.participant_seconds, 3),
            round(f.longest_guest, 3),
        )
        for f in MeetingFigures.objects.filter(team=team)
    }
    periods = {
        (p.room, p.grain, p.start.astimezone(UTC)): (
            p.meetings,
            round(p.seconds, 3),
            p.peak,
            p.sessions,
            p.guests,
            p.last_end,
            round(p.participant_seconds, 3),
            round(p.longest_guest, 3),
        )
        for p in RoomPeriod.objects.filter(team=team)
    }
    people = {
        (p.room, p.grain, p.start.astimezone(UTC), p.identity)
        for p in RoomPersonPeriod.objects.filter(team=team)
    }
    months = {
        (p.room, p.start.astimezone(UTC), p.identity): (p.first_start, p.last_start)
        for p in RoomPersonPeriod.objects.filter(team=team, grain=2)
    }
    return figures, periods, people, months


def assert_summaries_exact(team) -> None:
    want, got = expected(team), stored(team)
    assert got[0] == want[0], "MeetingFigures differ from the raw rows"
    missing = {k: v for k, v in want[1].items() if got[1].get(k) != v}
    extra = {k: v for k, v in got[1].items() if k not in want[1]}
    assert not missing and not extra, f"RoomPeriod differs: {missing=} {extra=}"
    days = {k for k in got[2] if k[1] == 1}
    assert days == want[2], (
        f"RoomPersonPeriod days differ: missing {want[2] - days}, extra {days - want[2]}"
    )
    # Who was ever in a room: a superset (people are only ever added), never one missing.
    ever = {(room, i) for room, grain, _, i in got[2] if grain == 3}
    assert {(room, i) for room, _, _, i in want[2]} <= ever
    assert {k[1] for k in got[2]} <= {1, 2, 3}
    assert got[3] == want[3], (
        f"RoomPersonPeriod months differ: {sorted(set(got[3].items()) ^ set(want[3].items()))}"
    )
