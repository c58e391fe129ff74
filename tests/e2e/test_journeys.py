"""One journey per role, as a person would take it."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from teams.models import AuditEvent
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _room(sim, name: str) -> dict | None:
    response = requests.get(
        f"{sim.rest_base_url}/rooms/{name}", headers=sim.rest_headers, timeout=5
    )
    return response.json() if response.status_code == 200 else None


def test_an_owner_creates_configures_and_deletes_a_room(demo, page, fast_sim):
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/")
    page.get_by_role("link", name="New room").click()
    page.get_by_label("Name", exact=True).fill("e2e-owner-room")
    page.get_by_role("button", name="Create room").click()
    expect(page.get_by_text("e2e-owner-room").first).to_be_visible()
    assert _room(fast_sim, "e2e-owner-room") is not None

    page.goto(f"{demo}/t/demo-rest/rooms/?q=e2e-owner")
    page.get_by_label("Privacy of e2e-owner-room").select_option("private")
    page.get_by_role("button", name="Save privacy for e2e-owner-room").click()
    for _ in range(50):
        if (_room(fast_sim, "e2e-owner-room") or {}).get("privacy") == "private":
            break
        page.wait_for_timeout(100)
    assert _room(fast_sim, "e2e-owner-room")["privacy"] == "private"

    page.goto(f"{demo}/t/demo-rest/rooms/r/e2e-owner-room/delete/")
    page.get_by_role("button", name="Delete e2e-owner-room").click()
    page.wait_for_url(re.compile(r"/rooms/"))
    assert _room(fast_sim, "e2e-owner-room") is None

    page.goto(f"{demo}/t/demo-rest/audit/")
    for action in ("room.create", "room.privacy", "room.delete"):
        assert AuditEvent.objects.filter(action=action, outcome="ok").exists(), action
    expect(page.get_by_text("e2e-owner-room").first).to_be_visible()


def test_an_admin_is_told_why_a_room_name_is_refused_and_issues_a_token(demo, page):
    log_in(page, demo, "admin")
    page.goto(f"{demo}/t/demo-team/rooms/new/")
    name = page.get_by_label("Name", exact=True)
    # The browser already stops at the 26 characters left by the team's 9...
    assert name.get_attribute("maxlength") == "26"
    # ...and the server says why if something sends more anyway.
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill("a-name-far-too-long-for-this-team-x")
    page.get_by_role("button", name="Create room").click()
    expect(page.locator(".field-error")).to_contain_text("35 characters or fewer (team 9 + room 35")
    page.wait_for_load_state("networkidle")
    name = page.get_by_label("Name", exact=True)
    name.fill("two words")
    page.get_by_role("button", name="Create room").click()
    expect(page.locator(".field-error")).to_contain_text(re.compile("letters, digits", re.I))
    page.wait_for_load_state("networkidle")

    page.goto(f"{demo}/t/demo-rest/rooms/tokens/new/")
    page.get_by_role("combobox", name="Room").fill("lobby")
    page.get_by_label("User name").fill("Zoë Tester")
    page.get_by_role("button", name="Issue token").click()
    expect(page.get_by_label("Join URL")).to_have_value(re.compile(r"/lobby\?t=[\w.-]+$"))
    event = AuditEvent.objects.get(action="token.issue")
    assert event.outcome == "ok" and "Zoë Tester" in event.target


def test_a_manager_reviews_and_cannot_change_rooms(demo, page):
    log_in(page, demo, "manager")
    page.goto(f"{demo}/t/demo-rest/")
    # The "live now" tile comes in after the page, with a count in place of the ellipsis.
    expect(page.locator("#live-now .stat-value")).to_have_text(re.compile(r"^\d+$"))
    page.goto(f"{demo}/t/demo-rest/rooms/")
    expect(page.locator("table")).to_be_visible()
    expect(page.get_by_role("link", name="New room")).to_have_count(0)
    page.goto(f"{demo}/t/demo-rest/attendance/sync/")
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_text(re.compile("Queued|Syncing|Done"))).to_be_visible()
    response = page.request.get(f"{demo}/t/demo-rest/rooms/new/")
    assert response.status == 403
