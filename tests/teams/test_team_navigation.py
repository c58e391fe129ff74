"""The team navigation shows each role the pages it may open, and no other. (Who may open
each URL is the role matrix's: tests/security/test_access_matrix.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.OWNER, {"Overview", "Users", "Usage", "Audit log", "Settings"}, set()),
        (Role.ADMIN, {"Overview", "Users", "Usage", "Audit log"}, {"Settings"}),
        (Role.MANAGER, {"Overview", "Users", "Usage"}, {"Audit log", "Settings"}),
    ],
)
def test_the_team_navigation_links_only_what_the_role_may_open(
    domains_team, login, role, visible, hidden
):
    body = login(domains_team, role).get(reverse("dashboard:users", args=[domains_team.slug]))
    nav = body.content.decode().split('<nav class="teamnav"', 1)[1].split("</nav>", 1)[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav
