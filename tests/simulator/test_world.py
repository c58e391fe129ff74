"""Determinism, the clock, state across restarts, reset and the --scale sizes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.receiver import running_receiver
from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.simulator

DAY = 86400


def rest(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> Any:
    url = sim.rest_base_url + path
    response = requests.request(method, url, headers=sim.rest_headers, timeout=30, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def domains(sim: SimulatorProcess, method: str, suffix: str = "", **kw: Any) -> Any:
    url = f"{sim.url}/domains/by-name/{sim.domains_team}{suffix}"
    response = requests.request(method, url, headers=sim.domains_headers, timeout=30, **kw)
    assert response.status_code == 200 and "error" not in response.json(), response.text
    return response.json()


@pytest.fixture
def other() -> Iterator[SimulatorProcess]:
    """A second process, stopped after the test whatever happens."""
    process = SimulatorProcess()
    yield process
    process.stop()


def snapshot(sim: SimulatorProcess, now: int) -> tuple[Any, ...]:
    team = domains(sim, "GET")
    for user in team["users"].values():  # pictures are served on each process's own port
        if "avatarSrc" in user:
            user["avatarSrc"] = user["avatarSrc"].split("/_sim/", 1)[1]
    return (
        sim.truth("demo-rest", now - DAY, now),
        sim.truth("demo-team", now - DAY, now),
        rest(sim, "GET", "/rooms"),
        team,
    )


def test_same_seed_same_world_and_another_seed_another(
    sim: SimulatorProcess, other: SimulatorProcess, now: int
) -> None:
    other.start(now=now, frozen=True)
    assert snapshot(other, now) == snapshot(sim, now)
    other.stop()
    other.start(now=now, frozen=True, seed="another")
    theirs, ours = snapshot(other, now), snapshot(sim, now)
    assert theirs[0]["meetings"] != ours[0]["meetings"]
    assert theirs[2]["data"] != ours[2]["data"]


def test_advancing_the_clock_makes_new_meetings_happen(sim: SimulatorProcess, now: int) -> None:
    ahead = (now + 1, now + 3 * 3600)
    assert sim.truth_counts("demo-rest", *ahead)["meetings"] == 0, "the future is invisible"
    first = rest(sim, "GET", "/meetings", params={"limit": 1})["data"][0]
    sim.clock(advance=3 * 3600)
    assert sim.now() == now + 3 * 3600
    assert sim.truth_counts("demo-rest", *ahead)["meetings"] > 0
    assert sim.truth_counts("demo-team", *ahead)["meetings"] > 0
    newest = rest(sim, "GET", "/meetings", params={"limit": 1})["data"][0]
    assert newest["start_time"] > first["start_time"]
    assert rest(sim, "GET", "/meetings", params={"ongoing": "true"})["total_count"] >= 1


def test_clock_can_be_set_and_follow_real_time(sim: SimulatorProcess, now: int) -> None:
    assert sim.clock(set="2025-03-11T00:00:00Z")["now"] == 1741651200
    assert sim.clock(set=now)["now"] == now
    moving = sim.clock(follow_real=True)
    assert moving["follow_real"] is True and abs(moving["now"] - now) < 5
    sim.clock(follow_real=False)


def test_reset_returns_to_the_seed_state(sim: SimulatorProcess, now: int) -> None:
    rest(sim, "DELETE", "/rooms/standup")
    sim.clock(advance=DAY)
    sim.faults(p_5xx=0.5)
    sim.reset()
    assert rest(sim, "GET", "/rooms/standup")["name"] == "standup"
    assert sim.now() == now
    assert sim.control("GET", "faults")["p_5xx"] == 0


def test_state_survives_a_restart(tmp_path: Path, other: SimulatorProcess, now: int) -> None:
    state = tmp_path / "sim-state.json"
    other.start(now=now, frozen=True, state=state)
    rest(other, "POST", "/rooms", json={"name": "kept", "properties": {"enable_chat": True}})
    rest(other, "DELETE", "/rooms/standup")
    with running_receiver() as receiver:  # Daily tests the URL before it creates a webhook
        hook = rest(other, "POST", "/webhooks", json={"url": receiver.url})
    domains(other, "DELETE", "/user/zoe%40example.com")
    domains(other, "POST", "/room/standup", json={"privacy": "public"})
    room, people = next(iter(rest(other, "GET", "/presence").items()))
    rest(other, "POST", f"/rooms/{room}/eject", json={"ids": [people[0]["id"]]})
    other.clock(advance=600)
    before = other.truth("demo-rest", now - DAY, now + 601)
    assert other.stop() == 0
    assert state.exists()

    other.start(now="2030-01-01T00:00:00Z", frozen=True, state=state)
    assert other.now() == now + 600, "the saved clock wins over --now"
    assert rest(other, "GET", "/rooms/kept")["config"] == {"enable_chat": True}
    names = {r["name"] for r in rest(other, "GET", "/rooms")["data"]}
    assert "standup" not in names
    assert rest(other, "GET", f"/webhooks/{hook['uuid']}")["url"] == hook["url"]
    info = domains(other, "GET")
    assert "zoe@example.com" not in info["users"]
    assert {r["name"]: r["privacy"] for r in info["rooms"]}["standup"] == "public"
    assert other.truth("demo-rest", now - DAY, now + 601) == before
    saved = other.save()
    assert saved["saved"] == str(state)


def test_scale_multiplies_meeting_volume(other: SimulatorProcess, now: int) -> None:
    # --scale 45 is the documented benchmark size: >= 100,000 meetings and
    # >= 1,000,000 sessions per team over 90 days. Check a sample week.
    other.start("--scale", "45", "--rooms", "2000", now=now, frozen=True)
    week = (now - 8 * DAY, now - DAY)
    for team in ("demo-team", "demo-rest"):
        counts = other.truth_counts(team, *week)
        assert counts["meetings"] * 90 / 7 >= 100_000, counts
        assert counts["sessions"] * 90 / 7 >= 1_000_000, counts
    assert len(domains(other, "GET")["rooms"]) == 2000
    assert rest(other, "GET", "/rooms", params={"limit": 1})["total_count"] == 2000
