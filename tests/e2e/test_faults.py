"""Every Daily-backed page and action under upstream faults, in a browser: no 500, the
failure explained in place with a way to retry, nothing half-written, and recovery
without a restart once the faults stop."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from teams.models import AuditEvent
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

FAULTS = {
    "5xx": {"p_5xx": 1.0},
    "429": {"p_429": 1.0},
    "dropped": {"p_drop": 1.0},
    "timeout": {"p_hang": 1.0, "hang_seconds": 2},
    "error-in-200": {"p_error_in_200": 1.0},
}
PAGES = [
    "/t/demo-team/",
    "/t/demo-rest/",
    "/t/demo-team/rooms/",
    "/t/demo-rest/rooms/",
    "/t/demo-rest/rooms/r/lobby/",
    "/t/demo-team/users/",
]


@pytest.fixture
def faulty(demo, fast_sim, settings):
    settings.DAILY_HTTP_TIMEOUT = (1.0, 1.0)
    settings.DAILY_ROOMS_CACHE_SECONDS = 0  # every view asks Daily
    return demo, fast_sim


def _expect_explained(page, path: str) -> None:
    alert = page.locator("[role=alert]").first
    expect(alert).to_be_visible()
    assert "Traceback" not in page.content(), path


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_page_explains_a_failing_daily_and_recovers(faulty, page, fault):
    base, sim = faulty
    log_in(page, base, "owner")
    sim.faults(**FAULTS[fault])
    for path in PAGES:
        response = page.goto(base + path)
        assert response.status < 500, f"{path} answered {response.status} under {fault}"
        if fault == "error-in-200" and "demo-rest" in path:
            continue  # an error inside a 200 exists only on the original API
        _expect_explained(page, path)
        expect(page.get_by_role("button", name="Try again").first).to_be_visible()
    sim.clear_faults()
    # The retry in place works once Daily answers again (the page is still the last one).
    page.get_by_role("button", name="Try again").first.click()
    expect(page.get_by_text("ana.garcia@example.com")).to_be_visible()
    page.goto(base + "/t/demo-rest/rooms/")
    expect(page.get_by_role("link", name="lobby")).to_be_visible()
    page.goto(base + "/t/demo-team/")
    expect(page.locator("[role=alert]")).to_have_count(0)


def test_a_failed_create_writes_nothing_and_the_retry_creates_once(faulty, page):
    base, sim = faulty
    log_in(page, base, "admin")
    page.goto(base + "/t/demo-rest/rooms/new/")
    sim.faults(p_5xx=1.0)
    page.get_by_label("Name", exact=True).fill("flaky-room")
    page.get_by_role("button", name="Create room").click()
    expect(page.locator("[role=alert]").first).to_be_visible()
    failed = AuditEvent.objects.get(action="room.create")
    assert failed.outcome == "failed" and failed.error_type
    sim.clear_faults()
    listed = requests.get(
        f"{sim.rest_base_url}/rooms/flaky-room", headers=sim.rest_headers, timeout=5
    )
    assert listed.status_code == 404  # a POST that failed is not retried behind our back
    page.get_by_role("button", name="Create room").click()
    page.wait_for_load_state("networkidle")
    created = requests.get(
        f"{sim.rest_base_url}/rooms/flaky-room", headers=sim.rest_headers, timeout=5
    )
    assert created.status_code == 200
    outcomes = list(
        AuditEvent.objects.filter(action="room.create")
        .order_by("id")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["failed", "ok"]
