"""A manager subscribes to the weekly attendance digest of one room, the digest lands in the
test mailbox (the live server runs in this process: Django's outbox), with its CSV, and
its link unsubscribes in a browser that is not logged in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from teams.models import Role
from tests.attendance.reports_support import meeting, session
from tests.e2e.conftest import log_in
from tests.factories import make_member, make_team
from usage import digests
from usage.models import DigestSubscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_subscribes_and_the_digest_lands_in_the_mailbox(live_server, page, browser):
    base = live_server.url
    team = make_team("digest-e2e", time_zone="Europe/Paris")
    now = timezone.now()
    today = now.astimezone(team.tz).date()
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    start = dt.datetime.combine(last_monday + dt.timedelta(days=1), dt.time(10), tzinfo=team.tz)
    for room, minutes in (("standup", 30), ("sales", 45)):
        m = meeting(team, room, start, start + dt.timedelta(minutes=60))
        session(m, "ann@example.com", m.start, m.start + dt.timedelta(minutes=minutes))
    user = make_member(team, Role.MANAGER, "mia")
    user.email = "mia@example.com"
    user.set_password("dailyadmin-demo")  # what tests/e2e's log_in types
    user.save()

    log_in(page, base, "mia")
    page.goto(f"{base}/t/{team.slug}/usage/")
    page.get_by_role("link", name="Email digests").click()
    expect(page.get_by_role("heading", name="Attendance digests")).to_be_visible()
    page.get_by_label("Every").select_option("weekly")
    page.get_by_label("standup").check()
    page.get_by_label("List people under (% attendance)").fill("60")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("Subscribed: the digest goes to mia@example.com.")).to_be_visible()
    expect(page.locator("#digest-subscriptions")).to_contain_text("standup")

    # The subscription began before last week (a new one waits for its first whole week),
    # then beat's run.
    sub = DigestSubscription.objects.get(user=user)
    DigestSubscription.objects.filter(pk=sub.pk).update(created_at=now - dt.timedelta(days=15))
    mail.outbox.clear()
    assert digests.send_due() == {"sent": 1, "failed": 0}
    [message] = mail.outbox
    assert message.to == ["mia@example.com"]
    assert "People under 60% attendance (1 of 1):" in message.body
    assert "- ann@example.com: 50% over 1 meeting" in message.body
    assert "sales" not in message.body
    [(name, content, _)] = message.attachments
    assert name.endswith(".csv") and "ann@example.com" in content

    # The link, in a browser that is not logged in.
    link = re.search(r"To stop these emails: (\S+)", message.body).group(1)
    path = link[link.index("/digests/") :]
    context = browser.new_context()
    outsider = context.new_page()
    outsider.goto(f"{base}{path}")
    outsider.get_by_role("button", name="Unsubscribe").click()
    expect(outsider.get_by_text("You are unsubscribed")).to_be_visible()
    context.close()
    assert not DigestSubscription.objects.filter(pk=sub.pk).exists()
