"""Each report's figures against an independent computation over hand-made rows.

The world (team in Europe/Paris, UTC+1 in March 2025):
- M1 alpha, Mon 10 Mar 09:00-10:00 UTC: Alice overlaps herself (09:00-09:20 and
  09:10-09:40) then rejoins (09:50-10:00): 50 merged minutes, not 60; Bob 30; two guests.
- M2 beta, Mon 14:00-15:00: Alice 30; Carol on two devices at once (and a third session
  inside them): 60, not 130.
- M3 alpha, Mon 23:30 UTC, which is Tue 00:30 in Paris: Bob 45.
- M6 beta, Tue 08:00-08:30 UTC, ended: Erin joined 08:10 and has no leave: 20 (to the end).
- M4 gamma, ongoing since NOW - 40 min: Alice 10 + 20 (still in), Dave 35 (still in).
- M5 delta, 1 Jan 2025: outside the range, unused for 70 days.
- Another team's meeting in alpha with Alice: never counted.
"""

from __future__ import annotations

import datetime as dt

import pytest

from attendance.reports.charts import heat_map, per_day, summary
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import meeting_participants, meetings_page
from attendance.reports.people import people_page, people_rows
from attendance.reports.rooms import rooms_page
from attendance.summary import summarise_pending
from tests.attendance.reports_support import expected_people, meeting, session, utc
from tests.factories import make_team

pytestmark = pytest.mark.django_db

NOW = utc(2025, 3, 12, 12, 0)
MIN = 60


# Every figure is checked twice: computed from the sessions, and with the ended meetings
# read from their stored summaries (what a sync leaves behind).
@pytest.fixture(params=["from sessions", "summarised"])
def world(request):
    team = make_team("paris", time_zone="Europe/Paris")
    w = {"team": team}
    m1 = w["m1"] = meeting(team, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10), peak=4)
    session(m1, "alice@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 20), name="Alice")
    session(m1, "alice@example.com", utc(2025, 3, 10, 9, 10), utc(2025, 3, 10, 9, 40))
    session(m1, "alice@example.com", utc(2025, 3, 10, 9, 50), utc(2025, 3, 10, 10))
    session(m1, "u-bob", utc(2025, 3, 10, 9, 5), utc(2025, 3, 10, 9, 35), name="Bob")
    w["g1"] = session(m1, "guest", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30), guest=True)
    w["g2"] = session(m1, "guest", utc(2025, 3, 10, 9, 15), utc(2025, 3, 10, 9, 45), guest=True)

    m2 = w["m2"] = meeting(team, "beta", utc(2025, 3, 10, 14), utc(2025, 3, 10, 15), peak=3)
    session(m2, "alice@example.com", utc(2025, 3, 10, 14), utc(2025, 3, 10, 14, 30))
    session(m2, "carol@example.com", utc(2025, 3, 10, 14), utc(2025, 3, 10, 15), name="Carol")
    session(m2, "carol@example.com", utc(2025, 3, 10, 14), utc(2025, 3, 10, 15))
    session(m2, "carol@example.com", utc(2025, 3, 10, 14, 10), utc(2025, 3, 10, 14, 20))

    m3 = w["m3"] = meeting(team, "alpha", utc(2025, 3, 10, 23, 30), utc(2025, 3, 11, 0, 15))
    session(m3, "u-bob", utc(2025, 3, 10, 23, 30), utc(2025, 3, 11, 0, 15))

    m6 = w["m6"] = meeting(team, "beta", utc(2025, 3, 11, 8), utc(2025, 3, 11, 8, 30), peak=1)
    session(m6, "erin@example.com", utc(2025, 3, 11, 8, 10), None)

    m4 = w["m4"] = meeting(team, "gamma", NOW - dt.timedelta(minutes=40), None, peak=2)
    session(m4, "alice@example.com", NOW - dt.timedelta(minutes=40), NOW - dt.timedelta(minutes=30))
    session(m4, "alice@example.com", NOW - dt.timedelta(minutes=20), None)
    session(m4, "dave@example.com", NOW - dt.timedelta(minutes=35), None)

    m5 = w["m5"] = meeting(team, "delta", utc(2025, 1, 1, 10), utc(2025, 1, 1, 10, 30), peak=1)
    session(m5, "alice@example.com", utc(2025, 1, 1, 10), utc(2025, 1, 1, 10, 30))

    other = make_team("elsewhere", time_zone="Europe/Paris")
    mo = meeting(other, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 11), peak=1)
    session(mo, "alice@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 11))
    if request.param == "summarised":
        assert summarise_pending(team) == 5  # the ended meetings: m1, m2, m3, m5, m6
        assert summarise_pending(other) == 1
    return w


def filters(team, **extra) -> ReportFilters:
    extra.setdefault("date_from", dt.date(2025, 3, 10))
    extra.setdefault("date_to", dt.date(2025, 3, 12))
    return ReportFilters(team=team, now=NOW, **extra)


def people_by_key(f: ReportFilters) -> dict:
    page, totals = people_page(f)
    assert page.paginator.count == totals.people == len(page.object_list)
    return {(r.identity, r.guest_session): r for r in page.object_list}


def assert_people_match(f: ReportFilters, **expect_args) -> dict:
    got = people_by_key(f)
    want = expected_people(f.team, f.start, f.end, f.now, **expect_args)
    assert got.keys() == want.keys()
    for key, w in want.items():
        r = got[key]
        assert r.meetings == len(w.meetings), key
        assert r.sessions == w.sessions, key
        assert r.seconds == round(w.seconds), key
        assert r.first_join == w.first_join, key
        assert r.last_leave == w.last_leave, key
        assert r.still_in == w.still_in, key
    return got


# -- people ---------------------------------------------------------------------------
def test_people_minutes_merge_overlaps_and_count_ongoing_sessions_up_to_now(world):
    got = assert_people_match(filters(world["team"]))
    alice = got[("alice@example.com", 0)]
    # M1: 09:00-09:40 and 09:50-10:00 = 50; M2: 30; M4: 10 + 20 up to now = 30.
    assert alice.seconds == 110 * MIN
    assert (alice.meetings, alice.sessions, alice.still_in) == (3, 6, True)
    assert alice.last_leave == NOW
    assert alice.name == "Alice"
    assert got[("carol@example.com", 0)].seconds == 60 * MIN  # two devices: never 130
    assert got[("u-bob", 0)].seconds == 75 * MIN  # a person over two meetings
    assert got[("erin@example.com", 0)].seconds == 20 * MIN  # no leave: up to the end
    assert got[("dave@example.com", 0)].seconds == 35 * MIN


def test_people_leave_guests_out_unless_asked_and_then_count_each_guest_session_apart(world):
    without = people_by_key(filters(world["team"]))
    assert not any(r.is_guest for r in without.values())
    got = assert_people_match(filters(world["team"], include_guests=True), guests=True)
    g1, g2 = got[("guest", world["g1"].pk)], got[("guest", world["g2"].pk)]
    # Two guests overlapping in time are two people: 30 + 30, nothing merged.
    assert (g1.seconds, g2.seconds) == (30 * MIN, 30 * MIN)
    assert g1.is_guest and g1.label == "Guest"


@pytest.mark.parametrize("percent", [1, 50, 60, 84, 100])
def test_the_attended_at_least_filter_counts_only_meetings_attended_that_much(world, percent):
    f = filters(world["team"], min_percent=percent, include_guests=True)
    assert_people_match(f, min_percent=percent, guests=True)


def test_attended_at_least_60_percent_drops_a_half_attended_meeting(world):
    got = people_by_key(filters(world["team"], min_percent=60))
    alice = got[("alice@example.com", 0)]
    assert (alice.meetings, alice.seconds) == (2, 80 * MIN)  # M2 (30 of 60) is left out
    assert got[("u-bob", 0)].meetings == 1  # M1 was exactly 50%


def test_people_filter_by_room_and_person(world):
    assert_people_match(filters(world["team"], room="alpha"), room="alpha")
    got = assert_people_match(filters(world["team"], person="u-bob"), person="u-bob")
    assert list(got) == [("u-bob", 0)]


def test_a_meeting_at_23_30_utc_belongs_to_the_next_day_in_paris(world):
    monday = people_by_key(
        filters(world["team"], date_from=dt.date(2025, 3, 10), date_to=dt.date(2025, 3, 10))
    )
    tuesday = people_by_key(
        filters(world["team"], date_from=dt.date(2025, 3, 11), date_to=dt.date(2025, 3, 11))
    )
    assert monday[("u-bob", 0)].seconds == 30 * MIN  # only M1
    assert tuesday[("u-bob", 0)].seconds == 45 * MIN  # M3, 00:30 in Paris


def test_people_sorts_and_paginates_with_a_total(world):
    f = filters(world["team"], sort="person")
    page, totals = people_page(f)
    labels = [r.label for r in page.object_list]
    assert labels == sorted(labels, key=str)
    assert totals.people == 5
    assert totals.seconds == sum(r.seconds for r in page.object_list)
    rows = list(people_rows(filters(world["team"])))
    assert [r.seconds for r in rows] == sorted((r.seconds for r in rows), reverse=True)


def test_a_page_past_the_end_shows_the_last_page(world):
    page, _ = people_page(filters(world["team"], page=99))
    assert page.number == 1 and len(page.object_list) == 5


# -- meetings -------------------------------------------------------------------------
def test_meetings_list_the_range_by_start_with_people_and_guests(world):
    page = meetings_page(filters(world["team"]))
    rows = {row.meeting.pk: row for row in page.object_list}
    assert set(rows) == {world[k].pk for k in ("m1", "m2", "m3", "m4", "m6")}
    m1 = rows[world["m1"].pk]
    assert (m1.meeting.people, m1.meeting.guests, m1.meeting.session_count) == (2, 2, 6)
    assert m1.seconds == 60 * MIN
    assert rows[world["m4"].pk].seconds == 40 * MIN and rows[world["m4"].pk].ongoing
    starts = [row.meeting.start for row in page.object_list]
    assert starts == sorted(starts, reverse=True)


def test_meetings_of_a_person_show_their_merged_minutes_and_share(world):
    page = meetings_page(filters(world["team"], person="alice@example.com"))
    got = {row.meeting.pk: row.presence for row in page.object_list}
    assert set(got) == {world["m1"].pk, world["m2"].pk, world["m4"].pk}
    assert got[world["m1"].pk].seconds == 50 * MIN
    assert got[world["m1"].pk].percent == pytest.approx(100 * 50 / 60)
    assert got[world["m4"].pk].seconds == 30 * MIN
    assert got[world["m4"].pk].percent == pytest.approx(75.0)


def test_meetings_filter_by_room_and_day_in_the_team_time_zone(world):
    alpha = meetings_page(filters(world["team"], room="alpha"))
    assert {r.meeting.pk for r in alpha.object_list} == {world["m1"].pk, world["m3"].pk}
    tuesday = meetings_page(
        filters(world["team"], date_from=dt.date(2025, 3, 11), date_to=dt.date(2025, 3, 11))
    )
    assert {r.meeting.pk for r in tuesday.object_list} == {world["m3"].pk, world["m6"].pk}


def test_a_meeting_page_lists_each_person_with_merged_minutes_and_intervals(world):
    f = filters(world["team"])
    page = meeting_participants(f, world["m1"])
    people = {(p.identity, p.guest_session): p for p in page.object_list}
    assert page.paginator.count == 4  # Alice, Bob, two guests
    alice = people[("alice@example.com", 0)]
    assert alice.seconds == 50 * MIN and alice.sessions == 3 and len(alice.intervals) == 3
    assert alice.percent == pytest.approx(100 * 50 / 60)
    assert len(people[("guest", world["g1"].pk)].intervals) == 1
    ongoing = {p.identity: p for p in meeting_participants(f, world["m4"]).object_list}
    assert ongoing["dave@example.com"].seconds == 35 * MIN and ongoing["dave@example.com"].still_in


# -- rooms ----------------------------------------------------------------------------
def test_rooms_sum_meetings_minutes_peak_people_and_last_use(world):
    rows = {r.room: r for r in rooms_page(filters(world["team"])).object_list}
    assert set(rows) == {"alpha", "beta", "gamma"}  # delta is not used in the range
    alpha = rows["alpha"]
    assert (alpha.meetings, alpha.minutes, alpha.peak) == (2, 105, 4)
    assert (alpha.people, alpha.guests) == (2, 2)
    assert alpha.last_used == utc(2025, 3, 11, 0, 15)
    beta = rows["beta"]
    assert (beta.meetings, beta.minutes, beta.people, beta.guests) == (2, 90, 3, 0)
    assert rows["gamma"].in_use and rows["gamma"].minutes == 40


def test_rooms_unused_for_n_days(world):
    unused = rooms_page(filters(world["team"], unused_days=30)).object_list
    assert [r.room for r in unused] == ["delta"]
    assert unused[0].last_used == utc(2025, 1, 1, 10, 30) and unused[0].meetings == 0
    # Alpha's last meeting ended on 11 Mar 00:15, 1 day 11:45 before NOW.
    assert {r.room for r in rooms_page(filters(world["team"], unused_days=1)).object_list} == {
        "alpha",
        "beta",
        "delta",
    }


def test_rooms_of_a_person_count_only_the_meetings_they_attended(world):
    rows = {r.room: r for r in rooms_page(filters(world["team"], person="u-bob")).object_list}
    assert set(rows) == {"alpha"}
    assert (rows["alpha"].meetings, rows["alpha"].minutes) == (2, 105)


# -- charts ---------------------------------------------------------------------------
def test_charts_count_meetings_and_minutes_per_day_in_the_team_time_zone(world):
    f = filters(world["team"])
    days = per_day(f)
    assert [(d.day.day, d.meetings, d.minutes) for d in days] == [
        (10, 2, 120),
        (11, 2, 75),  # M3 (00:30 Paris) and M6
        (12, 1, 40),  # M4, ongoing: up to now
    ]
    grid = heat_map(f)
    assert grid[0][10] == 1 and grid[0][15] == 1  # Monday 10:00 and 15:00 in Paris
    assert grid[1][0] == 1 and grid[1][9] == 1  # Tuesday 00:30 and 09:00
    assert grid[2][12] == 1  # Wednesday 12:20
    assert sum(map(sum, grid)) == 5
    s = summary(f, days)
    assert (s.meetings, s.minutes, s.people, s.guests) == (5, 235, 5, 2)
