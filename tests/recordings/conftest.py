"""Fixtures for the recordings pages: the simulator's REST team, its recordings mirror."""

from __future__ import annotations

import pytest
import requests

from recordings import mirror
from teams.models import Dialect, Team
from tests.factories import team_on
from tests.support.simulator import SimulatorProcess


@pytest.fixture
def rest_team(fast_sim: SimulatorProcess) -> Team:
    return team_on(fast_sim, Dialect.REST, time_zone="Europe/Paris")


@pytest.fixture
def domains_team(fast_sim: SimulatorProcess) -> Team:
    return team_on(fast_sim, Dialect.DOMAINS)


@pytest.fixture
def walked(rest_team: Team, fast_sim: SimulatorProcess) -> Team:
    """The worker's walk of the simulator's recordings, run here; its calls forgotten."""
    assert mirror.refresh(rest_team)
    fast_sim.clear_request_counts()
    return rest_team


def daily_recordings(sim: SimulatorProcess) -> list[dict]:
    """The simulator's list (the ground truth), newest first."""
    found: list[dict] = []
    params: dict[str, object] = {"limit": 100}
    while True:
        page = requests.get(
            sim.rest_base_url + "/recordings", headers=sim.rest_headers, params=params, timeout=10
        ).json()["data"]
        found += page
        if len(page) < 100:
            return found
        params["starting_after"] = page[-1]["id"]


def daily_calls(sim: SimulatorProcess) -> int:
    return sum(n for route, n in sim.request_counts().items() if "/_sim/" not in route)
