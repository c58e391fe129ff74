"""Fixtures for the rooms pages: the simulator (rate limits off) reset per test, teams
pointing at it, and logged-in clients per role."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
import requests
from django.test import Client

import teams.daily_client
from teams.models import Dialect, Role, Team
from tests.factories import make_member, make_team
from tests.support.simulator import SimulatorProcess


@pytest.fixture
def fast_sim(simulator_fast: SimulatorProcess) -> Iterator[SimulatorProcess]:
    simulator_fast.reset()
    simulator_fast.clear_faults()
    simulator_fast.clear_request_counts()
    yield simulator_fast
    simulator_fast.reset()  # faults and changes must not leak into other tests


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """daily/ backs off up to seconds before retrying a GET; tests need no real waiting."""
    real = teams.daily_client.make_client
    monkeypatch.setattr(
        teams.daily_client, "make_client", functools.partial(real, sleep=lambda _s: None)
    )


@pytest.fixture
def rest_team(fast_sim: SimulatorProcess) -> Team:
    return make_team(
        fast_sim.rest_domain,
        dialect=Dialect.REST,
        base_url=fast_sim.rest_base_url,
        token=fast_sim.rest_token,
        time_zone="Europe/Paris",
    )


@pytest.fixture
def domains_team(fast_sim: SimulatorProcess) -> Team:
    return make_team(
        fast_sim.domains_team,
        dialect=Dialect.DOMAINS,
        base_url=fast_sim.domains_base_url,
        token=fast_sim.domains_token,
    )


@pytest.fixture
def login() -> Callable[[Team, Role], Client]:
    """A client logged in as a new member of `team` with `role`."""

    def make(team: Team, role: Role) -> Client:
        user = make_member(team, role)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


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
