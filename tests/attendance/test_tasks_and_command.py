"""The beat dispatcher and the sync_attendance command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import daily
from attendance.models import SyncOutcome, SyncRun, SyncState, SyncTrigger
from attendance.tasks import dispatch_due_syncs, sync_team_task
from teams.models import Dialect
from tests.attendance.helpers import assert_matches_truth, at
from tests.factories import make_team, team_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(sync_team_task, "delay", lambda *args: calls.append(args))
    return calls


def _ran(team, minutes_ago: int, outcome=SyncOutcome.OK) -> None:
    run = SyncRun.objects.create(team=team, trigger=SyncTrigger.SCHEDULE, outcome=outcome)
    SyncRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_the_dispatcher_queues_each_team_whose_own_interval_has_passed(queued):
    never = make_team("never")
    due = make_team("due", sync_interval=300)
    _ran(due, minutes_ago=6)
    fresh = make_team("fresh", sync_interval=300)
    _ran(fresh, minutes_ago=2)
    slow = make_team("slow", sync_interval=3600)
    _ran(slow, minutes_ago=30)
    assert sorted(dispatch_due_syncs()) == sorted([never.pk, due.pk])
    assert sorted(queued) == sorted([(never.pk, "schedule"), (due.pk, "schedule")])


def test_the_dispatcher_skips_teams_blocked_by_auth_disabled_or_without_token(queued):
    blocked = make_team("blocked")
    SyncState.objects.create(team=blocked, blocked_by_auth=True)
    make_team("off", sync_enabled=False)
    tokenless = make_team("tokenless")
    tokenless.token_encrypted = ""
    tokenless.save()
    assert dispatch_due_syncs() == []
    assert queued == []


def test_a_skipped_run_does_not_count_as_the_last_sync(queued):
    team = make_team("busy", sync_interval=300)
    _ran(team, minutes_ago=10)
    _ran(team, minutes_ago=1, outcome=SyncOutcome.SKIPPED)
    assert dispatch_due_syncs() == [team.pk]


def test_the_command_backfills_a_window_and_reports_it(fast_sim, settings):
    team = team_on(fast_sim, Dialect.DOMAINS)
    out = StringIO()
    now = at(fast_sim.now())
    until = (now - timedelta(days=1)).replace(second=0, microsecond=0)
    since = until - timedelta(days=2)
    call_command(
        "sync_attendance",
        "--team",
        team.slug,
        "--since",
        since.isoformat(),
        "--until",
        until.isoformat(),
        stdout=out,
    )
    text = out.getvalue()
    assert "100%" in text and f"Synced {team.name}" in text
    run = SyncRun.objects.get(team=team)
    assert run.trigger == SyncTrigger.COMMAND
    assert (run.window_start, run.window_end) == (since, until)
    assert_matches_truth(fast_sim, team, since, until)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team", "nope"], "No team 'nope'"),
        (["--team", "t1", "--since", "yesterday"], "not a date"),
        (["--team", "t1", "--since", "2026-02-01", "--until", "2026-01-01"], "before --until"),
        (["--team", "t1", "--since", "2026-01-01", "--until", "2999-01-01"], "future"),
    ],
)
def test_the_command_explains_bad_arguments(args, message):
    make_team("t1")
    with pytest.raises(CommandError, match=message):
        call_command("sync_attendance", *args)


def test_the_command_reports_an_upstream_failure_plainly():
    make_team("down", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(CommandError, match="The sync failed"):
        call_command("sync_attendance", "--team", "down", "--since", "2026-01-01")


def test_a_failed_backfill_says_what_is_kept_and_the_same_command_continues(fast_sim, monkeypatch):
    from attendance import sync

    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    until = (now - timedelta(days=1)).replace(second=0, microsecond=0)
    since = until - timedelta(days=2)
    args = ["--team", team.slug, "--since", since.isoformat(), "--until", until.isoformat()]
    real = sync._checkpoint
    calls = []

    def second_fails(state, run, sub, *, backfill):
        calls.append(sub)
        if len(calls) == 2:
            raise daily.Unavailable("Daily could not be reached.")
        real(state, run, sub, backfill=backfill)

    monkeypatch.setattr(sync, "_checkpoint", second_fails)
    with pytest.raises(CommandError, match="run the same command again to continue") as failed:
        call_command("sync_attendance", *args, stdout=StringIO())
    kept = since + sync.SUB_WINDOW
    assert f"Everything up to {kept:%Y-%m-%d %H:%M} UTC is written" in str(failed.value)
    monkeypatch.setattr(sync, "_checkpoint", real)
    out = StringIO()
    call_command("sync_attendance", *args, stdout=out)
    assert f"Continued an unfinished backfill from {kept:%Y-%m-%d %H:%M} UTC." in out.getvalue()
    assert SyncRun.objects.filter(team=team).first().window_start == kept
    assert_matches_truth(fast_sim, team, since, until)
