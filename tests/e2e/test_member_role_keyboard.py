"""A dashboard member's role select: arrow keys change nothing until Change (or Enter)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from teams.models import AuditEvent, Membership
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_arrow_keys_on_a_role_select_change_nothing_until_enter(demo, page):
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    log_in(page, demo, "owner")
    posts.clear()
    page.goto(f"{demo}/t/demo-rest/settings/members/")
    membership = Membership.objects.get(team__slug="demo-rest", user__username="manager")
    select = page.get_by_label("Role of manager")
    change = page.locator(f"form:has(#role-{membership.pk}) [data-save]")
    expect(change).to_be_hidden()
    select.focus()
    page.keyboard.press("ArrowUp")  # manager is the last role: up is admin
    assert select.input_value() == "admin"
    page.wait_for_timeout(800)
    assert posts == []
    membership.refresh_from_db()
    assert membership.role == "manager"
    assert not AuditEvent.objects.filter(action="membership.change").exists()
    expect(select).to_be_focused()
    expect(change).to_be_visible()

    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert len(posts) == 1
    membership.refresh_from_db()
    assert membership.role == "admin"
    assert AuditEvent.objects.filter(action="membership.change", outcome="ok").count() == 1
    expect(page.get_by_label("Role of manager")).to_have_value("admin")
