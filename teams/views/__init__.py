"""The teams pages. One module per page; each view checks login and role (`team_view`),
calls one service, and renders the full page or the named partial htmx asked for."""

from __future__ import annotations

from teams.views.home import healthz, home, team_create
from teams.views.invitations import invitation, invitation_accept

__all__ = ["healthz", "home", "invitation", "invitation_accept", "team_create"]
