"""The rooms list's privacy select: arrow keys change nothing until the change is saved
(Save, or Enter), and after the row is swapped focus is back on its select."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from teams.models import AuditEvent
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

ROOM = "customer-onboarding"


def _privacy_at_daily(sim) -> str:
    response = requests.get(
        f"{sim.rest_base_url}/rooms/{ROOM}", headers=sim.rest_headers, timeout=5
    )
    return response.json()["privacy"]


def _saved_and_another(select) -> tuple[str, str]:
    """The privacy the room's select shows as saved, and another one it offers."""
    saved = select.input_value()
    other = select.evaluate(
        "(s, saved) => Array.from(s.options).find(o => o.value !== saved && !o.disabled).value",
        saved,
    )
    return saved, other


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_arrow_keys_change_nothing_until_enter_saves_and_focus_stays_on_the_row(
    demo, page, fast_sim
):
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    log_in(page, demo, "owner")
    posts.clear()
    page.goto(f"{demo}/t/demo-rest/rooms/?q={ROOM}")
    select = page.get_by_label(f"Privacy of {ROOM}")
    save = page.get_by_role("button", name=f"Save privacy for {ROOM}")
    before = select.input_value()
    assert before == _privacy_at_daily(fast_sim)
    expect(save).to_be_hidden()  # nothing to save yet

    select.focus()
    # Down, unless the saved choice is the last one.
    last = select.evaluate("s => s.selectedIndex === s.options.length - 1")
    page.keyboard.press("ArrowUp" if last else "ArrowDown")
    chosen = select.input_value()
    assert chosen != before  # the select shows the new choice...
    page.wait_for_timeout(800)
    assert posts == []  # ...but nothing was sent,
    assert _privacy_at_daily(fast_sim) == before  # nothing changed at Daily,
    assert not AuditEvent.objects.filter(action="room.privacy").exists()
    assert _focused(page) == f"privacy-{ROOM}"  # and focus did not move.
    expect(save).to_be_visible()

    with page.expect_response(lambda r: r.url.endswith(f"/r/{ROOM}/privacy/")):
        page.keyboard.press("Enter")
    row = page.locator("tr.room-row", has=page.get_by_label(f"Privacy of {ROOM}"))
    expect(row.locator(".saved")).to_have_text("Saved")
    assert len(posts) == 1
    assert _privacy_at_daily(fast_sim) == chosen
    events = AuditEvent.objects.filter(action="room.privacy")
    label = "team" if chosen == "org" else chosen
    assert [(e.outcome, e.target) for e in events] == [("ok", f"{ROOM} to {label}")]
    # Focus is on the new row's select, not the page's body.
    expect(page.get_by_label(f"Privacy of {ROOM}")).to_be_focused()
    assert page.get_by_label(f"Privacy of {ROOM}").input_value() == chosen
    expect(save).to_be_hidden()


def test_escape_puts_the_saved_choice_back_and_the_save_button_saves_a_mouse_choice(
    demo, page, fast_sim
):
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/?q={ROOM}")
    select = page.get_by_label(f"Privacy of {ROOM}")
    before, other = _saved_and_another(select)
    select.focus()
    page.keyboard.press("ArrowUp" if select.evaluate("s => s.selectedIndex > 0") else "ArrowDown")
    page.keyboard.press("Escape")
    assert select.input_value() == before
    expect(page.get_by_role("button", name=f"Save privacy for {ROOM}")).to_be_hidden()

    select.select_option(other)  # as a mouse picks it: still nothing saved
    page.wait_for_timeout(500)
    assert _privacy_at_daily(fast_sim) == before
    with page.expect_response(lambda r: r.url.endswith(f"/r/{ROOM}/privacy/")):
        page.get_by_role("button", name=f"Save privacy for {ROOM}").click()
    expect(page.locator("tr.room-row .saved")).to_have_text("Saved")
    assert _privacy_at_daily(fast_sim) == other
    assert AuditEvent.objects.filter(action="room.privacy", outcome="ok").count() == 1
    expect(page.get_by_label(f"Privacy of {ROOM}")).to_be_focused()


def test_a_choice_kept_by_the_browser_on_back_shows_its_save_button(demo, page):
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/?q={ROOM}")
    select = page.get_by_label(f"Privacy of {ROOM}")
    _saved, other = _saved_and_another(select)
    select.select_option(other)
    page.get_by_role("link", name=ROOM, exact=True).click()
    page.wait_for_url(lambda url: "/r/" in url)
    page.go_back()
    select = page.get_by_label(f"Privacy of {ROOM}")
    # Chromium puts the unsaved choice back in the select (form restoration on Back).
    assert select.input_value() == other
    expect(page.get_by_role("button", name=f"Save privacy for {ROOM}")).to_be_visible()
