"""Call quality in the browser: a manager opens a meeting, loads its call quality on demand
(htmx, in place), and sees the participants with the poor ones flagged and charted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from attendance.models import Meeting
from attendance.sync import sync_team
from teams.models import Team
from tests.attendance.helpers import at
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_loads_call_quality_on_a_meeting_page(demo, page, fast_sim):
    team = Team.objects.get(slug="demo-rest")
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(hours=12))
    meeting = Meeting.objects.filter(team=team, ongoing=False, session_count__gte=3).first()
    log_in(page, demo, "manager")
    page.goto(f"{demo}/t/demo-rest/attendance/meetings/{meeting.pk}/")
    region = page.locator("#call-quality")
    expect(region.get_by_role("link", name="Load call quality")).to_be_visible()
    region.get_by_role("link", name="Load call quality").click()
    table = page.locator("#call-quality table")
    expect(table).to_be_visible()
    assert page.url.endswith(f"/meetings/{meeting.pk}/")  # swapped in place
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    expect(page.locator("#call-quality svg.quality-spark").first).to_be_visible()
    expect(page.locator("#call-quality .quality-summary")).to_contain_text("poor connection")
