"""Django's admin asks for the second factor: a verified code for an account with one, and,
with ADMIN_REQUIRE_SECOND_FACTOR (the default), a second factor for every staff account."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.support.second_factor import code_for, code_step, enrol, verify_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)


def _index(client: Client):
    return client.get(reverse("admin:index"))


def test_staff_without_a_second_factor_are_told_to_set_one_up(root, settings):
    settings.ADMIN_REQUIRE_SECOND_FACTOR = True
    client = Client()
    client.force_login(root)
    response = _index(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    page = client.get(response["Location"])
    assert "The admin needs a second factor" in page.text
    assert reverse("twofactor:setup") in page.text


def test_the_requirement_for_staff_can_be_turned_off(root, settings):
    settings.ADMIN_REQUIRE_SECOND_FACTOR = False
    client = Client()
    client.force_login(root)
    assert _index(client).status_code == 200


def test_an_account_with_a_second_factor_needs_a_verified_session_whatever_the_setting(
    root, settings
):
    settings.ADMIN_REQUIRE_SECOND_FACTOR = False
    enrol(root)
    client = Client()
    client.force_login(root)  # a session that entered no code
    response = _index(client)
    assert response.status_code == 302
    login_page = client.get(response["Location"])
    assert login_page.status_code == 302
    assert login_page["Location"].startswith(reverse("twofactor:verify"))
    verified = Client()
    verified.force_login(root)
    verify_session(verified, root)
    assert _index(verified).status_code == 200


def test_the_admin_login_continues_at_the_code_step_and_comes_back(root):
    device, _ = enrol(root)
    client = Client()
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "root", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("twofactor:login_code")
    assert _index(client).status_code == 302  # not logged in yet
    done = code_step(client, code_for(device))
    assert done["Location"] == "/admin/"
    assert _index(client).status_code == 200


def test_the_admin_login_stays_throttled(root):
    enrol(root)
    client = Client()
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    refused = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert "Too many failed attempts" in refused.text


def test_the_admin_never_shows_an_authenticators_secret(root):
    device, _ = enrol(root)
    client = Client()
    client.force_login(root)
    verify_session(client, root)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert device.key not in page.text
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 200
