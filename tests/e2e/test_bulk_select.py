"""Bulk selection in the browser: a page of rooms, and every room the search matches."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_selects_every_matching_room_across_pages(demo, page, fast_sim):
    for i in range(60):  # 60 of them: two pages of the list
        response = requests.post(
            f"{fast_sim.rest_base_url}/rooms",
            headers=fast_sim.rest_headers,
            json={"name": f"bulk-{i:02d}", "privacy": "public"},
            timeout=5,
        )
        assert response.status_code == 200, response.text
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
    page.get_by_label("Select bulk-00").uncheck()
    expect(everything).not_to_be_checked()
    expect(counter).to_have_text("49 selected")

    everything.check()
    page.locator("#bulk-privacy").select_option("private")
    page.get_by_role("button", name="Preview…").click()
    expect(page.get_by_role("heading", name="Make 60 rooms private?")).to_be_visible()
    expect(page.get_by_text("60 rooms as Daily lists them now")).to_be_visible()
