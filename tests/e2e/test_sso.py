"""Single sign-on in the browser: the login page's button, the real provider's login page
(tests/oidc_provider, its own process), back to the dashboard signed in, and out again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sso.models import Identity
from teams.models import Membership, Role
from tests.factories import make_team, make_user
from tests.support.oidc_provider import PASSWORD, PROVIDER_NAME

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_signs_in_through_the_provider_and_out_again(
    live_server, sso_settings, oidc_provider, page
):
    team = make_team("acme")
    alice = make_user("alice")
    Membership.objects.create(user=alice, team=team, role=Role.MANAGER)
    base = live_server.url

    page.goto(f"{base}/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    # The provider's own login page, on its own port.
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer.rsplit("/o", 1)[0]) + ".*"))
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()

    page.wait_for_url(lambda url: url.startswith(base) and "/login/" not in url)
    expect(page.locator(".appbar-who")).to_contain_text("alice")
    assert Identity.objects.get(user=alice).linked_by == "username"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/login/")
    page.goto(f"{base}/account/password/")
    assert "/login/" in page.url  # the dashboard's session ended


def test_a_person_the_dashboard_does_not_know_is_told_so(
    live_server, sso_settings, oidc_provider, page
):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(f"{base}/login/")
    expect(page.get_by_role("status")).to_contain_text("There is no dashboard account for “bob”")
    # The way back in: the provider's button and the password form are both there.
    expect(page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()


def test_logging_out_at_the_provider_ends_both_sessions(
    live_server, sso_settings, oidc_provider, page
):
    sso_settings.OIDC_LOGOUT_AT_PROVIDER = True
    make_user("alice")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(lambda url: url.startswith(base) and "/login/" not in url)

    # Out of the dashboard, through the provider's logout, back to the login page.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/login/")
    # Signing in again asks for the provider's password again.
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
