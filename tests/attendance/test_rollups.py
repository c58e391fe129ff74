"""The report summaries (attendance.rollups) equal a recount from the raw rows after every
kind of write: syncs, syncs again, webhooks, reconciliations, late sessions, moves, deletes."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance import rollups
from attendance.models import Meeting, RoomPeriod
from attendance.reconcile import reconcile
from attendance.summary import summarise
from attendance.sync import sync_team
from teams.models import Dialect
from tests.attendance.helpers import at
from tests.attendance.reports_support import meeting, session, utc
from tests.attendance.rollup_truth import assert_summaries_exact, expected, stored
from tests.attendance.test_webhook_reconcile import _synced_meeting, _team, _webhook_meeting
from tests.factories import make_team, team_on

_teams = itertools.count(1)


@pytest.mark.django_db
@pytest.mark.parametrize("dialect", [Dialect.DOMAINS, Dialect.REST])
def test_a_sync_and_a_second_sync_of_the_same_window_leave_the_summaries_exact(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(days=2))
    assert_summaries_exact(team)
    _, periods, people, _ = expected(team)
    assert len(periods) > 100 and people, "the simulator's two days fill many periods"
    sync_team(team, now=now, since=now - timedelta(days=2))
    assert_summaries_exact(team)


@pytest.mark.django_db
def test_webhook_rows_and_their_reconciliation_leave_the_summaries_exact(client):
    team = _team()
    from datetime import UTC, datetime

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    _webhook_meeting(client, team, start)
    assert_summaries_exact(team)
    assert RoomPeriod.objects.filter(team=team, room="standup").exists()
    _synced_meeting(team, "rest-id", start + timedelta(seconds=10))
    reconcile(team, start - timedelta(minutes=10), start + timedelta(hours=1))
    assert Meeting.objects.filter(team=team).count() == 1
    assert_summaries_exact(team)
    row = RoomPeriod.objects.get(team=team, room="", grain=1)
    assert row.meetings == 1  # counted once, the provisional copy gone


@pytest.mark.django_db
def test_deleted_meetings_leave_their_periods_and_emptied_periods_go():
    team = make_team("deleted", time_zone="UTC")
    a = meeting(team, "alpha", utc(2025, 3, 31, 23, 50), utc(2025, 4, 1, 0, 30), peak=3)
    session(a, "ann@example.com", a.start, a.end)
    b = meeting(team, "alpha", utc(2025, 3, 31, 9), utc(2025, 3, 31, 10), peak=5)
    session(b, "bo@example.com", b.start, b.end)
    session(b, "guest", b.start, b.end, guest=True)
    summarise(team, [a.pk, b.pk])
    assert_summaries_exact(team)
    counted = rollups.forget_meetings(team.pk, [b.pk])
    Meeting.objects.filter(pk=b.pk).delete()
    rollups.recounted(team.pk, counted)
    assert_summaries_exact(team)
    month = RoomPeriod.objects.get(team=team, room="alpha", grain=2, start=utc(2025, 3, 1))
    assert (month.meetings, month.peak, month.guests) == (1, 3, 0)


# Operations on a small team: meetings near slot, day and month boundaries, in 3 rooms.
_starts = st.sampled_from(
    [utc(2025, 3, 31, 23, 44), utc(2025, 3, 31, 23, 59), utc(2025, 4, 1, 0, 0),
     utc(2025, 4, 1, 0, 14), utc(2025, 4, 1, 12, 30), utc(2025, 2, 28, 23, 45)]
)  # fmt: skip
_people = st.sampled_from(["ann", "bo", "cy", "guest"])
_op = st.one_of(
    st.tuples(st.just("new"), st.sampled_from("abc"), _starts, st.booleans(),
              st.lists(_people, max_size=4), st.none() | st.integers(1, 50)),
    st.tuples(st.just("late"), st.integers(0, 20), _people),
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from("abc"), _starts),
    st.tuples(st.just("end"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 20)),
)  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(_op, min_size=1, max_size=10))
def test_any_sequence_of_writes_leaves_the_summaries_equal_to_a_recount(ops):
    team = make_team(f"prop-{next(_teams)}", time_zone="UTC")
    made: list[Meeting] = []
    for op in ops:
        kind = op[0]
        if kind == "new":
            _, room, start, ended, who, peak = op
            m = meeting(team, room, start, start + timedelta(minutes=40) if ended else None,
                        peak=peak)  # fmt: skip
            for person in who:
                session(m, person, start, start + timedelta(minutes=10), guest=person == "guest")
            made.append(m)
            summarise(team, [m.pk])
        elif not made:
            continue
        elif kind == "late":
            m = made[op[1] % len(made)]
            session(m, op[2], m.start + timedelta(minutes=5), None, guest=op[2] == "guest")
            summarise(team, [m.pk])
        elif kind == "move":
            m = made[op[1] % len(made)]
            shift = op[3] - m.start
            Meeting.objects.filter(pk=m.pk).update(
                room=op[2], start=op[3], end=None if m.end is None else m.end + shift
            )
            m.refresh_from_db()
            made[op[1] % len(made)] = m
            summarise(team, [m.pk])
        elif kind == "end":
            m = made[op[1] % len(made)]
            end = m.start + timedelta(minutes=20) if op[2] else None
            Meeting.objects.filter(pk=m.pk).update(end=end, ongoing=end is None)
            m.refresh_from_db()
            summarise(team, [m.pk])
        elif kind == "delete":
            m = made.pop(op[1] % len(made))
            counted = rollups.forget_meetings(team.pk, [m.pk])
            Meeting.objects.filter(pk=m.pk).delete()
            rollups.recounted(team.pk, counted)
        assert_summaries_exact(team)


@pytest.mark.django_db
def test_a_rebuild_of_the_whole_team_gives_the_same_summaries(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(days=1))
    kept = stored(team)
    rollups.rebuild(team.pk)
    assert stored(team) == kept and kept[1]
    assert_summaries_exact(team)


@pytest.mark.django_db
def test_a_bulk_summary_equals_the_summary_of_each_meeting():
    from datetime import date

    from attendance.models import MeetingPresence, PersonDay
    from attendance.summary import summarise_bulk

    def history(team):
        for i in range(12):
            start = utc(2025, 3, 30, 20) + timedelta(hours=3 * i)
            m = meeting(team, "abc"[i % 3], start, None if i == 11 else start + timedelta(hours=1))
            session(m, "ann", start, start + timedelta(minutes=30), name="Ann")
            session(m, "ann", start + timedelta(minutes=20), None)
            session(m, "guest", start, start + timedelta(minutes=5), guest=True)
            session(m, f"p{i % 4}", start + timedelta(minutes=i), start + timedelta(minutes=50))

    def figures(team):
        presence = {
            (p.start, p.identity, p.sessions, round(p.merged, 3), p.open)
            for p in MeetingPresence.objects.filter(team=team)
        }
        days = {
            (d.day, d.identity, d.meetings, d.sessions, round(d.merged, 3))
            for d in PersonDay.objects.filter(team=team)
        }
        periods = stored(team)[1]
        return presence, days, periods, stored(team)[2]

    one = make_team("one-by-one", time_zone="Asia/Kolkata")
    history(one)
    summarise(one, list(Meeting.objects.filter(team=one).values_list("pk", flat=True)))
    bulk = make_team("in-bulk", time_zone="Asia/Kolkata")
    history(bulk)
    assert summarise_bulk(bulk, date(2025, 3, 30), date(2025, 4, 2)) == 11
    rollups.rebuild(bulk.pk)
    assert figures(bulk) == figures(one) and figures(one)[0]
    assert_summaries_exact(bulk)
