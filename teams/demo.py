"""The demo team set-up used by `make run` and the end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from teams.models import Dialect, Membership, Role, Team

DEMO_PASSWORD = "dailyadmin-demo"  # noqa: S105 - printed on screen for the local demo
DEMO_USERS = {"owner": Role.OWNER, "admin": Role.ADMIN, "manager": Role.MANAGER}


@dataclass(frozen=True)
class DemoTeam:
    name: str
    dialect: Dialect
    path: str  # appended to the simulator's root URL
    token: str
    time_zone: str


# The simulator's seeded teams and its default tokens.
DEMO_TEAMS = (
    DemoTeam("demo-team", Dialect.DOMAINS, "", "sim-domains-key", "Europe/Paris"),
    DemoTeam("demo-rest", Dialect.REST, "/v1", "sim-rest-key", "America/New_York"),
)


@transaction.atomic
def set_up_demo(simulator_url: str) -> list[Team]:
    """Create (or re-point) the demo teams and one login per role. Idempotent."""
    root = simulator_url.rstrip("/")
    teams = []
    for demo in DEMO_TEAMS:
        team = Team.objects.filter(slug=demo.name).first() or Team(slug=demo.name)
        team.name = demo.name
        team.dialect = demo.dialect
        team.base_url = root + demo.path if demo.path else root + "/"
        team.time_zone = demo.time_zone
        team.set_token(demo.token)
        team.full_clean()
        team.save()
        teams.append(team)
    User = get_user_model()
    for username, role in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for team in teams:
            Membership.objects.update_or_create(user=user, team=team, defaults={"role": role})
    return teams
