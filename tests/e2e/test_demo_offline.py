"""The demo works without the internet: its pictures come from this machine, and a picture
that cannot load leaves the person's initials."""

from __future__ import annotations

import pytest

from rooms.models import RoomMirror
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

USERS = "/t/demo-team/users/"


def test_the_users_page_shows_its_pictures_offline_without_console_errors(demo, phone):
    log_in(phone, demo, "owner")
    phone.goto(f"{demo}{USERS}")
    for img in phone.locator("img.avatar-img").all():  # they load lazily, once in sight
        img.scroll_into_view_if_needed()
    phone.wait_for_load_state("networkidle")
    loaded = phone.evaluate(
        "Array.from(document.querySelectorAll('img.avatar-img'))"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )
    assert loaded >= 10  # the seeded users with a picture, served by the simulator
    assert phone.outside == []
    assert phone.problems == []


def test_a_picture_that_cannot_load_leaves_the_initials(demo, phone):
    mirror = RoomMirror.objects.get(team__slug="demo-team")
    for user in mirror.team_info["users"]:
        if user["email"] == "ana.garcia@example.com":
            user["avatar_url"] = "http://127.0.0.1:9/no-such-picture.png"  # nothing listens
    mirror.save(update_fields=["team_info"])
    log_in(phone, demo, "owner")
    phone.goto(f"{demo}{USERS}")
    phone.wait_for_load_state("networkidle")
    row = phone.locator("tr", has_text="ana.garcia@example.com")
    assert row.locator("img.avatar-img").count() == 0  # the broken picture stepped aside
    initials = row.locator(".avatar-initials")
    assert initials.inner_text() == "AG"
    assert initials.is_visible()
