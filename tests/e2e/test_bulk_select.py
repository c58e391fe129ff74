"""Bulk actions in the browser: every room the search matches, the typed confirmation of a
large delete, and the job's progress while the worker runs it (here `run_job`, as the
task runs it, in the test's process)."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from rooms import bulk, mirror
from rooms.models import BulkJob
from teams.models import Team
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _unpaced(settings):
    settings.DAILY_PACING = False  # Daily's delete rate is the pacer's tests' business


def _rooms(sim, prefix: str, count: int) -> None:
    for i in range(count):
        response = requests.post(
            f"{sim.rest_base_url}/rooms",
            headers=sim.rest_headers,
            json={"name": f"{prefix}{i:03d}", "privacy": "public"},
            timeout=5,
        )
        assert response.status_code == 200, response.text
    # The worker's mirror of the team's rooms, brought up to date as its refresh would.
    assert mirror.fill(Team.objects.get(slug="demo-rest"))


def test_an_admin_changes_every_matching_room_and_follows_the_job(demo, page, fast_sim):
    _rooms(fast_sim, "bulk-", 60)  # 60 of them: two pages of the list
    log_in(page, demo, "admin")
    page.goto(f"{demo}/t/demo-rest/rooms/?q=bulk-")
    counter = page.locator("[data-selected-count]")
    everything = page.get_by_label("Select all 60 rooms matching “bulk-”, on every page")
    rows = page.locator('input[name="rooms"][form="bulk-form"]')
    expect(rows).to_have_count(50)

    everything.check()
    expect(counter).to_have_text("All 60 selected")
    assert rows.evaluate_all("boxes => boxes.every(box => box.checked)")
    # Unticking one room is no longer "all of them".
    page.get_by_label("Select bulk-000").uncheck()
    expect(everything).not_to_be_checked()
    expect(counter).to_have_text("49 selected")

    everything.check()
    page.locator("#bulk-privacy").select_option("private")
    page.get_by_role("button", name="Preview…").click()
    expect(page.get_by_role("heading", name="Make 60 rooms private?")).to_be_visible()
    expect(page.get_by_text("60 rooms in the dashboard's list now")).to_be_visible()
    page.get_by_role("button", name="Make 60 rooms private").click()

    expect(page.get_by_text("0 of 60 rooms handled")).to_be_visible()
    expect(page.get_by_text("Waiting for the worker.")).to_be_visible()
    job = BulkJob.objects.get()
    assert bulk.run_job(job.pk) is bulk.Run.FINISHED
    # The page polls: the result shows without a reload.
    expect(page.get_by_text("60 of 60 rooms handled: 60 done.")).to_be_visible()
    expect(page.get_by_text("Finished.")).to_be_visible()
    # From another tab, later: the jobs page has it.
    other = page.context.new_page()
    other.goto(f"{demo}/t/demo-rest/rooms/bulk/")
    row = other.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Make private (every room matching “bulk-”)")
    expect(row).to_contain_text("60 of 60")
    expect(row).to_contain_text("Finished")


def test_a_large_delete_asks_for_the_typed_phrase(demo, page, fast_sim):
    _rooms(fast_sim, "old-", 105)
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/?q=old-")
    page.get_by_label("Select all 105 rooms matching “old-”, on every page").check()
    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete 105 rooms?")).to_be_visible()
    confirm = page.get_by_label("To confirm, type delete 105 rooms")
    confirm.fill("delete 150 rooms")
    page.get_by_role("button", name="Delete 105 rooms").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was deleted. To delete these 105 rooms, type “delete 105 rooms”"
    )
    assert not BulkJob.objects.exists()
    page.get_by_label("To confirm, type delete 105 rooms").fill("delete 105 rooms")
    page.get_by_role("button", name="Delete 105 rooms").click()
    expect(page.get_by_text("0 of 105 rooms handled")).to_be_visible()
    job = BulkJob.objects.get()
    # Cancelled before the worker took it: nothing is deleted.
    page.get_by_role("button", name="Cancel the rest").click()
    expect(page.get_by_text("Cancelled.")).to_be_visible()
    job.refresh_from_db()
    assert (job.state, job.skipped_count) == ("cancelled", 105)
