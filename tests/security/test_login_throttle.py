"""The login throttle (teams/auth.py): failures per username and address, per address,
the message and 429, a success that starts afresh, the window, and the admin's login."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from teams import auth
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
TOO_MANY = "Too many failed attempts. Try again in"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 5
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 50
    settings.LOGIN_THROTTLE_WINDOW = 15 * 60
    settings.CLIENT_IP_HEADER = ""


def _login(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client):
    make_user("ann")
    for _ in range(5):
        response = _login(client, "ann", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    refused = _login(client, "ann", PASSWORD)
    assert refused.status_code == 429
    assert f"{TOO_MANY} 15 minutes." in refused.content.decode()
    assert not _logged_in(client)


def test_a_success_starts_the_count_afresh(client):
    make_user("ann")
    for _ in range(4):
        _login(client, "ann", "wrong")
    assert _login(client, "ann", PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        assert _login(client, "ann", "wrong").status_code == 200
    assert _login(client, "ann", "wrong").status_code == 429


def test_the_username_counts_whatever_its_case(client):
    make_user("ann")
    for name in ("ann", "ANN", "Ann", " ann", "aNn"):
        _login(client, name, "wrong")
    assert _login(client, "ann", PASSWORD).status_code == 429


def test_other_usernames_and_other_addresses_are_not_locked_out(client):
    make_user("ann")
    make_user("bob")
    for _ in range(6):
        _login(client, "ann", "wrong")
    assert _login(client, "bob", PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _login(elsewhere, "ann", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, settings):
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 8
    make_user("ann")
    for i in range(8):
        assert _login(client, f"guess{i}", "wrong").status_code == 200
    assert _login(client, "ann", PASSWORD).status_code == 429
    assert _login(Client(REMOTE_ADDR="203.0.113.9"), "ann", PASSWORD).status_code == 302


def test_successes_do_not_add_up_against_an_address(client, settings):
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 3
    make_user("ann")
    for _ in range(6):  # an office behind one address, logging in all day
        assert _login(client, "ann", PASSWORD).status_code == 302
        client.logout()


def test_the_lockout_ends_with_its_window_and_says_how_long(client, monkeypatch):
    make_user("ann")
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for _ in range(5):
        _login(client, "ann", "wrong")
    now[0] += 14 * 60 + 5  # the window started with the first attempt
    refused = _login(client, "ann", PASSWORD)
    assert refused.status_code == 429
    assert f"{TOO_MANY} 1 minute." in refused.content.decode()
    now[0] += 60
    assert _login(client, "ann", PASSWORD).status_code == 302


def test_the_client_address_comes_from_the_configured_proxy_header(client, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    make_user("ann")
    # What a client puts in front proves nothing: the proxy's last value counts.
    for i in range(6):
        _login(client, "ann", "wrong", headers={"X-Forwarded-For": f"10.0.0.{i}, 198.51.100.7"})
    blocked = {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}
    assert _login(client, "ann", PASSWORD, headers=blocked).status_code == 429
    other = {"X-Forwarded-For": "198.51.100.8"}
    assert _login(client, "ann", PASSWORD, headers=other).status_code == 302


def test_the_admin_login_is_throttled_too(client):
    make_user("root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "root", "password": "wrong"})
    refused = client.post(url, {"username": "root", "password": PASSWORD})
    assert TOO_MANY in refused.content.decode()
    assert not _logged_in(client)


def test_the_login_page_answers_get_and_post_only(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.put(reverse("login")).status_code == 405


def test_the_counters_never_store_the_username_or_address_in_clear():
    attempt = auth.begin(None, "ann@example.com")
    assert "ann" not in attempt.user_key and "unknown" not in attempt.address_key
