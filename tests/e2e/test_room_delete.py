"""Deleting a room in its row says so and counts the rooms again."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from teams.models import AuditEvent
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

ROOM = "customer-onboarding"


def _count(page) -> int:
    text = page.locator("#rooms-count").inner_text()
    found = re.match(r"([\d,]+) rooms?\.", text.strip())
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_a_room_deleted_in_its_row_is_announced_and_the_count_goes_down(demo, page, fast_sim):
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/?sort=name")
    before = _count(page)
    expect(page.locator("#messages")).to_be_empty()
    row = page.locator("tr.room-row", has=page.get_by_role("link", name=ROOM, exact=True))
    row.get_by_role("link", name="Delete").click()
    confirm = page.locator("tr.confirm-row")
    with page.expect_response(lambda r: r.url.endswith("/rooms/count/?q=&recount=1")):
        confirm.get_by_role("button", name=f"Delete {ROOM}").click()
    expect(page.locator("#messages")).to_have_text(f"Room {ROOM} deleted.")
    expect(page.locator("#rooms-count")).to_have_text(re.compile(rf"^\s*{before - 1:,} rooms?\."))
    assert _count(page) == before - 1
    expect(page.get_by_role("link", name=ROOM, exact=True)).to_have_count(0)
    response = requests.get(
        f"{fast_sim.rest_base_url}/rooms/{ROOM}", headers=fast_sim.rest_headers, timeout=5
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="room.delete", outcome="ok", target=ROOM).count() == 1
    # A second delete counts again: the reloaded count still listens.
    other = page.locator("tr.room-row").first
    name = other.locator("td a").first.inner_text()
    other.get_by_role("link", name="Delete").click()
    page.locator("tr.confirm-row").get_by_role("button", name=f"Delete {name}").click()
    expect(page.locator("#messages")).to_have_text(f"Room {name} deleted.")
    expect(page.locator("#rooms-count")).to_have_text(re.compile(rf"^\s*{before - 2:,} rooms?\."))
