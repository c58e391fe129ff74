"""Applying a report's filters, even twice in quick succession, shows the last filters'
results and logs nothing in the browser's console (an htmx request replaced by a newer
one used to be aborted, which htmx logs as an error)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.sync import sync_team
from teams.models import Team
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_applying_filters_twice_quickly_logs_no_console_error(demo, page):
    sync_team(Team.objects.get(slug="demo-rest"), since=timezone.now() - timedelta(days=2))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/attendance/meetings/")
    results: list[str] = []
    page.on("response", lambda r: results.append(r.url) if "room=" in r.url else None)
    room = page.get_by_label("Room", exact=True)
    apply = page.get_by_role("button", name="Apply")
    # Type a room and press Apply (the field's change and the submit: two requests), then
    # at once another room and Apply again, before the first answers.
    room.fill("no-such-room-a")
    apply.click()
    room.fill("no-such-room-b")
    apply.click()
    page.wait_for_url(lambda url: "room=no-such-room-b" in url)
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-filters [name=room]").input_value() == "no-such-room-b"
    assert errors == []
    # Each room's change and its Apply were one request (the first may have been passed
    # over by the second while it waited); the last filters were applied once.
    asked = [url.split("room=")[1].split("&")[0] for url in results]
    assert asked.count("no-such-room-b") == 1 and asked.count("no-such-room-a") <= 1, asked
    expect(page.locator("#report-results")).to_contain_text("no-such-room-b")
