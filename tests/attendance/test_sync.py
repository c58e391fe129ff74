"""The sync reaches the simulator's ground truth exactly, for both dialects."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

import daily
from attendance.locks import TeamLease
from attendance.models import Attendance, Meeting, SyncOutcome, SyncRun, SyncState
from attendance.sync import OVERLAP, SETTLE, sync_team
from teams.models import Dialect
from tests.attendance.helpers import assert_matches_truth, at
from tests.factories import team_on

DIALECTS = [Dialect.DOMAINS, Dialect.REST]


@pytest.mark.django_db
@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_first_sync_of_90_days_equals_ground_truth(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    run = sync_team(team, now=now)
    assert run.outcome == SyncOutcome.OK
    meetings, sessions = assert_matches_truth(fast_sim, team, run.window_start, run.window_end)
    assert meetings > 1000 and sessions > 10000  # the seed's 90 days of history
    assert run.meetings_written == meetings and run.rows_written == sessions
    assert SyncState.objects.get(team=team).watermark == run.window_end


@pytest.mark.django_db
def test_a_domains_window_with_more_than_100_meetings_is_split(fast_sim):
    team = team_on(fast_sim, Dialect.DOMAINS)
    now = at(fast_sim.now())
    run = sync_team(team, now=now, since=now - timedelta(days=5))
    assert run.meetings_seen > 100
    calls = sum(n for route, n in fast_sim.request_counts().items() if "meetings" in route)
    assert calls > run.meetings_seen // 100  # more than one call of at most 100 each
    assert_matches_truth(fast_sim, team, run.window_start, run.window_end)


@pytest.mark.django_db
def test_rest_meetings_arrive_over_several_pages(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    run = sync_team(team, now=now, since=now - timedelta(days=5))
    assert run.meetings_seen > 100
    pages = sum(n for route, n in fast_sim.request_counts().items() if "meetings" in route)
    assert pages >= 2
    assert_matches_truth(fast_sim, team, run.window_start, run.window_end)


@pytest.mark.django_db
@pytest.mark.parametrize("dialect", DIALECTS)
def test_syncing_the_same_window_twice_writes_no_duplicate(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    since = now - timedelta(days=3)
    first = sync_team(team, now=now, since=since)
    counts = (Meeting.objects.count(), Attendance.objects.count())
    second = sync_team(team, now=now, since=since)
    assert (Meeting.objects.count(), Attendance.objects.count()) == counts
    assert second.meetings_seen == first.meetings_seen
    assert_matches_truth(fast_sim, team, first.window_start, first.window_end)


# PostgreSQL: the test database of SQLite is in memory with a shared cache, where a
# second writer is refused at once ("database table is locked") instead of waiting for
# the busy timeout as a SQLite file does, so the race is not the product's there.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_two_syncs_started_at_once_reach_ground_truth_once(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    since = now - timedelta(days=3)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcomes.append(sync_team(team, now=now, since=since).outcome)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert SyncOutcome.OK in outcomes
    assert set(outcomes) <= {SyncOutcome.OK, SyncOutcome.SKIPPED}
    window = SyncRun.objects.filter(team=team, outcome=SyncOutcome.OK).first()
    assert_matches_truth(fast_sim, team, window.window_start, window.window_end)


@pytest.mark.django_db
@pytest.mark.parametrize("dialect", DIALECTS)
def test_meetings_ongoing_at_one_sync_are_complete_after_the_next(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    first = sync_team(team, now=now, since=now - timedelta(days=1))
    ongoing = list(Meeting.objects.filter(team=team, ongoing=True).values_list("key", flat=True))
    assert ongoing, "the seed has meetings live at its frozen now"
    later = fast_sim.clock(advance=6 * 3600)["now"]
    second = sync_team(team, now=at(later))
    assert second.window_start <= first.window_end - OVERLAP
    assert not Meeting.objects.filter(team=team, key__in=ongoing, ongoing=True).exists()
    assert_matches_truth(fast_sim, team, first.window_start, second.window_end)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "faults",
    [
        {"p_5xx": 0.5},
        {"p_429": 0.5},
        {"p_drop": 0.3},
        {"p_error_in_200": 0.5},
        {"p_hang": 0.3, "hang_seconds": 3},
    ],
    ids=["5xx", "429", "dropped", "error-in-200", "timeout"],
)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_faults_fail_cleanly_and_the_next_run_reaches_truth(fast_sim, dialect, faults, settings):
    settings.DAILY_HTTP_TIMEOUT = (1.0, 1.0)
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    since = now - timedelta(days=2)
    fast_sim.faults(fault_seed=7, **faults)
    try:
        run = sync_team(team, now=now, since=since)
    except daily.DailyError:
        run = SyncRun.objects.filter(team=team).first()
        assert run.outcome == SyncOutcome.FAILED and run.error_type
        # The watermark moves with the checkpoints only: never past what was written.
        assert SyncState.objects.get(team=team).watermark == run.checkpoint
        assert run.checkpoint is None or run.checkpoint < run.window_end
    fast_sim.clear_faults()
    run = sync_team(team, now=now, since=since)
    assert run.outcome == SyncOutcome.OK
    assert_matches_truth(fast_sim, team, run.window_start, run.window_end)


@pytest.mark.django_db
def test_an_auth_error_stops_and_is_recorded_on_the_team(fast_sim):
    team = team_on(fast_sim, Dialect.REST, token="not-the-right-key-000")
    with pytest.raises(daily.AuthError):
        sync_team(team, now=at(fast_sim.now()))
    state = SyncState.objects.get(team=team)
    assert state.blocked_by_auth and state.watermark is None
    run = SyncRun.objects.get(team=team)
    assert run.outcome == SyncOutcome.FAILED
    assert "not-the-right-key" not in run.error


@pytest.mark.django_db
def test_the_next_run_starts_an_overlap_behind_the_watermark(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    first = sync_team(team, now=now, since=now - timedelta(hours=6))
    second = sync_team(team, now=now + timedelta(minutes=5))
    assert first.window_end == now - SETTLE
    assert second.window_start <= first.window_end - OVERLAP


@pytest.mark.django_db
def test_a_held_lease_makes_a_second_run_skip_and_a_lapsed_one_is_taken_over(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    holder = TeamLease(team, ttl=timedelta(minutes=5))
    assert holder.acquire()
    run = sync_team(team, now=at(fast_sim.now()), since=at(fast_sim.now()) - timedelta(hours=1))
    assert run.outcome == SyncOutcome.SKIPPED
    SyncState.objects.filter(team=team).update(lock_expires=at(0))  # the holder died
    run = sync_team(team, now=at(fast_sim.now()), since=at(fast_sim.now()) - timedelta(hours=1))
    assert run.outcome == SyncOutcome.OK
