"""An invitation, as people use it: the owner invites an address, the invitee opens the
emailed link in another browser, creates a login and lands in the team; the owner revokes
another invitation. The live server runs in this process: its mail is in the test outbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from teams.models import Membership, Role
from tests.e2e.conftest import _offline, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-unusual-pass-42"


def test_an_owner_invites_and_the_invitee_joins_with_a_new_login(demo, page, browser):
    mail.outbox.clear()
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/settings/members/")
    for address, role in (("nora@example.com", "admin"), ("later@example.com", "manager")):
        page.get_by_label("Email address").fill(address)
        page.get_by_label("Role", exact=True).select_option(role)
        page.get_by_role("button", name="Send the invitation").click()
        expect(page.get_by_text(f"Invitation sent to {address}.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["nora@example.com"], ["later@example.com"]]
    link = re.search(r"http\S+/invitation/\S+/", mail.outbox[0].body).group(0)

    # The invitee, in a browser of their own.
    context = browser.new_context()
    context.route("**/*", _offline)
    invitee = context.new_page()
    try:
        invitee.goto(link)
        expect(invitee.get_by_role("heading", name="Join demo-rest")).to_be_visible()
        assert "/invitation/accept/" in invitee.url  # the token left the address bar
        invitee.get_by_label("Username").fill("nora")
        invitee.get_by_label("Password", exact=True).fill(PASSWORD)
        invitee.get_by_label("Password confirmation").fill(PASSWORD)
        invitee.get_by_role("button", name="Create my login and join").click()
        invitee.wait_for_url(re.compile(r"/t/demo-rest/$"))
        expect(invitee.get_by_text("Welcome to demo-rest: you are admin.")).to_be_visible()
    finally:
        context.close()
    assert Membership.objects.get(user__username="nora", team__slug="demo-rest").role == Role.ADMIN

    # The owner sees nora among the members and revokes the other invitation.
    page.goto(f"{demo}/t/demo-rest/settings/members/")
    expect(page.get_by_text("nora", exact=True)).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The invitation to later@example.com is revoked.")).to_be_visible()
    expect(page.get_by_text("No open invitations.")).to_be_visible()
