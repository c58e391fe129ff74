"""The team navigation: the pages of every app, so it sits in the app on top of them and
names each page's URL itself (no guessing which names exist)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from teams.permissions import Permission, has_permission

# Each item: key, label, URL name, the permission it needs. The key is the section a page
# belongs to (`_section`), so the current one is marked.
ITEMS = (
    ("overview", _("Overview"), "dashboard:overview", Permission.VIEW_TEAM),
    ("rooms", _("Rooms"), "rooms:list", Permission.VIEW_TEAM),
    ("users", _("Users"), "dashboard:users", Permission.VIEW_TEAM),
    ("recordings", _("Recordings"), "recordings:list", Permission.VIEW_TEAM),
    ("attendance", _("Attendance"), "attendance:meetings", Permission.VIEW_ATTENDANCE),
    ("usage", _("Usage"), "usage:page", Permission.VIEW_ATTENDANCE),
    ("audit", _("Audit log"), "teams:audit", Permission.VIEW_AUDIT),
    ("settings", _("Settings"), "teams:settings", Permission.MANAGE_TEAM),
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # lazy: in the page's language
    url: str
    active: bool


def _section(request: HttpRequest) -> str:
    """Which navigation item the current page belongs to."""
    match = request.resolver_match
    if match is None:
        return ""
    name = match.url_name or ""
    if match.namespace == "dashboard":
        return "users" if name.startswith("user") else "overview"
    if match.namespace != "teams":
        return match.namespace
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
    return [
        NavItem(key, label, reverse(name, kwargs={"team_slug": team.slug}), key == section)
        for key, label, name, permission in ITEMS
        if has_permission(role, permission)
    ]


def navigation(request: HttpRequest) -> dict:
    """`team_nav` for base.html, lazy: a partial that does not show it costs nothing."""
    return {"team_nav": SimpleLazyObject(lambda: team_nav(request))}
