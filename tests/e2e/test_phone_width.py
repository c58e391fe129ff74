"""At a phone's width (390 px) no page is wider than the screen; the skip link comes first;
the demo's pages reach nothing outside this machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.sync import sync_team
from teams.models import Team
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# Every main page an owner opens, on the team whose version of it has the most to show.
PAGES = (
    "/t/demo-rest/",
    "/t/demo-rest/rooms/",
    "/t/demo-rest/rooms/r/customer-onboarding/",
    "/t/demo-team/users/",
    "/t/demo-rest/settings/members/",
    "/t/demo-rest/settings/",
    "/t/demo-rest/audit/",
    "/t/demo-rest/attendance/meetings/",
    "/t/demo-rest/attendance/people/",
    "/t/demo-rest/attendance/rooms/",
    "/t/demo-rest/attendance/charts/",
    "/t/demo-rest/attendance/sync/",
)


def _synced(days: int = 2) -> None:
    """Attendance of the last days, so the reports have rows to lay out."""
    team = Team.objects.get(slug="demo-rest")
    sync_team(team, since=timezone.now() - timedelta(days=days))


def test_no_page_is_wider_than_a_phone(demo, phone):
    _synced()
    log_in(phone, demo, "owner")
    widths = {}
    for path in PAGES:
        response = phone.goto(f"{demo}{path}")
        assert response is not None and response.status == 200, path
        phone.wait_for_load_state("networkidle")
        widths[path] = phone.evaluate("document.documentElement.scrollWidth")
    assert {p: w for p, w in widths.items() if w > PHONE["width"]} == {}
    assert phone.outside == []
    assert phone.problems == []


def test_the_remove_buttons_are_on_screen(demo, phone):
    log_in(phone, demo, "owner")
    phone.goto(f"{demo}/t/demo-team/users/")
    button = phone.get_by_role("link", name="Remove").first
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(demo, phone):
    log_in(phone, demo, "owner")
    phone.goto(f"{demo}/t/demo-rest/rooms/")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("[document.activeElement.className, document.activeElement.innerText]")
    assert focused == ["skip-link", "Skip to content"]
    assert phone.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # seen
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_an_invalid_field_is_not_hidden_under_the_top_bar(demo, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 700})
    page = context.new_page()
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/new/")
    field = page.get_by_label("Name", exact=True)
    field.evaluate("input => { input.required = true; input.value = ''; }")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("document.querySelector('form.room-form, main form').requestSubmit()")
    bar = page.evaluate("document.querySelector('.appbar').getBoundingClientRect().bottom")
    top = field.evaluate("input => input.getBoundingClientRect().top")
    context.close()
    assert top >= bar, f"the field's top ({top}) is under the top bar (bottom {bar})"
