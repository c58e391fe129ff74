from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from teams.models import Team
from teams.permissions import Permission, has_permission, may_connect_team, teams_of

# Attendance pages are built elsewhere; the first of these names that resolves is linked.
ATTENDANCE_URL_NAMES = (
    "attendance:report",
    "attendance:reports",
    "attendance:index",
    "attendance:meetings",
    "attendance:sync-history",
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    active: bool


def _url(name: str, team: Team) -> str | None:
    try:
        return reverse(name, kwargs={"team_slug": team.slug})
    except NoReverseMatch:
        return None


def _section(request: HttpRequest) -> str:
    """Which navigation item the current page belongs to."""
    match = request.resolver_match
    if match is None:
        return ""
    if match.namespace != "teams":
        return match.namespace
    name = match.url_name or ""
    if name.startswith("user"):
        return "users"
    if name.startswith("audit"):
        return "audit"
    if name.startswith(("settings", "member", "test_connection")):
        return "settings"
    return name


def team_nav(request: HttpRequest) -> list[NavItem]:
    """The team's pages this person may open. Links follow the permissions, and views check
    them again: hiding a link is a courtesy, never the protection."""
    team = getattr(request, "team", None)
    role = getattr(request, "team_role", None)
    if team is None:
        return []
    section = _section(request)
    candidates: list[tuple[str, str, str | None, Permission]] = [
        ("overview", "Overview", _url("teams:overview", team), Permission.VIEW_TEAM),
        ("rooms", "Rooms", _url("rooms:list", team), Permission.VIEW_TEAM),
        ("users", "Users", _url("teams:users", team), Permission.VIEW_TEAM),
        ("recordings", "Recordings", _url("recordings:list", team), Permission.VIEW_TEAM),
        (
            "attendance",
            "Attendance",
            next(filter(None, (_url(n, team) for n in ATTENDANCE_URL_NAMES)), None),
            Permission.VIEW_ATTENDANCE,
        ),
        ("usage", "Usage", _url("usage:page", team), Permission.VIEW_ATTENDANCE),
        ("audit", "Audit log", _url("teams:audit", team), Permission.VIEW_AUDIT),
        ("settings", "Settings", _url("teams:settings", team), Permission.MANAGE_TEAM),
    ]
    return [
        NavItem(key, label, url, key == section)
        for key, label, url, permission in candidates
        if url is not None and has_permission(role, permission)
    ]


def current_team(request: HttpRequest) -> dict:
    """The team the page is about and its role (set by `team_view`), the team navigation
    and the teams of the switcher. The lists are lazy: a partial that does not show them
    costs no query."""
    return {
        "team": getattr(request, "team", None),
        "team_role": getattr(request, "team_role", None),
        "team_nav": SimpleLazyObject(lambda: team_nav(request)),
        "switcher_teams": getattr(request, "switcher_teams", None)
        or SimpleLazyObject(lambda: teams_of(getattr(request, "user", None))),
        # The "Connect a Daily team" link (TEAM_CONNECT_ALLOWED); the view checks again.
        "can_connect_team": may_connect_team(getattr(request, "user", None)),
    }
