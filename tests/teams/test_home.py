from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Role
from tests.factories import PASSWORD, make_member, make_team

pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_only_the_users_teams_with_the_role(client):
    mine = make_team("mine")
    make_team("theirs")
    user = make_member(mine, Role.MANAGER)
    client.login(username=user.username, password=PASSWORD)
    body = client.get(reverse("home")).content.decode()
    assert "mine" in body and "Manager" in body
    assert "theirs" not in body


def test_the_page_carries_csrf_for_htmx_and_security_headers(client):
    user = make_member(make_team(), Role.OWNER)
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert "django_htmx/htmx-2.min.js" in body
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in body  # no inline script: the CSP would block it


def test_login_with_a_wrong_password_shows_a_message(client):
    make_member(make_team(), Role.OWNER, username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
