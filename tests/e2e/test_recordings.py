"""Recordings in the browser: the retention policy's preview before enabling it, and a
download through a link Daily generates for the click."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recordings import mirror, retention
from recordings.models import RetentionPolicy
from teams import dates
from teams.models import Team
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recorded(demo):
    """The demo REST team's recordings mirrored, as the worker's walk leaves them."""
    team = Team.objects.get(slug="demo-rest")
    assert mirror.refresh(team)
    return demo, team


def test_an_admin_previews_the_exact_list_then_enables_retention(recorded, page):
    base, team = recorded
    due = list(retention.preview(team, 30))
    assert due and len(due) < mirror.recordings(team).count()
    log_in(page, base, "admin")
    page.goto(f"{base}/t/demo-rest/recordings/")
    page.get_by_role("link", name="Retention policy").click()
    expect(page.get_by_text("Off: no recording is deleted automatically.")).to_be_visible()
    page.get_by_label("Delete recordings older than").fill("30")
    page.get_by_role("button", name="Preview").click()
    expect(
        page.get_by_role("heading", name=f"{len(due)} recordings would be deleted now")
    ).to_be_visible()
    table = page.locator("#retention-list table tbody tr")
    expect(table).to_have_count(len(due))
    local = dates.day_time(due[0].started_at, team.tz)  # the pages' one date format
    expect(table.first).to_contain_text(local)
    expect(table.first).to_contain_text(due[0].room_name)
    assert not RetentionPolicy.objects.filter(team=team, enabled=True).exists()
    page.get_by_role("button", name=re.compile(r"^Enable: delete these")).click()
    expect(page.get_by_text("Retention policy on")).to_be_visible()
    policy = RetentionPolicy.objects.get(team=team)
    assert policy.enabled and policy.days == 30
    assert policy.enabled_at is not None and policy.enabled_at > timezone.now() - timedelta(
        minutes=5
    )


def test_a_manager_downloads_a_recording_through_a_fresh_link(recorded, page):
    base, team = recorded
    row = mirror.recordings(team).filter(status="finished").order_by("-started_at").first()
    log_in(page, base, "manager")
    page.goto(f"{base}/t/demo-rest/recordings/")
    expect(page.get_by_role("link", name=re.compile("^Delete"))).to_have_count(0)
    button = page.locator(f"#recording-{row.recording_id}").get_by_role("button", name="Download")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"{row.recording_id}.mp4"
    assert "/_sim/recording-files/" in download.url and "signature=" in download.url
    # The page never carries the link: it exists only in the redirect of the click.
    assert "signature=" not in page.content()


def test_the_recordings_pages_fit_a_phone(recorded, phone):
    base, team = recorded
    log_in(phone, base, "owner")
    row = mirror.recordings(team).first()
    widths = {}
    for path in ("", "retention/?days=30", f"r/{row.recording_id}/delete/"):
        response = phone.goto(f"{base}/t/demo-rest/recordings/{path}")
        assert response is not None and response.status == 200, path
        widths[path] = phone.evaluate("document.documentElement.scrollWidth")
    assert {p: w for p, w in widths.items() if w > 390} == {}
    assert phone.outside == [] and phone.problems == []
