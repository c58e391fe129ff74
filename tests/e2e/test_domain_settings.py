"""Domain settings in the browser: an owner changes two settings, reviews the changes from
and to (htmx, no page load), saves, and finds them at Daily and in the audit log."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from teams.models import AuditAction, AuditEvent
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_previews_and_saves_domain_settings(demo, page, fast_sim):
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/settings/")
    page.get_by_role("link", name="Domain").click()
    expect(page.get_by_role("link", name="Domain")).to_have_attribute("aria-current", "page")

    page.get_by_label("Default language").select_option("de")
    page.get_by_label("Page after leaving a call").fill("https://example.com/thanks")
    page.get_by_label("Pre-join screen").uncheck()
    page.get_by_role("button", name="Review changes").click()

    diff = page.locator("#domain-diff")
    expect(diff.get_by_role("heading", name="Changes to save")).to_be_visible()
    expect(diff.locator('tr[data-property="lang"]')).to_contain_text("English")
    expect(diff.locator('tr[data-property="lang"]')).to_contain_text("German")
    expect(diff.locator('tr[data-property="enable_prejoin_ui"]')).to_contain_text("off")
    expect(diff.locator("tbody tr")).to_have_count(3)
    # Nothing was saved by the preview.
    before = requests.get(
        f"{fast_sim.rest_base_url}/", headers=fast_sim.rest_headers, timeout=5
    ).json()["config"]
    assert before["lang"] == "en"

    page.get_by_role("button", name="Save 3 changes").click()
    expect(page.get_by_text("Domain settings saved")).to_be_visible()
    expect(page.get_by_label("Default language")).to_have_value("de")
    expect(page.get_by_label("Pre-join screen")).not_to_be_checked()

    config = requests.get(
        f"{fast_sim.rest_base_url}/", headers=fast_sim.rest_headers, timeout=5
    ).json()["config"]
    assert config["lang"] == "de" and config["enable_prejoin_ui"] is False
    assert config["redirect_on_meeting_exit"] == "https://example.com/thanks"
    event = AuditEvent.objects.get(action=AuditAction.DOMAIN_UPDATE)
    assert "lang: English -> German" in event.message
