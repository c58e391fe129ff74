"""Texts a new user reads: counts in the singular, limits that agree, true promises."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from attendance.reports.svg import heat_map
from daily import Dialect, InvalidInput, RateLimited
from daily import validation as v
from rooms.views.bulk import _duration
from teams.models import Role
from teams.services.errors import describe
from tests.factories import PASSWORD, make_member, make_team

TEAM = SimpleNamespace(slug="acme", name="acme")


def test_a_rate_limit_of_one_second_says_second():
    one = describe(RateLimited("slow down", retry_after=1))
    assert one.endswith("Try again in about 1 second.")
    assert describe(RateLimited("slow down", retry_after=30)).endswith("about 30 seconds.")
    assert describe(RateLimited("slow down")).endswith("Try again in a moment.")


def test_a_bulk_delete_of_one_room_takes_about_1_second():
    assert _duration(1) == "about 1 second"
    assert _duration(20) == "about 13 seconds"


def _job(total: int, finished: int) -> SimpleNamespace:
    return SimpleNamespace(
        pk=1,
        active=False,
        total=total,
        finished_items=finished,
        done_count=finished,
        failed_count=0,
        skipped_count=0,
        state="done",
        cancel_requested=False,
        notice="",
        error="",
    )


def test_a_bulk_job_of_one_room_says_1_of_1_room():
    html = render_to_string("rooms/bulk_job.html#progress", {"team": TEAM, "job": _job(1, 1)})
    assert "1 of 1 room handled" in html
    html = render_to_string("rooms/bulk_job.html#progress", {"team": TEAM, "job": _job(2, 1)})
    assert "1 of 2 rooms handled" in html


def test_a_sync_of_one_meeting_says_meeting():
    run = SimpleNamespace(outcome="ok", meetings_written=1, rows_written=1)
    html = render_to_string(
        "attendance/sync_history.html#progress", {"team": TEAM, "run": run, "running": False}
    )
    assert "Done: 1 meeting and 1 session written." in html


def test_a_heat_map_of_one_meeting_says_meeting():
    grid = [[0] * 24 for _ in range(7)]
    grid[2][10] = 1
    svg = str(heat_map(grid, tz_name="UTC"))
    assert "1 meeting in all." in svg
    assert "with 1 meeting." in svg


def test_a_domains_room_name_error_names_the_limit_the_hint_gives():
    with pytest.raises(InvalidInput) as caught:
        v.room_name("r" * 130, dialect=Dialect.DOMAINS, team="team-name")
    assert "35 characters or fewer" in caught.value.message
    assert "128" not in caught.value.message


def test_a_rest_room_name_error_names_128():
    with pytest.raises(InvalidInput) as caught:
        v.room_name("r" * 129, dialect=Dialect.REST)
    assert caught.value.message == "Room names must be 128 characters or fewer (this one has 129)."
    with pytest.raises(InvalidInput) as caught:
        v.room_name("a b", dialect=Dialect.REST)
    assert "128" not in caught.value.message


@pytest.mark.django_db
def test_the_domains_create_form_hint_and_error_agree():
    from rooms.forms import RoomCreateForm

    team = make_team("team-name", dialect=Dialect.DOMAINS)
    form = RoomCreateForm({"name": "r" * 130, "privacy": "public"}, team=team)
    assert not form.is_valid()
    hint, error = form.fields["name"].help_text, " ".join(form.errors["name"])
    assert "35 characters" in hint and "35 characters" in error
    assert "128" not in hint + error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dialect", "team_name"), [(Dialect.DOMAINS, "team-name"), (Dialect.REST, "acme")]
)
def test_the_create_form_accepts_a_name_as_long_as_the_hint_says_and_not_one_more(
    dialect, team_name
):
    import re

    from rooms.forms import RoomCreateForm

    team = make_team(team_name, dialect=dialect)
    hint = RoomCreateForm(team=team).fields["name"].help_text
    limit = int(re.findall(r"up to (\d+)", hint)[-1])
    assert limit == (35 - len(team_name) if dialect is Dialect.DOMAINS else 128)
    field = RoomCreateForm(team=team).fields["name"]
    assert field.widget.attrs["maxlength"] == str(limit)
    at = RoomCreateForm({"name": "r" * limit, "privacy": "public"}, team=team)
    assert at.is_valid(), at.errors
    over = RoomCreateForm({"name": "r" * (limit + 1), "privacy": "public"}, team=team)
    assert not over.is_valid()
    error = " ".join(over.errors["name"])
    assert f"{35 if dialect is Dialect.DOMAINS else 128} characters or fewer" in error


@pytest.mark.django_db
def test_changing_the_password_logs_out_the_other_sessions_as_the_page_says(client):
    user = make_member(make_team("acme"), Role.OWNER)
    other = Client()
    client.login(username=user.username, password=PASSWORD)
    other.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("password_change")).content.decode()
    assert "every other browser or device logged in as you is logged out" in page
    assert "keep working" not in page
    new = "a-new-and-long-passphrase-42"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    login = reverse("login")
    assert not client.get(reverse("home")).get("Location", "").startswith(login)
    assert other.get(reverse("home"))["Location"].startswith(login)


@pytest.mark.django_db
def test_an_invitation_of_one_day_says_day(client, settings):
    settings.INVITATION_DAYS = 1
    client.force_login(make_member(make_team("acme"), Role.OWNER))
    page = client.get(reverse("teams:members", args=["acme"])).content.decode()
    assert "The link works once, for 1 day." in page


def test_alerts_of_one_failure_and_one_minute_say_so(settings):
    from datetime import timedelta

    from django.utils import timezone

    from attendance.alerts import conditions

    settings.SYNC_STALE_ALERT_MINUTES = 1
    now = timezone.now()
    team = SimpleNamespace(sync_enabled=True, has_token=True, created_at=now)
    endpoint = SimpleNamespace(state="FAILED", failed_count=1)
    found = conditions(team, None, endpoint, now + timedelta(seconds=90))
    assert [c.detail for c in found] == ["1 failed delivery", "no successful sync for 1 minute"]
