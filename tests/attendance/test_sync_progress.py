"""The sync always makes progress: sub-windows, checkpoints, resumed backfills, faults."""

from __future__ import annotations

import itertools
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import daily
from attendance import sync
from attendance.models import Meeting, SyncOutcome, SyncRun, SyncState, SyncTrigger
from attendance.sync import SUB_WINDOW, sync_team
from teams.models import Dialect
from tests.attendance.helpers import assert_matches_truth, at
from tests.factories import team_on

pytestmark = [pytest.mark.django_db, pytest.mark.simulator]
DIALECTS = [Dialect.DOMAINS, Dialect.REST]
# Issue 12's "ordinary faults", and five times as many.
FAULTS_2 = {"p_5xx": 0.02, "p_drop": 0.01, "p_error_in_200": 0.01}
FAULTS_10 = {"p_5xx": 0.10, "p_drop": 0.10, "p_error_in_200": 0.10}


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch):
    monkeypatch.setattr(sync, "SUB_WINDOW_PAUSE", 0.0)


def fail_at_checkpoint(monkeypatch, n: int) -> list:
    """The n-th checkpoint of the next run fails (Daily unavailable) before it is taken."""
    taken: list = []
    real = sync._checkpoint

    def checkpoint(state, run, sub, *, backfill):
        if len(taken) + 1 == n:
            raise daily.Unavailable("Daily could not be reached.")
        taken.append(sub)
        real(state, run, sub, backfill=backfill)

    monkeypatch.setattr(sync, "_checkpoint", checkpoint)
    return taken


def test_a_sub_window_grows_after_a_quiet_one_and_shrinks_after_a_busy_one():
    hours = timedelta(hours=1)
    assert sync.next_size(6 * hours, 10) == 12 * hours
    assert sync.next_size(16 * hours, 99) == sync.SUB_WINDOW_MAX == 24 * hours
    assert sync.next_size(6 * hours, 300) == 6 * hours
    assert sync.next_size(6 * hours, 501) == 3 * hours
    assert sync.next_size(1.5 * hours, 800) == sync.SUB_WINDOW_MIN == hours


def assert_contiguous_and_sized(team, start, subs) -> None:
    """The sub-windows follow each other from `start`, each sized after what the one
    before it held (the meetings stored now, which are what Daily listed)."""
    assert subs[0].start == start and subs[0].end - subs[0].start == SUB_WINDOW
    for before, after in itertools.pairwise(subs):
        held = Meeting.objects.filter(team=team, start__gte=before.start, start__lt=before.end)
        assert after.start == before.end
        assert after.end - after.start == sync.next_size(before.end - before.start, held.count())


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_failed_first_sync_keeps_its_checkpoints_and_the_next_run_continues(
    fast_sim, dialect, monkeypatch
):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    monkeypatch.setattr(sync, "initial_history", lambda: timedelta(days=2))
    taken = fail_at_checkpoint(monkeypatch, 4)
    with pytest.raises(daily.Unavailable):
        sync_team(team, now=now)
    failed = SyncRun.objects.get(team=team)
    assert failed.outcome == SyncOutcome.FAILED
    assert len(taken) == 3 and failed.checkpoint == taken[-1].end
    assert_contiguous_and_sized(team, failed.window_start, taken)
    assert taken[1].end - taken[1].start > SUB_WINDOW  # a quiet seed: they grow
    assert SyncState.objects.get(team=team).watermark == failed.checkpoint
    monkeypatch.undo()
    monkeypatch.setattr(sync, "SUB_WINDOW_PAUSE", 0.0)
    again = sync_team(team, now=now)
    assert again.outcome == SyncOutcome.OK
    assert again.window_start == failed.checkpoint - sync.OVERLAP
    assert_matches_truth(fast_sim, team, failed.window_start, again.window_end)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_backfill_of_an_older_window_resumes_at_its_own_checkpoint(
    fast_sim, dialect, monkeypatch
):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(hours=3))  # a recent watermark
    watermark = SyncState.objects.get(team=team).watermark
    since = (now - timedelta(days=4)).replace(second=0, microsecond=0)
    until = since + timedelta(days=2)
    taken = fail_at_checkpoint(monkeypatch, 3)
    with pytest.raises(daily.Unavailable):
        sync_team(team, now=now, since=since, until=until)
    state = SyncState.objects.get(team=team)
    assert state.watermark == watermark  # an older window never moves it
    assert (state.backfill_from, state.backfill_checkpoint) == (since, taken[-1].end)
    monkeypatch.undo()
    monkeypatch.setattr(sync, "SUB_WINDOW_PAUSE", 0.0)
    again = sync_team(team, now=now, since=since, until=until)
    assert again.window_start == taken[-1].end  # not from the start again
    state.refresh_from_db()
    assert state.backfill_from is None and state.backfill_checkpoint is None
    assert state.watermark == watermark
    assert_matches_truth(fast_sim, team, since, until)
    # Finished, the same request syncs its whole window again (a deliberate refresh).
    assert sync_team(team, now=now, since=since, until=until).window_start == since


def test_a_meeting_ongoing_at_a_checkpoint_is_revisited_by_the_next_run(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    first = sync_team(team, now=now, since=now - timedelta(days=1))
    ongoing = dict(Meeting.objects.filter(team=team, ongoing=True).values_list("key", "start"))
    assert ongoing, "the seed has meetings live at its frozen now"
    assert SyncState.objects.get(team=team).watermark == first.window_end > max(ongoing.values())
    later = at(fast_sim.clock(advance=6 * 3600)["now"])
    second = sync_team(team, now=later)
    assert second.window_start <= min(ongoing.values())
    assert not Meeting.objects.filter(team=team, key__in=ongoing, ongoing=True).exists()


def backfill_attempts(team, since, until, attempts: int) -> list[SyncRun]:
    """`sync_attendance --team T --since S --until U`, again after each failure."""
    runs = []
    for _ in range(attempts):
        try:
            call_command(
                "sync_attendance",
                "--team",
                team.slug,
                "--since",
                since.isoformat(),
                "--until",
                until.isoformat(),
                stdout=StringIO(),
            )
        except CommandError as exc:
            assert "run the same command again" in str(exc) or "failed" in str(exc)
        runs.append(SyncRun.objects.filter(team=team).first())
        if runs[-1].outcome == SyncOutcome.OK:
            break
    return runs


def assert_every_attempt_advanced(runs: list[SyncRun], since) -> None:
    reached = since
    for run in runs:
        assert run.trigger == SyncTrigger.COMMAND
        assert run.checkpoint is not None and run.checkpoint > reached, (
            "an attempt made no progress"
        )
        reached = run.checkpoint


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_backfill_under_ordinary_faults_completes_within_three_attempts(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    until = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
    since = until - timedelta(days=6)
    fast_sim.faults(fault_seed=12, **FAULTS_2)
    runs = backfill_attempts(team, since, until, attempts=3)
    fast_sim.clear_faults()
    assert runs[-1].outcome == SyncOutcome.OK, [r.error for r in runs]
    assert_every_attempt_advanced(runs, since)
    assert_matches_truth(fast_sim, team, since, until)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_backfill_under_ten_percent_faults_advances_on_every_run(fast_sim, dialect):
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    until = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
    since = until - timedelta(days=5)
    fast_sim.faults(fault_seed=10, **FAULTS_10)
    runs = backfill_attempts(team, since, until, attempts=10)
    fast_sim.clear_faults()
    assert runs[-1].outcome == SyncOutcome.OK, [r.error for r in runs]
    assert_every_attempt_advanced(runs, since)
    assert_matches_truth(fast_sim, team, since, until)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_runs_that_fail_under_heavy_faults_keep_what_they_wrote(fast_sim, dialect, monkeypatch):
    """A sub-window asked once only, with most requests failing: runs do fail, and each
    continues where the one before stopped until the backfill is complete."""
    monkeypatch.setattr(sync, "SUB_WINDOW_ATTEMPTS", 1)
    team = team_on(fast_sim, dialect)
    now = at(fast_sim.now())
    until = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
    since = until - timedelta(days=5)
    fast_sim.faults(fault_seed=3, p_5xx=0.6)
    runs = backfill_attempts(team, since, until, attempts=40)
    fast_sim.clear_faults()
    assert runs[-1].outcome == SyncOutcome.OK
    failed = [r for r in runs if r.outcome == SyncOutcome.FAILED]
    assert failed, "faults this heavy fail some runs"
    reached = since
    for run in failed:
        assert run.window_start <= max(reached, since)  # resumed, never skipped ahead
        reached = max(reached, run.checkpoint or reached)
    assert runs[-1].window_start == reached  # the last run only did what was left
    assert_matches_truth(fast_sim, team, since, until)
