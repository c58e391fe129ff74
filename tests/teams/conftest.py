"""Fixtures for the teams pages: the simulator reset per test, teams pointing at it, and
logged-in clients per role."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

import teams.daily_client
from teams.models import Dialect, Role, Team
from tests.factories import make_member, make_team
from tests.support.simulator import SimulatorProcess

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sim(simulator_fast: SimulatorProcess) -> Iterator[SimulatorProcess]:
    """The simulator without rate limits, in its seeded state; reset again afterwards so
    faults and removals never leak into another test."""
    simulator_fast.reset()
    simulator_fast.clear_faults()
    simulator_fast.clear_request_counts()
    yield simulator_fast
    simulator_fast.reset()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """daily/ backs off before retrying a GET or DELETE; tests need no real waiting."""
    real = teams.daily_client.make_client
    monkeypatch.setattr(
        teams.daily_client, "make_client", functools.partial(real, sleep=lambda _s: None)
    )


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


@pytest.fixture
def login() -> Callable[..., Client]:
    """A client logged in as a new member of `team` with `role` (or as `user`)."""

    def make(team: Team | None = None, role: Role | None = None, *, user=None) -> Client:
        if user is None:
            assert team is not None and role is not None
            user = make_member(team, role)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make
