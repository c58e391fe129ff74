"""Stored presence summaries: written with the sessions, equal to the live computation."""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import Meeting, MeetingPresence, PersonDay
from attendance.reconcile import PROVISIONAL
from attendance.reports.filters import ReportFilters
from attendance.reports.people import people_rows
from attendance.reports.presence import Scope, presence_cte
from attendance.reports.sql import fetch_all
from attendance.summary import summarise, summarise_pending
from attendance.sync import sync_team
from teams.models import Dialect
from tests.attendance.helpers import at
from tests.attendance.reports_support import meeting, session, utc
from tests.attendance.test_webhooks import _endpoint, _event, _post
from tests.factories import make_team, team_on

DIALECTS = [Dialect.DOMAINS, Dialect.REST]


def stored(team) -> set[tuple]:
    rows = MeetingPresence.objects.filter(team=team).values_list(
        "meeting_id", "identity", "name", "sessions", "first_join", "last_leave", "open", "merged"
    )
    return {
        (m, i, n, s, round(j, 3), round(lv, 3), bool(o), round(x, 3))
        for m, i, n, s, j, lv, o, x in rows
    }


def computed(team, meeting_ids) -> set[tuple]:
    """The same rows, computed from the sessions now (identified people only)."""
    scope = Scope(
        filters=ReportFilters.default(team), meeting_ids=list(meeting_ids), include_guests=False
    )
    cte, params = presence_cte(scope)
    columns = "meeting_id, identity, name, sessions, first_join, last_leave, open, merged"
    sql = f"{cte} SELECT {columns} FROM pm"  # noqa: S608 (constants only)
    return {
        (m, i, n, s, round(j, 3), round(lv, 3), bool(o), round(x, 3))
        for m, i, n, s, j, lv, o, x in fetch_all(sql, params)
    }


def days(team) -> dict[tuple, tuple]:
    return {
        (d.day, d.identity): (
            d.name,
            d.meetings,
            d.sessions,
            round(d.merged, 3),
            round(d.first_join, 3),
            round(d.last_leave, 3),
            d.open,
        )
        for d in PersonDay.objects.filter(team=team)
    }


def days_from_meetings(team) -> dict[tuple, tuple]:
    """PersonDay as it should be: MeetingPresence added up per UTC day, in Python."""
    out: dict[tuple, list] = {}
    for p in MeetingPresence.objects.filter(team=team):
        key = (p.start.astimezone(UTC).date(), p.identity)
        if key not in out:
            out[key] = [p.name, 0, 0, 0.0, p.first_join, p.last_leave, False]
        f = out[key]
        f[0] = max(f[0], p.name)
        f[1] += 1
        f[2] += p.sessions
        f[3] += p.merged
        f[4] = min(f[4], p.first_join)
        f[5] = max(f[5], p.last_leave)
        f[6] = f[6] or p.open
    return {
        key: (n, m, s, round(x, 3), round(j, 3), round(lv, 3), o)
        for key, (n, m, s, x, j, lv, o) in out.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_sync_stores_the_summary_of_every_ended_meeting_and_only_those(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(days=2))
    ended = set(Meeting.objects.filter(team=team, end__isnull=False).values_list("pk", flat=True))
    ongoing = set(Meeting.objects.filter(team=team, end__isnull=True).values_list("pk", flat=True))
    assert len(ended) > 50 and ongoing, "the simulator's demo day has both kinds"
    assert (
        set(Meeting.objects.filter(team=team, summarised=True).values_list("pk", flat=True))
        == ended
    )
    rows = stored(team)
    assert rows == computed(team, ended)
    assert {r[0] for r in rows} <= ended
    assert not MeetingPresence.objects.filter(team=team, identity__startswith="session:").exists()

    assert days(team) == days_from_meetings(team) and days(team)

    # A second sync of the same window rewrites them: the same rows, none twice.
    sync_team(team, now=now, since=now - timedelta(days=2))
    assert stored(team) == rows
    assert days(team) == days_from_meetings(team)
    assert MeetingPresence.objects.filter(team=team).count() == len(rows)


@pytest.mark.django_db
def test_summarising_again_replaces_rows_and_an_ongoing_meeting_gets_none():
    team = make_team("again", time_zone="UTC")
    done = meeting(team, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10))
    session(done, "ann@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30))
    live = meeting(team, "beta", utc(2025, 3, 10, 9), None)
    session(live, "bo@example.com", utc(2025, 3, 10, 9), None)
    summarise(team, [done.pk, live.pk])
    assert MeetingPresence.objects.get(meeting=done).merged == 1800
    assert not MeetingPresence.objects.filter(meeting=live).exists()
    assert not Meeting.objects.get(pk=live.pk).summarised

    # A late session of the ended meeting: summarised again, the row replaced.
    session(done, "ann@example.com", utc(2025, 3, 10, 9, 45), utc(2025, 3, 10, 10))
    summarise(team, [done.pk])
    row = MeetingPresence.objects.get(meeting=done)
    assert (row.sessions, row.merged) == (2, 2700)
    assert summarise_pending(team) == 0  # nothing ended is left without a summary


@pytest.mark.django_db
def test_day_sums_stay_exact_as_meetings_are_added_to_and_replaced_on_a_day():
    """New meetings are added to a day's sums; a meeting summarised again makes its
    days be added up anew. Every step is checked against the whole day added up."""
    team = make_team("day-sums", time_zone="UTC")
    first = meeting(team, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10))
    session(first, "ann@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30), name="Ann")
    session(first, "bo@example.com", utc(2025, 3, 10, 9, 5), utc(2025, 3, 10, 9, 10))
    summarise(team, [first.pk])
    assert days(team) == days_from_meetings(team)

    # A later meeting the same day, and one the next day: added to the sums.
    second = meeting(team, "beta", utc(2025, 3, 10, 23), utc(2025, 3, 10, 23, 50))
    session(second, "ann@example.com", utc(2025, 3, 10, 23), None, name="Ann B")
    session(second, "cy@example.com", utc(2025, 3, 10, 23, 1), utc(2025, 3, 10, 23, 2))
    third = meeting(team, "alpha", utc(2025, 3, 11, 1), utc(2025, 3, 11, 2))
    session(third, "ann@example.com", utc(2025, 3, 11, 1), utc(2025, 3, 11, 1, 20))
    summarise(team, [second.pk, third.pk])
    ann = PersonDay.objects.get(team=team, day=utc(2025, 3, 10).date(), identity="ann@example.com")
    assert (ann.name, ann.meetings, ann.sessions, ann.open) == ("Ann B", 2, 2, True)
    assert ann.merged == 1800 + 3000
    assert days(team) == days_from_meetings(team)

    # The first meeting again (a late session) in one batch with a new meeting of its
    # day: the day is added up anew, the new meeting counted once.
    session(first, "dee@example.com", utc(2025, 3, 10, 9, 40), utc(2025, 3, 10, 9, 59))
    fourth = meeting(team, "gamma", utc(2025, 3, 10, 12), utc(2025, 3, 10, 13))
    session(fourth, "bo@example.com", utc(2025, 3, 10, 12), utc(2025, 3, 10, 12, 30))
    summarise(team, [fourth.pk, first.pk, third.pk])
    assert days(team) == days_from_meetings(team)
    bo = PersonDay.objects.get(team=team, day=utc(2025, 3, 10).date(), identity="bo@example.com")
    assert (bo.meetings, bo.merged) == (2, 300 + 1800)

    # A meeting whose start moved to another day: gone from the old day, on the new one.
    Meeting.objects.filter(pk=third.pk).update(start=utc(2025, 3, 9, 22), end=utc(2025, 3, 9, 23))
    summarise(team, [third.pk])
    assert days(team) == days_from_meetings(team)
    assert not PersonDay.objects.filter(team=team, day=utc(2025, 3, 11).date()).exists()
    assert stored(team) == computed(team, [first.pk, second.pk, third.pk, fourth.pk])


@pytest.mark.django_db
def test_only_a_meeting_with_a_summary_to_store_takes_the_teams_day_lock():
    """Participant events of an ongoing meeting summarise nothing, so they do not queue
    behind a sync's day sums for the team's lock."""
    team = make_team("locks", time_zone="UTC")
    live = meeting(team, "beta", utc(2025, 3, 10, 9), None)
    session(live, "bo@example.com", utc(2025, 3, 10, 9), None)
    done = meeting(team, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10))
    session(done, "ann@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30))

    def team_reads(ids) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            summarise(team, ids)
        return [q["sql"] for q in ctx.captured_queries if 'FROM "teams_team"' in q["sql"]]

    assert team_reads([live.pk]) == []
    locks = team_reads([done.pk])
    assert len(locks) == 1
    if connection.vendor == "postgresql":
        assert locks[0].endswith("FOR NO KEY UPDATE")
    assert MeetingPresence.objects.filter(meeting=done).exists()


@pytest.mark.django_db
def test_a_meeting_ended_by_webhook_is_summarised_and_a_late_leave_updates_it(client):
    team = make_team("hooked-summary", time_zone="UTC")
    _endpoint(team)
    start = int(time.time()) - 3600
    joined = {"joined_at": start + 60, "session_id": "s-1", "room": "r", "user_id": "u-1"}
    steps = [
        ("meeting.started", {"start_ts": start, "meeting_id": "m-1", "room": "r"}),
        ("participant.joined", joined),
        (
            "meeting.ended",
            {"start_ts": start, "end_ts": start + 1800, "meeting_id": "m-1", "room": "r"},
        ),
    ]
    for n, (kind, payload) in enumerate(steps):
        assert _post(client, team, _event(kind, payload, event_id=f"e{n}")).status_code == 200
    m = Meeting.objects.get(team=team, key=PROVISIONAL + "m-1")
    assert m.summarised
    # No leave yet: counted up to the meeting's end.
    assert MeetingPresence.objects.get(meeting=m).merged == 1800 - 60
    left = _event("participant.left", {**joined, "duration": 600}, event_id="e9")
    assert _post(client, team, left).status_code == 200
    assert MeetingPresence.objects.get(meeting=m).merged == 600
    assert stored(team) == computed(team, [m.pk])
    assert days(team) == days_from_meetings(team) and days(team)


@pytest.mark.django_db
def test_the_people_report_is_the_same_before_and_after_summarising():
    team = make_team("same", time_zone="UTC")
    for i in range(6):
        m = meeting(team, f"room-{i % 2}", utc(2025, 3, 10, 9 + i), utc(2025, 3, 10, 10 + i))
        session(m, "ann@example.com", m.start, m.start + timedelta(minutes=20 + i), name="Ann")
        session(m, "ann@example.com", m.start + timedelta(minutes=10), m.end)
        session(m, f"u-{i % 3}", m.start + timedelta(minutes=i), None)
        session(m, "guest", m.start, m.start + timedelta(minutes=5), guest=True)
    live = meeting(team, "room-0", utc(2025, 3, 11, 9), None)
    session(live, "ann@example.com", utc(2025, 3, 11, 9), None)
    now = utc(2025, 3, 11, 9, 30)
    variants = [
        {},
        {"include_guests": True},
        {"min_percent": 60},
        {"room": "room-1"},
        {"person": "ann@example.com"},
        {"sort": "person"},
    ]

    def report(extra):
        f = ReportFilters(
            team=team, date_from=utc(2025, 3, 10).date(), date_to=now.date(), now=now, **extra
        )
        return list(people_rows(f))

    before = [report(v) for v in variants]
    assert summarise_pending(team) == 6
    assert [report(v) for v in variants] == before
    assert all(before), "every variant has rows"
