"""Fixtures for the rooms pages: the simulator (rate limits off) reset per test, teams
pointing at it, and logged-in clients per role."""

from __future__ import annotations

import pytest
import requests

from teams.models import Dialect, Team
from tests.factories import team_on
from tests.support.simulator import SimulatorProcess


@pytest.fixture
def rest_team(fast_sim: SimulatorProcess) -> Team:
    return team_on(fast_sim, Dialect.REST, time_zone="Europe/Paris")


@pytest.fixture
def domains_team(fast_sim: SimulatorProcess) -> Team:
    return team_on(fast_sim, Dialect.DOMAINS)


HTMX = {"HTTP_HX_REQUEST": "true"}


def daily_calls(sim: SimulatorProcess) -> int:
    """API calls the simulator answered (its control endpoints excluded)."""
    return sum(n for route, n in sim.request_counts().items() if "/_sim/" not in route)


def rest_api(sim: SimulatorProcess, method: str, path: str, **kwargs) -> requests.Response:
    """The simulator's REST API directly: the ground truth a test compares the pages with."""
    return requests.request(
        method, sim.rest_base_url + path, headers=sim.rest_headers, timeout=10, **kwargs
    )


def domains_privacy(sim: SimulatorProcess) -> dict[str, str]:
    """Room name -> privacy of the simulator's domains team."""
    team = requests.get(
        f"{sim.domains_base_url}/domains/by-name/{sim.domains_team}",
        headers=sim.domains_headers,
        timeout=10,
    ).json()
    return {room["name"]: room["privacy"] for room in team["rooms"]}


@pytest.fixture
def mirrored(request: pytest.FixtureRequest, fast_sim: SimulatorProcess) -> None:
    """Fill the mirror of the simulator teams the test uses (the worker's real first fill),
    as a team's pages find it once the worker has run; the calls it made are forgotten."""
    from tests.rooms.helpers import fill_from_daily

    for name in ("rest_team", "domains_team"):
        if name in request.fixturenames:
            fill_from_daily(request.getfixturevalue(name))
    fast_sim.clear_request_counts()
