"""Usage figures equal the people report's, and the simulator's ground truth.

Two whole days (team's time zone), a few days back so every meeting has ended, synced
from the simulator for both API generations, as in tests/attendance/test_reports_truth.py:
the participant-seconds are computed here from the ground truth alone (an identified
person's sessions in a meeting merged by a plain interval union; each guest session on
its own), and compared with the usage total, its rooms, and the people report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import pytest

from attendance.models import Meeting
from attendance.reports.filters import ReportFilters, local_today
from attendance.reports.people import people_page, people_rows
from attendance.summary import summarise
from attendance.sync import sync_team
from teams.models import Dialect
from tests.attendance.helpers import at
from tests.attendance.reports_support import meeting, session, union_seconds, utc
from tests.attendance.test_reports_truth import who
from tests.factories import make_team, team_on
from usage import figures
from usage.models import UsagePrice

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[Dialect.DOMAINS, Dialect.REST])
def synced(request, fast_sim):
    team = team_on(fast_sim, request.param, time_zone="Europe/Paris")
    now = at(fast_sim.now())
    today = local_today(team.tz, now)
    f = ReportFilters(
        team=team,
        date_from=today - dt.timedelta(days=4),
        date_to=today - dt.timedelta(days=3),
        now=now.replace(microsecond=0),
        include_guests=True,
    )
    sync_team(team, now=now, since=f.start - dt.timedelta(hours=1))
    truth = fast_sim.truth(team.name, int(f.start.timestamp()), int(f.end.timestamp()))
    assert len(truth["meetings"]) > 50
    return f, truth["meetings"]


def _truth_seconds(meetings: list[dict]) -> tuple[dict[str, float], dict[str, float]]:
    """Participant-seconds per room and per identified person, from the ground truth."""
    rooms: dict[str, float] = defaultdict(float)
    people: dict[str, float] = defaultdict(float)
    for m in meetings:
        assert not m["ongoing"]
        spans = defaultdict(list)
        for p in m["participants"]:
            identity, guest = who(p)
            span = (p["join"], min(p["leave"], m["end"]))
            if guest:
                rooms[m["room"]] += max(0, span[1] - span[0])
            else:
                spans[identity].append(span)
        for identity, s in spans.items():
            seconds = union_seconds(s)
            rooms[m["room"]] += seconds
            people[identity] += seconds
    return rooms, people


def test_usage_equals_the_people_report_and_the_ground_truth(synced):
    f, meetings = synced
    want_rooms, want_people = _truth_seconds(meetings)
    total = figures.month_totals(f)
    # The people report's own totals (guests included), and the ground truth.
    assert total == people_page(f)[1]
    assert total.seconds == round(sum(want_rooms.values()))
    rooms = {r.room: r.seconds for r in figures.per_room(f)}
    assert rooms == {room: round(s) for room, s in want_rooms.items()}
    assert sum(rooms.values()) == total.seconds
    identified = {r.identity: r.seconds for r in figures.person_rows(f) if not r.is_guest}
    assert identified == {p: round(s) for p, s in want_people.items()}
    # Every room's participant-minutes are that room's people report.
    busiest = max(rooms, key=rooms.get)
    assert sum(r.seconds for r in people_rows(replace(f, room=busiest))) == rooms[busiest]


def test_a_month_is_the_people_report_of_its_days_in_the_team_time_zone():
    team = make_team("months", time_zone="America/New_York")
    # 31 Jan 23:30 in New York is 1 Feb 04:30 UTC: January's. 1 Mar 00:30 New York: March's.
    jan = meeting(team, "a", utc(2025, 2, 1, 4, 30), utc(2025, 2, 1, 5, 30))
    session(jan, "ann@example.com", jan.start, jan.end)
    session(jan, "guest", jan.start, jan.start + dt.timedelta(minutes=15), guest=True)
    feb = meeting(team, "b", utc(2025, 2, 10, 15), utc(2025, 2, 10, 15, 40))
    session(feb, "ann@example.com", feb.start, feb.start + dt.timedelta(minutes=30))
    # A rejoin overlapping the first session: merged, 40 minutes in all, not 50.
    session(feb, "ann@example.com", feb.start + dt.timedelta(minutes=20), feb.end)
    mar = meeting(team, "b", utc(2025, 3, 1, 5, 30), utc(2025, 3, 1, 6, 30))
    session(mar, "ben@example.com", mar.start, mar.end)
    # Half the meetings summarised (stored rows), half computed from their sessions.
    summarise(team, [jan.pk, mar.pk])
    assert Meeting.objects.filter(summarised=True).count() == 2
    now = utc(2025, 3, 20)
    months = figures.last_months(figures.Month(dt.date(2025, 3, 1)), 3)
    got = [figures.month_totals(figures.month_filters(team, m, now)).seconds for m in months]
    assert got == [75 * 60, 40 * 60, 60 * 60]
    for m, seconds in zip(months, got, strict=True):
        f = figures.month_filters(team, m, now)
        assert people_page(f)[1].seconds == seconds
        assert sum(r.seconds for r in figures.per_room(f)) == seconds


def test_the_cost_is_the_minutes_times_the_price_to_the_cent():
    team = make_team("priced")
    assert figures.cost(600, None) is None
    price = UsagePrice(team=team, per_minute=Decimal("0.004"), currency="USD")
    assert figures.cost(90 * 60, price) == Decimal("0.36")
    assert figures.cost(125, price) == Decimal("0.01")  # 2.083 min x 0.004 = 0.00833


def test_months_are_parsed_strictly():
    assert figures.parse_month("2026-03") == figures.Month(dt.date(2026, 3, 1))
    for bad in ("2026-3", "2026-13", "03-2026", "", "abc", "2026-03-01", "1999-12"):
        assert figures.parse_month(bad) is None, bad
    assert [m.key for m in figures.last_months(figures.Month(dt.date(2026, 2, 1)), 3)] == [
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_the_summaries_give_the_people_reports_figures_pages_and_rooms_guests_included(
    monkeypatch,
):
    """A month of 60 identified people and 30 guest sessions, with a meeting at each edge
    of the month (team's time zone), one still ongoing (not summarised) and one written
    without a summary: every figure read from the summaries equals the people report's,
    computed from the raw rows; the second page mixes people and guests."""
    team = make_team("usage-summaries", time_zone="Europe/Paris")
    minute = dt.timedelta(minutes=1)
    # 1 Mar 00:10 in Paris is 28 Feb 23:10 UTC: March's. 31 Mar 23:50 Paris: March's too.
    first = meeting(team, "a", utc(2025, 2, 28, 23, 10), utc(2025, 3, 1, 3, 10))
    last = meeting(team, "b", utc(2025, 3, 31, 21, 50), utc(2025, 3, 31, 23, 50))
    middle = meeting(team, "a", utc(2025, 3, 12, 9), utc(2025, 3, 12, 10))
    for i in range(60):  # each person 60 to 179 minutes in `first`, longer than any guest
        session(first, f"p{i:02}@example.com", first.start, first.start + (60 + 2 * i) * minute)
    for i in range(10):  # a rejoin overlapping the first session: merged
        who = f"p{i:02}@example.com"
        session(middle, who, middle.start, middle.start + 30 * minute)
        session(middle, who, middle.start + 20 * minute, None)
    for i in range(30):  # guests, up to 119 minutes: longer than some people on page 1
        session(last, f"guest-{i}", last.start, last.start + (3 + 4 * i) * minute, guest=True)
    session(middle, "guest-x", middle.start - minute, None, guest=True)  # no leave: to the end
    ongoing = meeting(team, "c", utc(2025, 3, 20, 8), None)
    session(ongoing, "p00@example.com", ongoing.start, None)
    session(ongoing, "guest-o", ongoing.start, ongoing.start + 5 * minute, guest=True)
    unsummarised = meeting(team, "c", utc(2025, 3, 21, 8), utc(2025, 3, 21, 9))
    session(unsummarised, "p01@example.com", unsummarised.start, unsummarised.end)
    session(unsummarised, "guest-u", unsummarised.start, unsummarised.end, guest=True)
    outside = meeting(team, "a", utc(2025, 3, 31, 22, 10), utc(2025, 3, 31, 23))  # April's
    session(outside, "guest-april", outside.start, outside.end, guest=True)
    summarise(team, [first.pk, last.pk, middle.pk, ongoing.pk, outside.pk])
    assert not Meeting.objects.get(pk=unsummarised.pk).summarised
    now = utc(2025, 3, 20, 9)
    march = figures.Month(dt.date(2025, 3, 1))
    f = figures.month_filters(team, march, now)
    raw_page, raw_totals = people_page(f)
    assert raw_totals.people == 60 + 30 + 1 + 2  # the guests of March, one by one
    assert figures.month_totals(f) == raw_totals
    months = figures.last_months(figures.Month(dt.date(2025, 4, 1)), 3)
    assert figures.months_totals(team, months, now) == {
        m.key: people_page(figures.month_filters(team, m, now))[1] for m in months
    }
    for page in (1, 2, 9):  # page 9 is past the end: the last page, as the report shows
        g = figures.month_filters(team, march, now, page=page)
        got, totals = figures.person_page(g)
        want, want_totals = people_page(g)
        assert totals == want_totals
        assert (got.number, got.paginator.count) == (want.number, want.paginator.count)
        assert list(got.object_list) == list(want.object_list)
    # Both pages mix people and guests: the longest guests sort among the first 50.
    for page in (1, 2):
        assert any(r.is_guest for r in figures.person_page(replace(f, page=page))[0].object_list)
    assert list(figures.person_rows(f)) == list(people_rows(f))
    assert figures.per_room(f) == figures.per_room_raw(f)
    assert [r.room for r in figures.per_room(f)] == ["a", "b", "c"]
    assert figures.top_rooms(f, 2) == (figures.per_room(f)[:2], 3)
    monkeypatch.setattr(figures, "PROBED_ROOMS", 1)  # people per room by one read, not probes
    assert figures.per_room(f) == figures.per_room_raw(f)
    assert figures.top_rooms(f, 2) == (figures.per_room(f)[:2], 3)
    # A range the summaries cannot tile (ends off the quarter hours): the same figures.
    stored = (figures.month_totals(f), figures.per_room(f), list(figures.person_rows(f)))
    monkeypatch.setattr(figures.periods, "pieces", lambda *a, **k: None)
    assert (figures.month_totals(f), figures.per_room(f), list(figures.person_rows(f))) == stored
    assert figures.person_page(f)[0].object_list == raw_page.object_list
    monkeypatch.undo()
    # The page reads the meetings not summarised once for the chart's months and hands
    # them to each figure: the same figures, in the month shown and in the others.
    pending = figures.unsummarised_of(team, months, now)
    assert {m.room for m in (ongoing, unsummarised)} == {start[1] for start in pending}
    assert figures.months_totals(team, months, now, pending) == figures.months_totals(
        team, months, now
    )
    for m in months:
        g = figures.month_filters(team, m, now, page=2)
        assert figures.top_rooms(g, 2, pending) == figures.top_rooms(g, 2)
        got, totals = figures.person_page(g, None, pending)
        want, want_totals = figures.person_page(g)
        assert (list(got.object_list), totals) == (list(want.object_list), want_totals)


def test_a_page_reads_the_guests_only_when_they_can_reach_it(monkeypatch):
    """Pages of two: the identified people's stored rows alone when every guest is shorter;
    the guests of an ongoing meeting (counted up to now) merged in when one is longer; the
    people report's rows and order on every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(figures, "PER_PAGE", 2)
    team = make_team("usage-pages", time_zone="UTC")
    minute = dt.timedelta(minutes=1)
    done = meeting(team, "a", utc(2025, 3, 3, 9), utc(2025, 3, 3, 12))
    for i, length in enumerate((170, 150, 40)):
        session(done, f"p{i}@example.com", done.start, done.start + length * minute)
    session(done, "guest-short", done.start, done.start + 10 * minute, guest=True)
    ongoing = meeting(team, "b", utc(2025, 3, 20, 7), None)
    session(ongoing, "guest-long", ongoing.start, None, guest=True)  # 160 minutes at `now`
    summarise(team, [done.pk, ongoing.pk])
    now = utc(2025, 3, 20, 9, 40)
    march = figures.Month(dt.date(2025, 3, 1))
    want = list(people_rows(figures.month_filters(team, march, now)))
    assert [r.identity for r in want] == [
        "p0@example.com", "guest-long", "p1@example.com", "p2@example.com", "guest-short"
    ]  # fmt: skip
    for page in (1, 2, 3):
        f = figures.month_filters(team, march, now, page=page)
        with CaptureQueriesContext(connection) as ctx:
            got = list(figures.person_page(f)[0].object_list)
        assert got == want[(page - 1) * 2 : page * 2], page
        guest_reads = [q["sql"] for q in ctx.captured_queries if "a.identity, a.id" in q["sql"]]
        if page == 1:  # p1 (150 min) is longer than every stored guest: the ongoing only
            assert len(guest_reads) == 1 and "m.summarised = " in guest_reads[0]
    # Once the ongoing guest is shorter than p1, page 1 is the stored rows alone.
    early = utc(2025, 3, 20, 7, 30)
    with CaptureQueriesContext(connection) as ctx:
        got = list(figures.person_page(figures.month_filters(team, march, early))[0].object_list)
    assert [r.identity for r in got] == ["p0@example.com", "p1@example.com"]
    assert not [q for q in ctx.captured_queries if "a.identity, a.id" in q["sql"]]


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Kolkata"])
def test_a_months_people_come_from_the_month_rows_in_a_time_zone_off_utc(monkeypatch, tz):
    """The distinct people of each month (team's time zone, midnights after or before
    UTC's), of the team and of each room, read from the people's month rows (the probes
    of days are not used) equal the people report's, computed from the raw rows: meetings
    minutes either side of each month's edge, and people whose meetings of one UTC month
    fall on both sides of a local edge, or on one side only."""
    import zoneinfo

    team = make_team(f"people-months-{tz.split('/')[1].lower()}", time_zone=tz)
    zone = zoneinfo.ZoneInfo(tz)
    minute = dt.timedelta(minutes=1)
    made = []
    for n, month in enumerate((3, 4, 5)):
        edge = dt.datetime(2025, month, 1, tzinfo=zone).astimezone(dt.UTC)
        for i, (room, offset) in enumerate((("a", -10), ("b", 10), ("a", -300), ("b", 300))):
            start = edge + offset * minute
            m = meeting(team, room, start, start + 5 * minute)
            session(m, f"edge-{n}-{i}@example.com", m.start, m.end)  # this meeting only
            session(m, "everyone@example.com", m.start, m.end)
            session(m, f"side-{offset < 0}@example.com", m.start, m.end)
            made.append(m)
    summarise(team, [m.pk for m in made])
    # Another meeting after the rows were written: widens the months' first and last starts.
    late = meeting(team, "b", made[5].start + minute, made[5].start + 3 * minute)
    session(late, "edge-0-0@example.com", late.start, late.end)
    summarise(team, [late.pk])

    def raw_counting(*args, **kwargs):
        raise AssertionError("a month's people are read from the month rows")

    now = utc(2025, 6, 20)
    months = figures.last_months(figures.Month(dt.date(2025, 5, 1)), 4)
    want = {m.key: people_page(figures.month_filters(team, m, now))[1] for m in months}
    monkeypatch.setattr(figures.periods, "people", raw_counting)
    assert figures.months_totals(team, months, now) == want
    assert [want[m.key].people for m in months] == [4, 7, 8, 4]
    for m in months:
        f = figures.month_filters(team, m, now)
        assert figures.per_room(f) == figures.per_room_raw(f)
    # A range inside one UTC month (neither its beginning nor its end): not from the rows.
    inside = (utc(2025, 3, 5), utc(2025, 3, 20))
    assert figures.periods.month_people(team.pk, [""], *inside) is None
