"""Round trips through a real Celery worker process on real Redis and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from attendance.models import SyncOutcome, SyncRun, SyncTrigger
from attendance.tasks import sync_team_task
from teams.models import Dialect
from tests.attendance.helpers import assert_matches_truth
from tests.factories import team_on
from tests.support.simulator import SimulatorProcess, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def live_sim():
    """A simulator whose clock stands at today, so the worker's real `now` finds history."""
    process = SimulatorProcess().start(rate_limits=False)
    process.clock(follow_real=False)  # frozen from here: ground truth stays put
    yield process
    process.stop()


class Worker:
    def __init__(self, queue: str, log: Path) -> None:
        self.log = log
        db = connection.settings_dict
        user = db.get("USER") or "postgres"
        url = f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        env = {
            **os.environ,
            "DATABASE_URL": f"{url}/{db['NAME']}",
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "DAILY_SYNC_LEASE_SECONDS": "3",
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dailyadmin",
                "worker",
                "-Q",
                queue,
                "-c",
                "1",
                "-n",
                f"{queue}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=REPO,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=log.open("a"),
        )

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def queue():
    return f"test-{uuid.uuid4().hex[:8]}"


def wait_for_run(worker: Worker, predicate, timeout: float = 120):
    try:
        return wait_until(predicate, timeout=timeout, interval=0.3)
    except AssertionError:
        pytest.fail(f"the worker did not finish; its log ends with:\n{worker.log_tail()}")


def _ok_run(team):
    return SyncRun.objects.filter(team=team, outcome=SyncOutcome.OK).first()


def test_a_sync_queued_from_the_web_runs_on_a_real_worker(live_sim, queue, tmp_path):
    team = team_on(live_sim, Dialect.REST)
    worker = Worker(queue, tmp_path / "worker.log")
    try:
        sync_team_task.apply_async(args=[team.pk, SyncTrigger.MANUAL], queue=queue)
        run = wait_for_run(worker, lambda: _ok_run(team))
    finally:
        worker.stop()
    assert run.trigger == SyncTrigger.MANUAL
    assert run.meetings_written > 0
    assert_matches_truth(live_sim, team, run.window_start, run.window_end)


def test_a_worker_killed_mid_run_loses_nothing_and_the_task_completes(live_sim, queue, tmp_path):
    team = team_on(live_sim, Dialect.DOMAINS)
    live_sim.faults(latency_ms=40)  # slow enough to be caught in the middle
    first = Worker(queue, tmp_path / "first.log")
    try:
        sync_team_task.apply_async(args=[team.pk, SyncTrigger.MANUAL], queue=queue)
        wait_until(
            lambda: SyncRun.objects.filter(team=team, outcome=SyncOutcome.RUNNING).exists(),
            timeout=60,
            interval=0.1,
        )
        time.sleep(1.5)
    finally:
        first.kill()
    killed = SyncRun.objects.get(team=team)
    assert killed.outcome == SyncOutcome.RUNNING and killed.finished_at is None
    live_sim.clear_faults()

    second = Worker(queue, tmp_path / "second.log")
    try:
        # acks_late: the message was never acknowledged, so Redis hands it out again.
        run = wait_for_run(second, lambda: _ok_run(team))
    finally:
        second.stop()
    killed.refresh_from_db()
    assert killed.outcome == SyncOutcome.FAILED and killed.error_type == "WorkerLost"
    assert_matches_truth(live_sim, team, run.window_start, run.window_end)
