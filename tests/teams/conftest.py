"""Fixtures for the teams pages: the simulator reset per test, teams pointing at it, and
logged-in clients per role."""

from __future__ import annotations

import pytest

from teams.models import Dialect, Team
from tests.factories import make_team
from tests.support.simulator import SimulatorProcess

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sim(fast_sim: SimulatorProcess) -> SimulatorProcess:
    """The teams tests call the rate-limit-free simulator `sim`."""
    return fast_sim


@pytest.fixture
def domains_team(sim: SimulatorProcess) -> Team:
    return make_team(
        sim.domains_team,
        dialect=Dialect.DOMAINS,
        base_url=sim.domains_base_url,
        token=sim.domains_token,
        time_zone="Europe/Paris",
    )


@pytest.fixture
def rest_team(sim: SimulatorProcess) -> Team:
    return make_team(
        sim.rest_domain,
        dialect=Dialect.REST,
        base_url=sim.rest_base_url,
        token=sim.rest_token,
        time_zone="America/New_York",
    )
