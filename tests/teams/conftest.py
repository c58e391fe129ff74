"""Fixtures for the teams pages: the simulator reset per test, teams pointing at it, and
logged-in clients per role."""

from __future__ import annotations

import pytest

from teams.models import Dialect, Team
from tests.factories import team_on
from tests.support.simulator import SimulatorProcess

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sim(fast_sim: SimulatorProcess) -> SimulatorProcess:
    """The teams tests call the rate-limit-free simulator `sim`."""
    return fast_sim


@pytest.fixture
def domains_team(sim: SimulatorProcess) -> Team:
    return team_on(sim, Dialect.DOMAINS, time_zone="Europe/Paris")


@pytest.fixture
def rest_team(sim: SimulatorProcess) -> Team:
    return team_on(sim, Dialect.REST, time_zone="America/New_York")


@pytest.fixture
def mirrored(request: pytest.FixtureRequest, sim: SimulatorProcess) -> None:
    """Fill the rooms mirror (rooms, and a domains team's users and invite link) of the
    simulator teams the test uses, as the worker does; the calls it made are forgotten."""
    from rooms import mirror

    for name in ("rest_team", "domains_team"):
        if name in request.fixturenames:
            assert mirror.fill(request.getfixturevalue(name))
    sim.clear_request_counts()
