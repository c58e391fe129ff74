"""The slot stores shared by processes (teams/pacing.py): no slot is ever handed out twice,
whichever process asks, so a team's work in several processes keeps Daily's limit."""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid

import pytest
from django.test import override_settings

from daily.pacing import Pacer
from teams.models import Team
from teams.pacing import FileSlots, RedisSlots, pacer_for

PROCESSES = 3
EACH = 20
INTERVAL = 1.0  # long enough that slot k of the queue is unmistakably first + k


def _reserve_many(store_factory, key: str, out) -> None:
    store = store_factory()
    for _ in range(EACH):
        wait = store.reserve(key, INTERVAL, 10_000)
        out.put(time.time() + wait)


def _slot_indexes(store_factory) -> list[int]:
    key = f"test-{uuid.uuid4().hex}"
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_reserve_many, args=(store_factory, key, out)) for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    slots = [out.get(timeout=60) for _ in range(PROCESSES * EACH)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    first = min(slots)
    return sorted(round((s - first) / INTERVAL) for s in slots)


class _Files:
    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self) -> FileSlots:
        from pathlib import Path

        return FileSlots(Path(self.path))


def test_file_slots_are_handed_out_once_across_processes(tmp_path):
    indexes = _slot_indexes(_Files(str(tmp_path)))
    assert indexes == list(range(PROCESSES * EACH))


class _Redis:
    def __call__(self) -> RedisSlots:
        return RedisSlots(os.environ["REDIS_URL"])


@pytest.mark.redis
def test_redis_slots_are_handed_out_once_across_processes():
    indexes = _slot_indexes(_Redis())
    assert indexes == list(range(PROCESSES * EACH))


@pytest.mark.redis
def test_redis_slots_refuse_beyond_max_wait_and_push_holds_back():
    store = RedisSlots(os.environ["REDIS_URL"])
    key = f"test-{uuid.uuid4().hex}"
    assert store.reserve(key, 5.0, 1.0) == pytest.approx(0.0, abs=0.05)
    assert store.reserve(key, 5.0, 1.0) is None  # the next slot is 5 s away
    store.push(key, 30.0)
    wait = store.reserve(key, 5.0, 100.0)
    assert wait == pytest.approx(30.0, abs=0.5)


def test_file_slots_refuse_beyond_max_wait(tmp_path):
    store = FileSlots(tmp_path)
    assert store.reserve("k", 5.0, 1.0) == pytest.approx(0.0, abs=0.05)
    assert store.reserve("k", 5.0, 1.0) is None
    store.push("k", 30.0)
    assert store.reserve("k", 5.0, 100.0) == pytest.approx(30.0, abs=0.5)


def test_a_damaged_slot_file_counts_as_free(tmp_path):
    store = FileSlots(tmp_path)
    store.reserve("k", 5.0, 1.0)
    for f in tmp_path.iterdir():
        f.write_text("not a number")
    assert store.reserve("k", 5.0, 1.0) == pytest.approx(0.0, abs=0.05)


def test_each_daily_team_has_its_own_pace_and_pages_wait_less_than_the_worker(settings):
    a = pacer_for("rest", "https://api.daily.co/v1", "acme", background=False)
    b = pacer_for("rest", "https://api.daily.co/v1/", "acme", background=True)
    c = pacer_for("rest", "https://api.daily.co/v1", "other", background=False)
    assert isinstance(a, Pacer) and isinstance(b, Pacer) and isinstance(c, Pacer)
    assert a.key == b.key != c.key
    assert a.max_wait == settings.DAILY_PACING_MAX_WAIT
    assert b.max_wait == settings.DAILY_PACING_MAX_WAIT_BACKGROUND > a.max_wait


@pytest.mark.django_db
def test_client_for_paces_the_team_unless_pacing_is_off():
    from teams.daily_client import client_for

    team = Team(name="acme", slug="acme", dialect="rest", base_url="https://api.daily.co/v1")
    team.set_token("secret-token-123456")
    with client_for(team, background=True) as client:
        assert client._transport.pacer is not None
    with override_settings(DAILY_PACING=False), client_for(team) as client:
        assert client._transport.pacer is None
