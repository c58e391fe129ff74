from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Membership, Role
from tests.factories import PASSWORD, make_member, make_team, make_user

pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_only_the_users_teams_with_the_role(client):
    mine = make_team("mine")
    also = make_team("also-mine")
    make_team("theirs")
    user = make_member(mine, Role.MANAGER)
    Membership.objects.create(user=user, team=also, role=Role.OWNER)
    client.login(username=user.username, password=PASSWORD)
    body = client.get(reverse("home")).content.decode()
    assert "mine" in body and "Manager" in body and "Owner" in body
    assert reverse("dashboard:overview", args=["also-mine"]) in body
    assert "theirs" not in body
    assert reverse("team_create") not in body


def test_someone_with_exactly_one_team_goes_straight_to_it(client):
    user = make_member(make_team("only"), Role.ADMIN)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:overview", args=["only"])


def test_someone_with_no_team_is_told_whom_to_ask(client):
    client.force_login(make_user())
    body = client.get(reverse("home")).content.decode()
    assert "Ask a team owner to add you" in body


def test_a_superuser_sees_every_team_and_can_add_one(client, django_user_model):
    make_team("one")
    make_team("two")
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "x"))
    body = client.get(reverse("home")).content.decode()
    assert "one" in body and "two" in body
    assert reverse("team_create") in body


def test_the_team_switcher_lists_the_other_teams_only_for_people_in_several(client, sim):
    first = make_team("first", base_url=sim.rest_base_url, token=sim.rest_token)
    second = make_team("second")
    user = make_member(first, Role.ADMIN)
    client.force_login(user)
    url = reverse("dashboard:users", args=["first"])
    assert 'class="switcher"' not in client.get(url).content.decode()
    Membership.objects.create(user=user, team=second, role=Role.MANAGER)
    body = client.get(url).content.decode()
    assert 'class="switcher"' in body
    assert reverse("dashboard:overview", args=["second"]) in body


def test_logout_is_a_post_and_ends_the_session(client):
    user = make_member(make_team(), Role.OWNER)
    client.force_login(user)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_a_password_change_checks_the_old_password_and_keeps_the_session(client):
    user = make_member(make_team(), Role.OWNER)
    client.login(username=user.username, password=PASSWORD)
    url = reverse("password_change")
    page = client.get(url).content.decode()
    assert 'autocomplete="current-password"' in page
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "x-new-pass-123",
            "new_password2": "x-new-pass-123",
        },
    )
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    done = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "x-new-pass-123",
            "new_password2": "x-new-pass-123",
        },
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    assert client.get(reverse("home")).status_code in (200, 302)  # still logged in
    user.refresh_from_db()
    assert user.check_password("x-new-pass-123")


def test_the_page_carries_csrf_for_htmx_and_security_headers(client):
    user = make_member(make_team(), Role.OWNER)
    Membership.objects.create(user=user, team=make_team(), role=Role.ADMIN)
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert "js/vendor/htmx-2.0.10.min.js" in body  # pinned (tests/ops/test_htmx_pin.py)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in body  # no inline script: the CSP would block it


def test_login_with_a_wrong_password_shows_a_message(client):
    make_member(make_team(), Role.OWNER, username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
