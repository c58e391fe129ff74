"""The second factor in a browser: turning it on, logging in with the app's code and with a
recovery code, and a team that requires it of its admins. The codes are computed with
django-otp's own TOTP from the secret the page shows (or the device's, for later steps)."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from teams.models import Membership, Role
from tests.factories import make_team
from tests.support.second_factor import code_for, enrol

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "dailyadmin-demo"


def _user(username: str):
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


def _code_from_secret(secret: str) -> str:
    text = secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _password(page, base: str, username: str, next_url: str = "/account/two-factor/") -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _code(page, code: str) -> None:
    page.wait_for_url(re.compile(r"/login/code/$"))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def _set_up(page) -> list[str]:
    """On the set-up page: type the shown secret's code, return the recovery codes."""
    expect(page.locator("svg.qr-code")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    return page.locator("#recovery-codes li").all_inner_texts()


def test_turning_it_on_then_logging_in_with_the_app_and_with_a_recovery_code(live_server, page):
    base = live_server.url
    user = _user("ann")
    _password(page, base, "ann")
    page.wait_for_url(re.compile(r"/account/two-factor/$"))
    page.get_by_role("link", name="Set up an authenticator app").click()
    codes = _set_up(page)
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator("#codes-left")).to_have_text("10")
    page.get_by_role("button", name="Log out").click()

    # The password alone no longer logs in: the app's next code does.
    _password(page, base, "ann")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    _code(page, code_for(device))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # A recovery code, typed in capitals, once.
    _password(page, base, "ann")
    _code(page, codes[0].upper())
    expect(page.get_by_text("You used a recovery code; 9 left.")).to_be_visible()
    page.goto(f"{base}/account/two-factor/")
    expect(page.locator("#codes-left")).to_have_text("9")


def test_a_team_that_requires_it_sends_its_admin_to_set_it_up(live_server, page):
    base = live_server.url
    team = make_team("acme")
    owner, admin = _user("olga"), _user("adam")
    Membership.objects.create(user=owner, team=team, role=Role.OWNER)
    Membership.objects.create(user=admin, team=team, role=Role.ADMIN)
    device, _ = enrol(owner)

    _password(page, base, "olga", "/t/acme/settings/")
    _code(page, code_for(device))
    page.get_by_role("link", name="Security").click()
    page.get_by_label("Owners and admins must use a second factor").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Owners and admins must use a second factor.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    _password(page, base, "adam", "/t/acme/audit/")
    page.wait_for_url(re.compile(r"/account/two-factor/setup/"))
    expect(page.get_by_text("This team requires its owners and admins")).to_be_visible()
    _set_up(page)
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url(re.compile(r"/t/acme/audit/$"))
    expect(page.locator("table")).to_contain_text("Second-factor requirement changed")
