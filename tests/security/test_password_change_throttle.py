"""The password change checks the current password under the login throttle's rules
(teams/auth.py): the sixth wrong current password within the window is refused with
429, and then even the right one is not checked. The admin's password change too."""

from __future__ import annotations

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
NEW = "a-new-Long-passphrase-42"
TOO_MANY = "Too many failed attempts. Try again in"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 5
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 50
    settings.LOGIN_THROTTLE_WINDOW = 15 * 60
    settings.CLIENT_IP_HEADER = ""


def _change(client, url: str, current: str):
    return client.post(url, {"old_password": current, "new_password1": NEW, "new_password2": NEW})


def _checks(monkeypatch) -> list[str]:
    """Record every password check from here on."""
    seen: list[str] = []
    real = AbstractBaseUser.check_password

    def check(self, raw):
        seen.append(raw)
        return real(self, raw)

    monkeypatch.setattr(AbstractBaseUser, "check_password", check)
    return seen


@pytest.mark.parametrize("url_name", ["password_change", "admin:password_change"])
def test_the_sixth_wrong_current_password_is_refused_with_429_and_the_right_one_unchecked(
    client, settings, monkeypatch, url_name
):
    settings.ADMIN_REQUIRE_SECOND_FACTOR = False  # a staff account without a second factor
    user = make_user("ann", is_staff=True)
    client.force_login(user)
    url = reverse(url_name)
    for _ in range(5):
        response = _change(client, url, "wrong")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    sixth = _change(client, url, "wrong")
    assert sixth.status_code == 429 and TOO_MANY in sixth.content.decode()
    checks = _checks(monkeypatch)
    right = _change(client, url, PASSWORD)
    assert right.status_code == 429 and TOO_MANY in right.content.decode()
    assert checks == []  # the right password was never checked
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(NEW)


def test_a_right_current_password_changes_it_and_starts_the_count_afresh(client):
    user = make_user("bob")
    client.force_login(user)
    url = reverse("password_change")
    for _ in range(4):
        assert _change(client, url, "wrong").status_code == 200
    assert _change(client, url, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The username's counter started afresh: five more failures before a refusal.
    for _ in range(5):
        assert _change(client, url, "wrong").status_code == 200
    assert _change(client, url, "wrong").status_code == 429


def test_failed_logins_and_failed_password_changes_share_one_count(client):
    user = make_user("cy")
    for _ in range(3):
        client.post(reverse("login"), {"username": "cy", "password": "wrong"})
    client.force_login(user)
    url = reverse("password_change")
    for _ in range(2):
        assert _change(client, url, "wrong").status_code == 200
    assert _change(client, url, "wrong").status_code == 429
