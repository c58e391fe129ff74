"""Small builders for test data: plain functions, no factory library."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from teams.models import Dialect, Membership, Role, Team

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str | None = None, **extra):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def make_team(
    name: str | None = None,
    *,
    dialect: Dialect = Dialect.REST,
    base_url: str = "https://api.example.test/v1",
    token: str = "test-api-key-0123456789",
    **extra,
) -> Team:
    name = name or f"team{next(_seq)}"
    team = Team(name=name, slug=name, dialect=dialect, base_url=base_url, **extra)
    team.set_token(token)
    team.save()
    return team


def make_member(team: Team, role: Role, username: str | None = None):
    user = make_user(username)
    Membership.objects.create(user=user, team=team, role=role)
    return user


def team_on(sim, dialect: Dialect, **extra) -> Team:
    if dialect == Dialect.DOMAINS:
        extra.setdefault("token", sim.domains_token)
        return make_team(sim.domains_team, dialect=dialect, base_url=sim.domains_base_url, **extra)
    extra.setdefault("token", sim.rest_token)
    return make_team(sim.rest_domain, dialect=dialect, base_url=sim.rest_base_url, **extra)
