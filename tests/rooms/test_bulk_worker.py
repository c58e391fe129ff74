"""Bulk jobs through a real Celery worker process, on real Redis and PostgreSQL: exactly one
audit event per room, also when the worker is killed in the middle of the job."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import requests

from rooms import bulk, mirror
from rooms.bulk_tasks import run_bulk_job
from rooms.models import BulkItemState, BulkJob, BulkJobState
from teams.models import AuditAction, AuditEvent, Dialect, Outcome, Role
from tests.attendance.test_celery_worker import Worker, wait_for_run
from tests.factories import make_member, team_on
from tests.support.simulator import SimulatorProcess, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOMS = 60


@pytest.fixture(scope="module")
def live_sim():
    process = SimulatorProcess().start(rate_limits=False)
    yield process
    process.stop()


@pytest.fixture
def queue():
    import uuid

    return f"test-bulk-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def fast_worker_env(monkeypatch, settings):
    # Daily's delete rate would make 60 rooms take half a minute: the pacer has tests of its
    # own. A short lease lets the second worker take over a killed one's job quickly.
    settings.DAILY_PACING = False
    monkeypatch.setenv("DAILY_PACING", "false")
    monkeypatch.setenv("DAILY_BULK_LEASE_SECONDS", "3")


def _job_of_rooms(sim, count):
    """A REST team with `count` rooms named bulk-NN, mirrored, and a job deleting them."""
    team = team_on(sim, Dialect.REST)
    sim.reset()
    names = [f"bulk-{i:03d}" for i in range(count)]
    for name in names:
        response = requests.post(
            f"{sim.rest_base_url}/rooms",
            headers=sim.rest_headers,
            json={"name": name, "privacy": "public"},
            timeout=5,
        )
        assert response.status_code == 200, response.text
    assert mirror.fill(team)
    user = make_member(team, Role.ADMIN)
    job = bulk.create_job(
        team=team,
        user_id=user.pk,
        action="delete",
        privacy=None,
        rooms=[(name, "public") for name in names],
    )
    return team, job, names


def _assert_each_room_deleted_once(sim, team, job, names):
    job.refresh_from_db()
    assert (job.state, job.done_count, job.failed_count, job.skipped_count) == (
        BulkJobState.DONE,
        len(names),
        0,
        0,
    )
    assert set(job.items.values_list("state", flat=True)) == {BulkItemState.DONE}
    events = AuditEvent.objects.filter(team=team, action=AuditAction.ROOM_DELETE)
    assert Counter(events.values_list("target", flat=True)) == Counter(names)
    assert set(events.values_list("outcome", flat=True)) == {Outcome.OK}
    for name in names:
        gone = requests.get(
            f"{sim.rest_base_url}/rooms/{name}", headers=sim.rest_headers, timeout=5
        )
        assert gone.status_code == 404, name
    assert not mirror.rooms(team).filter(name__in=names).exists()


def test_a_bulk_delete_runs_on_a_real_worker_once_per_room(
    live_sim, queue, tmp_path, fast_worker_env
):
    team, job, names = _job_of_rooms(live_sim, ROOMS)
    worker = Worker(queue, tmp_path / "worker.log")
    try:
        run_bulk_job.apply_async(args=[job.pk], queue=queue)
        wait_for_run(worker, lambda: BulkJob.objects.filter(pk=job.pk, state="done").exists())
    finally:
        worker.stop()
    _assert_each_room_deleted_once(live_sim, team, job, names)


def test_a_worker_killed_mid_job_is_taken_over_and_no_room_counts_twice(
    live_sim, queue, tmp_path, fast_worker_env
):
    team, job, names = _job_of_rooms(live_sim, ROOMS)
    live_sim.faults(latency_ms=300)  # each call slow enough to be caught in the middle
    first = Worker(queue, tmp_path / "first.log")
    try:
        run_bulk_job.apply_async(args=[job.pk], queue=queue)
        wait_until(
            lambda: BulkJob.objects.get(pk=job.pk).done_count >= 10, timeout=60, interval=0.05
        )
        time.sleep(0.15)  # half a call: killed with a DELETE sent and not yet answered
    finally:
        first.kill()
    killed = BulkJob.objects.get(pk=job.pk)
    assert killed.state == BulkJobState.RUNNING and 10 <= killed.done_count < ROOMS
    in_flight = list(job.items.filter(state=BulkItemState.SENDING).values_list("room", flat=True))
    assert len(in_flight) == 1
    live_sim.clear_faults()

    second = Worker(queue, tmp_path / "second.log")
    try:
        # acks_late: the message was never acknowledged, so Redis hands it out again; the
        # new runner waits for the dead one's lease to lapse, then takes the job over.
        wait_for_run(second, lambda: BulkJob.objects.filter(pk=job.pk, state="done").exists())
    finally:
        second.stop()
    _assert_each_room_deleted_once(live_sim, team, job, names)
