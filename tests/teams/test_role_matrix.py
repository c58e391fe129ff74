"""The role matrix, for every URL of a team (the teams pages and the dashboard's): owner,
admin, manager, another team's member and a logged-out visitor, with GET and POST each (a
method the URL does not answer is 405)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teams.models import Invitation, Membership, Role
from teams.permissions import Permission
from tests.factories import make_member, make_team

pytestmark = pytest.mark.django_db

ALL = {Role.OWNER, Role.ADMIN, Role.MANAGER}
# (url name, needs a membership or invitation id, methods answered, who may)
URLS = [
    ("dashboard:overview", False, {"GET"}, ALL),
    ("dashboard:overview_live", False, {"GET"}, ALL),
    ("dashboard:refresh", False, {"POST"}, ALL),
    ("dashboard:users", False, {"GET"}, ALL),
    ("dashboard:user_remove", False, {"GET", "POST"}, {Role.OWNER, Role.ADMIN}),
    ("teams:audit", False, {"GET"}, {Role.OWNER, Role.ADMIN}),
    ("teams:audit_export", False, {"GET"}, {Role.OWNER, Role.ADMIN}),
    ("teams:settings", False, {"GET", "POST"}, {Role.OWNER}),
    ("teams:test_connection", False, {"POST"}, {Role.OWNER}),
    ("teams:members", False, {"GET"}, {Role.OWNER}),
    ("teams:member_invite", False, {"POST"}, {Role.OWNER}),
    ("teams:invitation_resend", True, {"POST"}, {Role.OWNER}),
    ("teams:invitation_revoke", True, {"POST"}, {Role.OWNER}),
    ("teams:alert_preference", False, {"POST"}, {Role.OWNER}),
    ("teams:member_role", True, {"POST"}, {Role.OWNER}),
    ("teams:member_remove", True, {"POST"}, {Role.OWNER}),
]
CASES = [
    pytest.param(name, needs_id, method, method in methods, allowed, id=f"{name}-{method}")
    for name, needs_id, methods, allowed in URLS
    for method in ("GET", "POST")
]


def _url(team, name, needs_id):
    kwargs = {"team_slug": team.slug}
    if needs_id and name.startswith("teams:invitation_"):
        now = timezone.now()
        invitation = Invitation.objects.create(
            team=team,
            email=f"{uuid.uuid4().hex}@example.com",
            role=Role.MANAGER,
            token_hash=uuid.uuid4().hex,
            sent_at=now,
            expires_at=now + timedelta(days=7),
        )
        kwargs["invitation_id"] = invitation.pk
    elif needs_id:
        # Another member's row, so an owner acting on it never touches their own role.
        target = make_member(team, Role.MANAGER)
        kwargs["membership_id"] = Membership.objects.get(user=target, team=team).pk
    return reverse(name, kwargs=kwargs)


def _send(client: Client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, {})


@pytest.mark.parametrize(("name", "needs_id", "method", "answered", "allowed"), CASES)
def test_a_logged_out_visitor_is_sent_to_login(
    domains_team, name, needs_id, method, answered, allowed
):
    response = _send(Client(), method, _url(domains_team, name, needs_id))
    if not answered:
        assert response.status_code == 405
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs_id", "method", "answered", "allowed"), CASES)
def test_another_teams_member_gets_404(
    domains_team, login, name, needs_id, method, answered, allowed
):
    stranger = login(make_team("elsewhere"), Role.OWNER)
    response = _send(stranger, method, _url(domains_team, name, needs_id))
    assert response.status_code == (404 if answered else 405)


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.MANAGER])
@pytest.mark.parametrize(("name", "needs_id", "method", "answered", "allowed"), CASES)
def test_each_role_gets_what_the_matrix_gives(
    domains_team, login, role, name, needs_id, method, answered, allowed
):
    response = _send(login(domains_team, role), method, _url(domains_team, name, needs_id))
    if not answered:
        assert response.status_code == 405
    elif role in allowed:
        assert response.status_code in (200, 302, 409, 502), response.status_code
    else:
        assert response.status_code == 403


def _team_patterns():
    from dashboard import urls as dashboard_urls
    from teams import urls as teams_urls

    for urls in (dashboard_urls, teams_urls):
        for pattern in urls.urlpatterns:
            yield f"{urls.app_name}:{pattern.name}", pattern


def test_every_team_url_is_in_the_matrix():
    assert {name for name, _ in _team_patterns()} == {name for name, *_ in URLS}


def test_every_team_view_declares_the_permission_the_matrix_expects():
    expected = {
        "dashboard:overview": Permission.VIEW_TEAM,
        "dashboard:overview_live": Permission.VIEW_TEAM,
        "dashboard:refresh": Permission.VIEW_TEAM,
        "dashboard:users": Permission.VIEW_TEAM,
        "dashboard:user_remove": Permission.REMOVE_USERS,
        "teams:audit": Permission.VIEW_AUDIT,
        "teams:audit_export": Permission.VIEW_AUDIT,
    }
    for name, pattern in _team_patterns():
        view = pattern.callback
        while not hasattr(view, "required_permission") and hasattr(view, "__wrapped__"):
            view = view.__wrapped__
        assert view.required_permission == expected.get(name, Permission.MANAGE_TEAM)


def test_only_a_superuser_may_add_a_team(client, django_user_model):
    url = reverse("team_create")
    assert client.get(url).status_code == 302  # logged out: to the login page
    owner = make_member(make_team(), Role.OWNER)
    client.force_login(owner)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    assert client.get(url).status_code == 200


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
