"""Fixtures of the security tests: a REST team on the simulator with one member per role,
a member of another team, a superuser and a logged-out visitor, each with a client.
(The simulator reset, fast passwords and no retry sleeps come from tests/conftest.py.)"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from rooms import mirror
from teams.models import Dialect, Role, Team
from tests.factories import make_member, team_on
from tests.support.simulator import SimulatorProcess

# Who may knock: the three roles, a logged-out visitor, a member of another team, a user
# who is a member of no team, and a superuser who is a member of no team either
# (superusers act as owners everywhere).
OWNER, ADMIN, MANAGER = Role.OWNER.value, Role.ADMIN.value, Role.MANAGER.value
ANON, STRANGER, SUPERUSER = "anonymous", "stranger", "superuser"
NOBODY = "no membership"
ROLES = (ANON, STRANGER, MANAGER, ADMIN, OWNER, SUPERUSER, NOBODY)


@dataclass
class World:
    """A REST team on the simulator (ours), the domains team (another team), and a user and
    a logged-in client per role (None for the anonymous visitor)."""

    sim: SimulatorProcess
    team: Team
    other: Team
    users: dict[str, object] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        return self.clients[role]


@pytest.fixture
def world(fast_sim: SimulatorProcess, db) -> World:
    team = team_on(fast_sim, Dialect.REST, time_zone="Europe/Paris")
    other = team_on(fast_sim, Dialect.DOMAINS)
    # The rooms pages read the rooms mirror: filled as the worker fills it.
    for filled in (team, other):
        assert mirror.fill(filled)
    w = World(sim=fast_sim, team=team, other=other)
    for role in (OWNER, ADMIN, MANAGER):
        w.users[role] = make_member(team, Role(role))
    w.users[STRANGER] = make_member(other, Role.OWNER)
    w.users[NOBODY] = get_user_model().objects.create_user(
        "nobody", "nobody@example.com", "x-nobody-password"
    )
    w.users[SUPERUSER] = get_user_model().objects.create_superuser(
        "root", "root@example.com", "x-root-password"
    )
    w.users[ANON] = None
    for role, user in w.users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        w.clients[role] = client
    return w


def make_client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client
