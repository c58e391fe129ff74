"""The rooms mirror's walks against the simulator at 1,000 rooms a team: the first fill,
its resumption after a kill, the lease, the refresh and the full reconcile."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from daily import RestClient
from rooms import mirror, tasks
from rooms.mirror_walk import Lease
from rooms.models import MirrorState, RoomMirror, WalkKind
from teams.models import Dialect, Team
from tests.factories import team_on
from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.django_db

ROOMS = 1000


@pytest.fixture(scope="module")
def big_sim() -> Iterator[SimulatorProcess]:
    process = SimulatorProcess().start("--rooms", str(ROOMS), rate_limits=False)
    yield process
    process.stop()


@pytest.fixture
def bsim(big_sim: SimulatorProcess) -> SimulatorProcess:
    big_sim.reset()
    big_sim.clear_faults()
    big_sim.clear_request_counts()
    return big_sim


@pytest.fixture
def team(bsim: SimulatorProcess) -> Team:
    return team_on(bsim, Dialect.REST)


def daily_names(sim: SimulatorProcess) -> set[str]:
    """Every room the simulator lists, read directly (the ground truth)."""
    names: set[str] = set()
    cursor = None
    while True:
        params = {"limit": 100} | ({"starting_after": cursor} if cursor else {})
        data = requests.get(
            sim.rest_base_url + "/rooms", headers=sim.rest_headers, params=params, timeout=10
        ).json()["data"]
        if not data:
            return names
        names.update(room["name"] for room in data)
        cursor = data[-1]["id"]


def list_calls(sim: SimulatorProcess) -> int:
    return sum(n for route, n in sim.request_counts().items() if route.endswith("/rooms"))


def pages(rooms: int) -> int:
    """The list calls a walk of `rooms` rooms makes: the pages, then an empty one."""
    return math.ceil(rooms / 100) + 1


def mirrored(team: Team) -> list[str]:
    return list(mirror.rooms(team).values_list("name", flat=True))


class Killed(Exception):
    """Stands for the worker dying in the middle of the walk."""


def test_first_fill_stores_every_room_paced_page_by_page(bsim, team) -> None:
    truth = daily_names(bsim)
    assert len(truth) > 900
    bsim.clear_request_counts()
    assert mirror.state(team).state == MirrorState.EMPTY
    assert mirror.progress(team) == (0, None)

    assert mirror.fill(team) is True

    names = mirrored(team)
    assert len(names) == len(set(names)) == len(truth)
    assert set(names) == truth
    state = mirror.state(team)
    assert state.state == MirrorState.READY and state.walk == WalkKind.NONE
    assert state.filled_at is not None and state.refreshed_at is not None
    assert state.lease_until is None  # released
    assert mirror.progress(team) == (len(truth), len(truth))
    # One call per 100 rooms, and the empty page that ends the walk.
    assert list_calls(bsim) == pages(len(truth))


def test_a_killed_fill_resumes_at_the_next_page_without_starting_over(
    bsim, team, monkeypatch
) -> None:
    truth = daily_names(bsim)
    bsim.clear_request_counts()
    real_page = RestClient.room_page
    calls = {"n": 0}

    def dies_after_four(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise Killed
        return real_page(self, *args, **kwargs)

    monkeypatch.setattr(RestClient, "room_page", dies_after_four)
    with pytest.raises(Killed):
        mirror.fill(team)
    state = mirror.state(team)
    assert state.state == MirrorState.FILLING and state.walk == WalkKind.FILL
    assert state.walk_seen == 400 and mirror.rooms(team).count() == 400
    assert mirror.progress(team) == (400, len(truth))
    # A killed worker does not release its lease: the next run waits for it to lapse.
    RoomMirror.objects.filter(team=team).update(lease_until=timezone.now() + timedelta(minutes=1))
    monkeypatch.setattr(RestClient, "room_page", real_page)
    assert mirror.fill(team) is False
    RoomMirror.objects.filter(team=team).update(lease_until=timezone.now() - timedelta(seconds=1))
    calls_before = list_calls(bsim)

    assert mirror.fill(team) is True

    names = mirrored(team)
    assert len(names) == len(set(names)) and set(names) == truth
    assert mirror.state(team).state == MirrorState.READY
    # It went on from page 5: the pages left, and the empty page that ends the walk.
    resumed_calls = list_calls(bsim) - calls_before
    assert resumed_calls == pages(len(truth) - 400)


def test_a_fill_while_another_worker_holds_the_mirror_skips_without_calling_daily(
    bsim, team
) -> None:
    holder = Lease(team)
    assert holder.acquire()
    assert Lease(team).acquire() is False
    assert mirror.fill(team) is False
    assert mirror.reconcile(team) is False
    assert list_calls(bsim) == 0
    assert mirror.state(team).state == MirrorState.EMPTY
    holder.release()
    assert mirror.fill(team) is True


def test_refresh_picks_up_a_room_created_at_daily_reading_only_the_newest_page(bsim, team) -> None:
    mirror.fill(team)
    before = mirror.state(team).refreshed_at
    created = requests.post(
        bsim.rest_base_url + "/rooms",
        headers=bsim.rest_headers,
        json={"name": "made-elsewhere", "privacy": "public"},
        timeout=10,
    )
    assert created.status_code == 200, created.text
    bsim.clear_request_counts()

    assert mirror.refresh(team) is True

    row = mirror.rooms(team).get(name="made-elsewhere")
    assert row.privacy == "public" and row.daily_id == created.json()["id"]
    assert list_calls(bsim) == 1
    state = mirror.state(team)
    assert state.refreshed_at > before
    assert state.total_count == len(daily_names(bsim))


def test_a_refresh_with_more_new_rooms_than_it_reads_asks_for_a_reconcile(
    bsim, team, settings, monkeypatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(tasks.reconcile_task, "delay", sent.append)
    monkeypatch.setattr(tasks.refresh_task, "delay", lambda team_id: None)
    mirror.fill(team)
    settings.ROOMS_MIRROR_REFRESH_MAX_PAGES = 2
    newest = mirror.rooms(team).order_by("-created_at")[:250]
    mirror.rooms(team).filter(pk__in=[r.pk for r in newest]).delete()  # as if made elsewhere
    bsim.clear_request_counts()

    assert mirror.refresh(team) is True

    assert list_calls(bsim) == 2
    assert mirror.rooms(team).count() == len(daily_names(bsim)) - 50
    state = mirror.state(team)
    assert state.reconciled_at is None
    assert team.pk in tasks.dispatch_mirror_work()["reconcile"]
    assert sent == [team.pk]


def test_refresh_before_the_fill_leaves_it_to_the_fill(bsim, team) -> None:
    assert mirror.refresh(team) is False
    assert list_calls(bsim) == 0


def test_reconcile_drops_a_room_deleted_at_daily_and_keeps_one_written_meanwhile(
    bsim, team
) -> None:
    mirror.fill(team)
    victim = sorted(mirrored(team))[len(mirrored(team)) // 2]
    gone = requests.delete(
        f"{bsim.rest_base_url}/rooms/{victim}", headers=bsim.rest_headers, timeout=10
    )
    assert gone.status_code == 200, gone.text
    mirror.refresh(team)
    assert mirror.rooms(team).filter(name=victim).exists()  # refresh only reads new rooms
    # ...but Daily's count no longer matches the mirror's: a reconcile is due at once.
    assert mirror.state(team).reconciled_at is None
    assert team.pk in tasks.dispatch_mirror_work()["reconcile"]

    # A room changed at Daily outside the dashboard is updated too.
    other = sorted(mirrored(team))[0]
    changed = requests.post(
        f"{bsim.rest_base_url}/rooms/{other}",
        headers=bsim.rest_headers,
        json={"privacy": "private", "properties": {"max_participants": 7}},
        timeout=10,
    )
    assert changed.status_code == 200, changed.text

    assert mirror.reconcile(team) is True

    assert not mirror.rooms(team).filter(name=victim).exists()
    assert set(mirrored(team)) == daily_names(bsim)
    row = mirror.rooms(team).get(name=other)
    assert row.privacy == "private" and row.config["max_participants"] == 7
    state = mirror.state(team)
    assert state.state == MirrorState.READY and state.reconciled_at is not None


def test_a_killed_reconcile_keeps_the_rooms_seen_before_its_start(bsim, team, monkeypatch):
    mirror.fill(team)
    count = mirror.rooms(team).count()
    real_page = RestClient.room_page
    calls = {"n": 0}

    def dies_after_three(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise Killed
        return real_page(self, *args, **kwargs)

    monkeypatch.setattr(RestClient, "room_page", dies_after_three)
    with pytest.raises(Killed):
        mirror.reconcile(team)
    state = mirror.state(team)
    # Nothing dropped halfway, and the list stays readable (READY) during the walk.
    assert state.state == MirrorState.READY and state.walk == WalkKind.RECONCILE
    assert mirror.rooms(team).count() == count
    monkeypatch.setattr(RestClient, "room_page", real_page)
    bsim.clear_request_counts()
    assert mirror.reconcile(team) is True
    assert list_calls(bsim) == pages(count - 300)
    assert set(mirrored(team)) == daily_names(bsim)
    assert mirror.state(team).walk == WalkKind.NONE
