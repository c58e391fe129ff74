"""A password reset by email, as a person does it: from the login page to the mailbox, the
link, a new password, and logging in with it. The live server runs in this process, so the
mail it sends is in Django's test outbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-brand-new-pass-phrase-7"


def test_a_person_resets_a_forgotten_password_by_email(live_server, page):
    base = live_server.url
    make_user("rita", email="rita@example.com")
    mail.outbox.clear()

    page.goto(f"{base}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("rita@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rita@example.com"]
    link = re.search(r"https?://\S+/account/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(base)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    # The token left the address bar before the form was shown.
    assert "set-password" in page.url
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.get_by_text("rita").first).to_be_visible()

    # The link is spent.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
