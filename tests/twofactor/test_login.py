"""The login's code step: after a correct password, an account with a second factor is not
logged in until a code from its app (or a recovery code, used once) is right."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken

from teams.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, make_user
from tests.support.second_factor import code_for, code_step, enrol, logged_in, password_step
from twofactor import services
from twofactor.views.login import PENDING

pytestmark = pytest.mark.django_db
CODE_STEP = "/login/code/"


def test_an_account_without_a_second_factor_logs_in_with_its_password_alone(client):
    make_user("ann")
    response = password_step(client, "ann")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in(client)


def test_a_correct_password_alone_does_not_log_in_an_account_with_a_second_factor(client):
    device, _ = enrol(make_user("ann"))
    response = password_step(client, "ann")
    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert not logged_in(client)
    # The pending login opens no page.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("twofactor:account"))["Location"].startswith(reverse("login"))
    page = client.get(CODE_STEP)
    assert page.status_code == 200 and "Logging in as <strong>ann</strong>" in page.text
    response = code_step(client, code_for(device))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING not in client.session


def test_a_wrong_code_is_refused(client):
    device, _ = enrol(make_user("ann"))
    password_step(client, "ann")
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = code_step(client, wrong)
    assert response.status_code == 200
    assert services.WRONG_CODE.replace("'", "&#x27;") in response.text
    assert not logged_in(client)
    assert code_step(client, right).status_code == 302 and logged_in(client)


def test_a_code_cannot_be_used_twice(client):
    user = make_user("ann")
    device, _ = enrol(user)
    password_step(client, "ann")
    code = code_for(device)
    assert code_step(client, code).status_code == 302
    client.post(reverse("logout"))
    password_step(client, "ann")
    again = code_step(client, code)
    assert again.status_code == 200 and not logged_in(client)


def test_a_recovery_code_logs_in_once_and_is_audited(client):
    user = make_user("ann")
    _, codes = enrol(user)
    password_step(client, "ann")
    # As people type it: upper case, spaces instead of dashes.
    typed = codes[3].upper().replace("-", " ")
    response = code_step(client, typed)
    assert response.status_code == 302 and logged_in(client)
    assert services.recovery_codes_left(user) == len(codes) - 1
    event = AuditEvent.objects.get(action=AuditAction.RECOVERY_CODE_USE)
    assert event.team is None and event.actor == user and event.outcome == "ok"
    assert event.message == f"{len(codes) - 1} recovery codes left."
    client.post(reverse("logout"))
    password_step(client, "ann")
    assert code_step(client, codes[3]).status_code == 200
    assert not logged_in(client)


def test_recovery_codes_are_stored_hashed():
    user = make_user("ann")
    _, codes = enrol(user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == len(codes) == services.RECOVERY_CODE_COUNT
    for code in codes:
        assert code not in stored and services.normalise_recovery_code(code) not in stored
        assert services.recovery_digest(code) in stored


def test_the_code_step_is_throttled_like_the_login(client):
    device, _ = enrol(make_user("ann"))
    password_step(client, "ann")
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert code_step(client, wrong).status_code == 200
    refused = code_step(client, right)
    assert refused.status_code == 429
    assert "Too many failed attempts. Try again in" in refused.text
    assert not logged_in(client)


def test_a_correct_password_gives_no_new_attempts_at_the_code(client):
    device, _ = enrol(make_user("ann"))
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        password_step(client, "ann")
        code_step(client, wrong)
    password_step(client, "ann")
    assert code_step(client, right).status_code == 429


def test_each_device_waits_longer_after_each_wrong_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device, _ = enrol(make_user("ann"))
    password_step(client, "ann")
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    code_step(client, wrong)
    # From another address too: the device's own delay is not per address.
    refused = code_step(client, right, REMOTE_ADDR="198.51.100.9")
    assert "Too many wrong codes. Try again in" in refused.text
    assert not logged_in(client)


def test_the_pending_login_expires(client, settings, monkeypatch):
    device, _ = enrol(make_user("ann"))
    password_step(client, "ann")
    later = time.time() + settings.SECOND_FACTOR_LOGIN_SECONDS + 1
    monkeypatch.setattr("twofactor.views.login.time.time", lambda: later)
    response = code_step(client, code_for(device))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not logged_in(client)


def test_a_password_changed_meanwhile_ends_the_pending_login(client):
    user = make_user("ann")
    device, _ = enrol(user)
    password_step(client, "ann")
    user.set_password("another-long-password-2")
    user.save()
    response = code_step(client, code_for(device))
    assert response["Location"] == reverse("login") and not logged_in(client)


def test_the_code_step_goes_on_to_next_on_this_site_only(client):
    device, _ = enrol(make_user("ann"))
    client.post(
        reverse("login") + "?next=/account/two-factor/",
        {"username": "ann", "password": PASSWORD, "next": "/account/two-factor/"},
    )
    assert code_step(client, code_for(device))["Location"] == "/account/two-factor/"
    client.post(reverse("logout"))
    client.post(
        reverse("login"),
        {"username": "ann", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert code_step(client, code_for(device))["Location"] == reverse("home")


def test_the_code_step_without_a_password_sends_to_the_login(client):
    response = client.get(CODE_STEP)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.put(CODE_STEP).status_code == 405
