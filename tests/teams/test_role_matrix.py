"""The role matrix, for every teams URL: owner, admin, manager, another team's member and a
logged-out visitor, with GET and POST each (a method the URL does not answer is 405)."""

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
    ("overview", False, {"GET"}, ALL),
    ("overview_live", False, {"GET"}, ALL),
    ("refresh", False, {"POST"}, ALL),
    ("users", False, {"GET"}, ALL),
    ("user_remove", False, {"GET", "POST"}, {Role.OWNER, Role.ADMIN}),
    ("audit", False, {"GET"}, {Role.OWNER, Role.ADMIN}),
    ("audit_export", False, {"GET"}, {Role.OWNER, Role.ADMIN}),
    ("settings", False, {"GET", "POST"}, {Role.OWNER}),
    ("test_connection", False, {"POST"}, {Role.OWNER}),
    ("members", False, {"GET"}, {Role.OWNER}),
    ("member_invite", False, {"POST"}, {Role.OWNER}),
    ("invitation_resend", True, {"POST"}, {Role.OWNER}),
    ("invitation_revoke", True, {"POST"}, {Role.OWNER}),
    ("alert_preference", False, {"POST"}, {Role.OWNER}),
    ("member_role", True, {"POST"}, {Role.OWNER}),
    ("member_remove", True, {"POST"}, {Role.OWNER}),
]
CASES = [
    pytest.param(name, needs_id, method, method in methods, allowed, id=f"{name}-{method}")
    for name, needs_id, methods, allowed in URLS
    for method in ("GET", "POST")
]


def _url(team, name, needs_id):
    kwargs = {"team_slug": team.slug}
    if needs_id and name.startswith("invitation_"):
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
    return reverse(f"teams:{name}", kwargs=kwargs)


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


def test_every_teams_url_is_in_the_matrix():
    from teams import urls

    assert {p.name for p in urls.urlpatterns} == {name for name, *_ in URLS}


def test_every_team_view_declares_the_permission_the_matrix_expects():
    from teams import urls

    expected = {
        "overview": Permission.VIEW_TEAM,
        "overview_live": Permission.VIEW_TEAM,
        "refresh": Permission.VIEW_TEAM,
        "users": Permission.VIEW_TEAM,
        "user_remove": Permission.REMOVE_USERS,
        "audit": Permission.VIEW_AUDIT,
        "audit_export": Permission.VIEW_AUDIT,
    }
    for pattern in urls.urlpatterns:
        view = pattern.callback
        while not hasattr(view, "required_permission") and hasattr(view, "__wrapped__"):
            view = view.__wrapped__
        assert view.required_permission == expected.get(pattern.name, Permission.MANAGE_TEAM)


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
    body = login(domains_team, role).get(reverse("teams:users", args=[domains_team.slug]))
    nav = body.content.decode().split('<nav class="teamnav"', 1)[1].split("</nav>", 1)[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav
