from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from teams.permissions import may_connect_team, teams_of


def current_team(request: HttpRequest) -> dict:
    """The team the page is about and its role (set by `team_view`) and the teams of the
    switcher (lazy: a partial that does not show it costs no query). The team navigation,
    which names the pages of every app, is the dashboard's (dashboard.context_processors)."""
    return {
        "team": getattr(request, "team", None),
        "team_role": getattr(request, "team_role", None),
        "switcher_teams": getattr(request, "switcher_teams", None)
        or SimpleLazyObject(lambda: teams_of(getattr(request, "user", None))),
        # The "Connect a Daily team" link (TEAM_CONNECT_ALLOWED); the view checks again.
        "can_connect_team": may_connect_team(getattr(request, "user", None)),
    }
