"""The rooms mirror's fill through a real Celery worker on Redis and PostgreSQL, and its
resumption by another worker after the first is killed (SIGKILL) in the middle."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from rooms import mirror
from rooms.models import MirrorState, RoomMirror
from rooms.tasks import fill_task
from teams.models import Dialect
from tests.attendance.test_celery_worker import Worker
from tests.factories import team_on
from tests.rooms.test_mirror import daily_names, list_calls, pages
from tests.support.simulator import SimulatorProcess, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def big_sim() -> Iterator[SimulatorProcess]:
    process = SimulatorProcess().start("--rooms", "1000", rate_limits=False)
    yield process
    process.stop()


@pytest.fixture
def worker_env(monkeypatch):
    # A killed worker's lease lapses, and its message comes back, within seconds.
    monkeypatch.setenv("ROOMS_MIRROR_LEASE_SECONDS", "3")


def _ready(team):
    return RoomMirror.objects.filter(team=team, state=MirrorState.READY).first()


def test_a_fill_killed_with_its_worker_is_finished_by_the_next_from_where_it_stopped(
    big_sim, worker_env, tmp_path
):
    big_sim.reset()
    big_sim.clear_request_counts()
    truth = daily_names(big_sim)
    team = team_on(big_sim, Dialect.REST)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    big_sim.faults(latency_ms=250)  # about 4 pages a second: caught in the middle
    big_sim.clear_request_counts()
    first = Worker(queue, tmp_path / "first.log")
    try:
        fill_task.apply_async(args=[team.pk], queue=queue)
        wait_until(
            lambda: RoomMirror.objects.filter(team=team, walk_seen__gte=300).exists(),
            timeout=60,
            interval=0.05,
        )
    finally:
        first.kill()
    killed = mirror.state(team)
    assert killed.state == MirrorState.FILLING and killed.lease_until is not None
    assert 300 <= killed.walk_seen < len(truth)
    big_sim.clear_faults()

    second = Worker(queue, tmp_path / "second.log")
    try:
        # acks_late: the message was never acknowledged, so Redis hands it out again.
        try:
            wait_until(lambda: _ready(team), timeout=90, interval=0.3)
        except AssertionError:
            pytest.fail(f"the fill did not finish; the worker's log:\n{second.log_tail()}")
    finally:
        second.stop()
    names = list(mirror.rooms(team).values_list("name", flat=True))
    assert len(names) == len(set(names)) and set(names) == truth
    # Not started over: every page once, plus at most the two in flight at the kill (the
    # page being stored and the next, fetched meanwhile).
    assert list_calls(big_sim) <= pages(len(truth)) + 2
