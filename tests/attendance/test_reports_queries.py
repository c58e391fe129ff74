"""The meetings, rooms and charts queries against figures computed naively from the rows.

The world is made to find the edges of the SQL: more meetings and more rooms than a
page (pagination, totals, the CSV's every row), meetings starting at the same instant and
of the same length (the order's ties), ids in no order of start, meetings without a peak,
ongoing meetings, guests, a person in some meetings only, and meetings outside the range
or of another team that must never count.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from attendance.models import Attendance, Meeting
from attendance.reports.charts import per_day, summary
from attendance.reports.filters import PER_PAGE, ReportFilters
from attendance.reports.meetings import meeting_rows, meetings_page
from attendance.reports.rooms import room_rows, rooms_page
from teams.models import Team
from tests.attendance.reports_support import utc
from tests.factories import make_team

pytestmark = pytest.mark.django_db

NOW = utc(2025, 3, 12, 12, 0)
ROOMS = [f"room-{i:02d}" for i in range(PER_PAGE + 12)]
PEOPLE = ["ann@example.com", "ben@example.com", "cat@example.com", "u-dan", "u-eve"]
PERSON = "cat@example.com"


@dataclass
class World:
    team: Team
    meetings: list[Meeting]
    sessions: dict[int, list[Attendance]]  # by meeting id


def _make_meetings(
    team, rnd: random.Random, n: int, first: dt.datetime, rooms: list[str]
) -> list[Meeting]:
    meetings = []
    for i in range(n):
        # Every third meeting starts with the one before it; lengths take three values;
        # the last three are ongoing.
        start = first + dt.timedelta(minutes=25 * (i - (i % 3 == 2)))
        ongoing = i >= n - 3
        meetings.append(
            Meeting(
                team=team,
                key=f"{first:%Y%m%d}-{i}",
                room=rooms[i % len(rooms)],
                start=start,
                end=None if ongoing else start + dt.timedelta(minutes=rnd.choice([20, 30, 60])),
                ongoing=ongoing,
                max_participants=rnd.choice([None, 2, 5, 9]),
            )
        )
    rnd.shuffle(meetings)  # ids in no particular order of start, so ties show
    return Meeting.objects.bulk_create(meetings)


def _make_sessions(meetings: list[Meeting], rnd: random.Random) -> list[Attendance]:
    rows = []
    for m in meetings:
        end = m.end or NOW
        who = [(p, False) for p in rnd.sample(PEOPLE, rnd.randint(0, 3))]
        who += [(p, False) for p, _ in who[:1]]  # a rejoin: two sessions, one person
        who += [("guest", True)] * rnd.randint(0, 2)
        for k, (identity, guest) in enumerate(who):
            rows.append(
                Attendance(
                    meeting=m,
                    team=m.team,
                    room=m.room,
                    session_key=f"{m.key}-{k}",
                    identity=identity,
                    is_guest=guest,
                    join=m.start,
                    leave=None if m.end is None and k % 2 else end,
                )
            )
    return Attendance.objects.bulk_create(rows)


@pytest.fixture
def world() -> World:
    rnd = random.Random(7)
    team = make_team("queries", time_zone="Europe/Paris")
    # 120 meetings from 10 March (in the range: 10-12 March in Paris), one or two per
    # room; then 10 in February, in rooms unused since.
    meetings = _make_meetings(team, rnd, 120, utc(2025, 3, 10, 0), ROOMS)
    meetings += _make_meetings(team, rnd, 10, utc(2025, 2, 1, 9), [f"old-{i}" for i in range(5)])
    by_meeting: dict[int, list[Attendance]] = {m.pk: [] for m in meetings}
    for s in _make_sessions(meetings, rnd):
        by_meeting[s.meeting_id].append(s)
    for m in meetings:
        m.session_count = len(by_meeting[m.pk])
    Meeting.objects.bulk_update(meetings, ["session_count"])
    # Another team's meetings, in the same rooms with the same people: never counted.
    other = make_team("elsewhere", time_zone="Europe/Paris")
    _make_sessions(_make_meetings(other, rnd, 6, utc(2025, 3, 10, 9), ROOMS), rnd)
    return World(team, meetings, by_meeting)


def filters(w: World, **extra) -> ReportFilters:
    return ReportFilters(
        team=w.team, date_from=dt.date(2025, 3, 10), date_to=dt.date(2025, 3, 12), now=NOW, **extra
    )


def chosen(w: World, f: ReportFilters) -> list[Meeting]:
    """The meetings the filters choose, the obvious way."""
    return [
        m
        for m in w.meetings
        if f.start <= m.start < f.end
        and (not f.room or m.room == f.room)
        and (not f.person or any(s.identity == f.person for s in w.sessions[m.pk]))
    ]


def seconds(m: Meeting) -> int:
    return round(((m.end or NOW) - m.start).total_seconds())


def people(sessions: list[Attendance]) -> int:
    return len({s.identity for s in sessions if not s.is_guest})


def guests(sessions: list[Attendance]) -> int:
    return sum(s.is_guest for s in sessions)


# -- meetings -------------------------------------------------------------------------
SORT_KEYS = {
    "-start": lambda m: (-m.start.timestamp(), -m.pk),
    "start": lambda m: (m.start.timestamp(), m.pk),
    "room": lambda m: (m.room, -m.start.timestamp(), -m.pk),
    "-length": lambda m: (-seconds(m), -m.start.timestamp(), -m.pk),
    "-peak": lambda m: (
        m.max_participants is None,
        -(m.max_participants or 0),
        -m.start.timestamp(),
        -m.pk,
    ),
}


def expected_meetings(w: World, f: ReportFilters) -> list[tuple]:
    ordered = sorted(chosen(w, f), key=SORT_KEYS[f.sort or "-start"])
    return [
        (
            m.pk,
            m.room,
            m.start,
            m.end,
            m.max_participants,
            m.session_count,
            seconds(m),
            people(w.sessions[m.pk]),
            guests(w.sessions[m.pk]),
        )
        for m in ordered
    ]


def listed(rows) -> list[tuple]:
    return [
        (
            r.meeting.pk,
            r.meeting.room,
            r.meeting.start,
            r.meeting.end,
            r.meeting.max_participants,
            r.meeting.session_count,
            r.seconds,
            r.meeting.people,
            r.meeting.guests,
        )
        for r in rows
    ]


@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("extra", [{}, {"room": "room-01"}, {"person": PERSON}])
def test_meetings_pages_list_the_filtered_meetings_in_order_with_their_figures(world, sort, extra):
    f = filters(world, sort=sort, **extra)
    want = expected_meetings(world, f)
    assert want  # the filter keeps some meetings
    pages = -(-len(want) // PER_PAGE)
    got = []
    for number in range(1, pages + 1):
        page = meetings_page(f.with_page(number))
        assert (page.number, page.paginator.count) == (number, len(want))
        got += listed(page.object_list)
    assert got == want
    assert listed(meeting_rows(f, chunk=7)) == want  # the CSV: the same rows, all pages


def test_a_page_of_meetings_past_the_end_shows_the_last_page(world):
    f = filters(world)
    want = expected_meetings(world, f)
    page = meetings_page(f.with_page(99))
    last = -(-len(want) // PER_PAGE)
    assert last > 1 and page.number == last and page.paginator.count == len(want)
    assert listed(page.object_list) == want[(last - 1) * PER_PAGE :]


def test_no_meeting_in_the_range_is_an_empty_first_page(world):
    f = filters(world, room="no-such-room")
    page = meetings_page(f.with_page(3))
    assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])
    assert list(meeting_rows(f)) == []


def test_a_person_filter_gives_their_presence_in_each_meeting(world):
    f = filters(world, person=PERSON)
    rows = list(meetings_page(f).object_list)
    assert [r.meeting.pk for r in rows] == [r.meeting.pk for r in meeting_rows(f)]
    assert {r.meeting.pk for r in rows} == {m.pk for m in chosen(world, f)}
    for r in rows:
        theirs = [s for s in world.sessions[r.meeting.pk] if s.identity == PERSON]
        assert r.presence is not None and r.presence.sessions == len(theirs)


# -- rooms ----------------------------------------------------------------------------
def expected_rooms(w: World, f: ReportFilters) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for room in {m.room for m in chosen(w, f)}:
        meetings = [m for m in chosen(w, f) if m.room == room]
        sessions = [s for m in meetings for s in w.sessions[m.pk]]
        out[room] = (len(meetings), sum(map(seconds, meetings)), people(sessions), guests(sessions))
    return out


def room_figures(rows) -> dict[str, tuple]:
    return {r.room: (r.meetings, round(r.minutes * 60), r.people, r.guests) for r in rows}


@pytest.mark.parametrize("extra", [{}, {"room": "room-01"}, {"person": PERSON}])
def test_rooms_count_people_and_guests_of_the_filtered_meetings(world, extra):
    f = filters(world, **extra)
    want = expected_rooms(world, f)
    page = rooms_page(f)
    first = sorted(want, key=lambda room: (-want[room][0], room))[:PER_PAGE]  # -meetings
    assert [r.room for r in page.object_list] == first
    assert page.paginator.count == len(want)
    assert room_figures(page.object_list) == {room: want[room] for room in first}
    # Every room (more than a page of them), as the CSV lists them.
    assert room_figures(room_rows(f)) == want


def test_rooms_without_a_meeting_in_the_range_have_no_people(world):
    f = filters(world, unused_days=20)
    rows = list(room_rows(f))
    assert rows and all((r.meetings, r.people, r.guests) == (0, 0, 0) for r in rows)


# -- charts ---------------------------------------------------------------------------
@pytest.mark.parametrize("extra", [{}, {"room": "room-01"}, {"person": PERSON}])
def test_the_chart_summary_counts_people_and_guest_sessions_of_the_filtered_meetings(world, extra):
    f = filters(world, **extra)
    meetings = chosen(world, f)
    sessions = [s for m in meetings for s in world.sessions[m.pk]]
    s = summary(f, per_day(f))
    assert (s.meetings, s.seconds) == (len(meetings), sum(map(seconds, meetings)))
    assert (s.people, s.guests) == (people(sessions), guests(sessions))
    assert s.people > 0 and (s.guests > 0 or "room" in extra)


def test_the_chart_summary_of_an_empty_range_is_zero(world):
    f = filters(world, room="no-such-room")
    s = summary(f, per_day(f))
    assert (s.meetings, s.seconds, s.people, s.guests, s.busiest) == (0, 0, 0, 0, None)
