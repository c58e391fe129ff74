"""Fixtures for the dashboard's pages: the same simulator teams and clients as the teams
pages' (tests/teams/conftest.py)."""

from __future__ import annotations

from tests.teams.conftest import HTMX, domains_team, mirrored, rest_team, sim

__all__ = ["HTMX", "domains_team", "mirrored", "rest_team", "sim"]
