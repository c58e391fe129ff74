from __future__ import annotations

from django.http import HttpRequest


def current_team(request: HttpRequest) -> dict:
    """The team the page is about and its role, set by `team_view`."""
    return {
        "team": getattr(request, "team", None),
        "team_role": getattr(request, "team_role", None),
    }
