"""Password reset by email (dailyadmin/password_reset.py): the whole flow through the mail,
the same answer for an address with a login and one without, the throttle, single-use
links, and every other session logged out by the new password."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://testserver(/account/reset/[^\s]+/)")
NEW_PASSWORD = "a-brand-new-pass-phrase-7"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.PASSWORD_RESET_THROTTLE_ATTEMPTS = 3
    settings.PASSWORD_RESET_THROTTLE_ADDRESS_ATTEMPTS = 10
    settings.LOGIN_THROTTLE_WINDOW = 15 * 60
    settings.CLIENT_IP_HEADER = ""


def _ask(client: Client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def _link(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_the_login_page_offers_a_reset():
    body = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Forgot your password?' in body


def test_a_reset_by_email_from_request_to_login(client):
    ann = make_user("ann", email="ann@example.com")
    response = _ask(client, "ANN@example.com")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"] and "Reset your dailyadmin password" in message.subject
    assert "Hello ann" in message.body
    form = client.get(_link(message), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your new password is set" in done.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(NEW_PASSWORD)
    fresh = Client()
    logged = fresh.post(reverse("login"), {"username": "ann", "password": NEW_PASSWORD})
    assert logged.status_code == 302 and SESSION_KEY in fresh.session
    # The link was for one use.
    again = client.get(_link(message), follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_address_without_a_login_gets_the_same_answer_and_no_mail():
    make_user("ann", email="ann@example.com")
    known, unknown = Client(), Client()
    a = _ask(known, "ann@example.com", REMOTE_ADDR="10.0.0.1")
    b = _ask(unknown, "nobody@example.com", REMOTE_ADDR="10.0.0.2")
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    assert len(mail.outbox) == 1
    pa = known.get(a["Location"]).content.decode()
    pb = unknown.get(b["Location"]).content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    assert token.sub("", pa) == token.sub("", pb)


def test_an_inactive_login_or_one_without_a_password_gets_no_mail(client):
    make_user("gone", email="gone@example.com", is_active=False)
    nopass = make_user("sso", email="sso@example.com")
    nopass.set_unusable_password()
    nopass.save()
    assert _ask(client, "gone@example.com").status_code == 302
    assert _ask(client, "sso@example.com").status_code == 302
    assert mail.outbox == []


def test_requests_for_one_address_are_throttled_whoever_sends_them():
    make_user("ann", email="ann@example.com")
    for i in range(3):
        assert _ask(Client(), "ann@example.com", REMOTE_ADDR=f"10.0.1.{i}").status_code == 302
    refused = _ask(Client(), "Ann@Example.com", REMOTE_ADDR="10.0.1.99")
    assert refused.status_code == 429
    assert "Too many requests. Try again in 15 minutes." in refused.content.decode()
    assert len(mail.outbox) == 3
    # An address without a login is refused alike: the throttle reveals nothing either.
    for _ in range(3):
        _ask(Client(), "nobody@example.com", REMOTE_ADDR="10.0.2.1")
    assert _ask(Client(), "nobody@example.com", REMOTE_ADDR="10.0.2.2").status_code == 429


def test_one_client_asking_for_many_addresses_is_throttled(client):
    for i in range(10):
        assert _ask(client, f"user{i}@example.com").status_code == 302
    assert _ask(client, "user99@example.com").status_code == 429


def test_the_new_password_logs_out_every_other_session(client):
    make_user("ann", email="ann@example.com")
    elsewhere = Client()
    assert elsewhere.login(username="ann", password=PASSWORD)
    assert elsewhere.get(reverse("home")).status_code == 200
    _ask(client, "ann@example.com")
    form = client.get(_link(mail.outbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    response = elsewhere.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_weak_new_password_is_refused_with_the_reason(client):
    ann = make_user("ann", email="ann@example.com")
    _ask(client, "ann@example.com")
    form = client.get(_link(mail.outbox[0]), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)


def test_a_forged_link_does_not_work(client):
    make_user("ann", email="ann@example.com")
    response = client.get("/account/reset/MQ/abc-0123456789abcdef/", follow=True)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()
    assert client.get("/account/reset/%00/x/").status_code in (200, 404)


def test_a_malformed_address_is_explained(client):
    response = _ask(client, "not an address")
    assert response.status_code == 200 and "valid email address" in response.content.decode()
    assert mail.outbox == []
