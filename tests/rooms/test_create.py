from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX, daily_calls, rest_api

pytestmark = pytest.mark.django_db


def _local(team, when: datetime) -> str:
    return when.astimezone(team.tz).strftime("%Y-%m-%dT%H:%M")


def test_the_create_form_explains_the_35_character_rule_on_domains(domains_team, login):
    body = (
        login(domains_team, Role.OWNER)
        .get(reverse("rooms:create", args=[domains_team.slug]))
        .content.decode()
    )
    assert "at most 35 characters: up to 26 for this team" in body
    assert 'maxlength="26"' in body
    assert (
        "Room properties (expiry, recording, region and so on) exist only on the REST API" in body
    )


def test_a_name_over_the_35_character_rule_is_refused_inline(domains_team, login, fast_sim):
    client = login(domains_team, Role.OWNER)
    name = "r" * 27  # demo-team (9) + 27 = 36
    response = client.post(
        reverse("rooms:create", args=[domains_team.slug]), {"name": name, "privacy": "org"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.strip().startswith('<form id="room-form"')
    assert "Team name and room name together must be 35 characters or fewer" in body
    assert "(team 9 + room 27 = 36)" in body
    assert daily_calls(fast_sim) == 0 and not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", ["my room", "café", "a/b", "<script>"])
def test_names_with_characters_daily_refuses_are_refused_inline(rest_team, login, name):
    client = login(rest_team, Role.ADMIN)
    response = client.post(
        reverse("rooms:create", args=[rest_team.slug]), {"name": name, "privacy": "public"}, **HTMX
    )
    body = response.content.decode()
    assert "Room names may only contain letters, digits" in body
    assert "<script>" not in body


def test_domains_create_makes_the_room_and_redirects_to_it(domains_team, login, fast_sim):
    client = login(domains_team, Role.OWNER)
    response = client.post(
        reverse("rooms:create", args=[domains_team.slug]),
        {"name": "x" * 26, "privacy": "private"},
        **HTMX,
    )
    detail = reverse("rooms:detail", args=[domains_team.slug, "x" * 26])
    assert response.status_code == 200 and response["HX-Redirect"] == detail
    body = client.get(detail).content.decode()
    assert "Room xxxxxxxxxxxxxxxxxxxxxxxxxx created." in body
    assert "Dial-in PIN" in body
    event = AuditEvent.objects.get(action=AuditAction.ROOM_CREATE)
    assert event.outcome == Outcome.OK and event.target == "x" * 26


def test_an_existing_name_is_refused_inline_by_daily(domains_team, login):
    client = login(domains_team, Role.OWNER)
    response = client.post(
        reverse("rooms:create", args=[domains_team.slug]),
        {"name": "standup", "privacy": "org"},
        **HTMX,
    )
    body = response.content.decode()
    assert "Daily refused this: a room with that name already exists" in body
    event = AuditEvent.objects.get(action=AuditAction.ROOM_CREATE)
    assert event.outcome == Outcome.FAILED


def test_an_expiry_in_the_past_is_refused_inline(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    past = _local(rest_team, timezone.now() - timedelta(hours=1))
    response = client.post(
        reverse("rooms:create", args=[rest_team.slug]),
        {"name": "late", "privacy": "public", "exp": past, "enable_screenshare": "on"},
        **HTMX,
    )
    body = response.content.decode()
    assert "The expiry time is in the past." in body
    assert daily_calls(fast_sim) == 0


def test_rest_create_sends_the_properties_a_person_chose(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    expiry = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    form = {
        "name": "board-2026",
        "privacy": "private",
        "exp": _local(rest_team, expiry),
        "eject_at_room_exp": "on",
        "max_participants": "12",
        "enable_chat": "on",
        "enable_knocking": "on",
        # enable_screenshare left unchecked: Daily's default is on, so it is sent as off
        "start_video_off": "on",
        "enable_recording": "cloud",
        "geo": "eu-central-1",
        "enable_dialout": "on",
        "sip_enabled": "on",
        "sip_display_name": "board line",
        "sip_num_endpoints": "1",
        "bucket_name": "recordings",
        "bucket_region": "eu-central-1",
        "bucket_role_arn": "arn:aws:iam::123456789012:role/daily",
    }
    response = client.post(reverse("rooms:create", args=[rest_team.slug]), form, **HTMX)
    assert response["HX-Redirect"] == reverse("rooms:detail", args=[rest_team.slug, "board-2026"])
    room = rest_api(fast_sim, "GET", "/rooms/board-2026").json()
    config = room["config"]
    assert room["privacy"] == "private"
    assert config["exp"] == int(expiry.timestamp())
    assert config["max_participants"] == 12
    assert config["enable_chat"] is True and config["enable_knocking"] is True
    assert config["enable_screenshare"] is False and config["start_video_off"] is True
    assert config["enable_recording"] == "cloud" and config["geo"] == "eu-central-1"
    assert config["eject_at_room_exp"] is True and config["enable_dialout"] is True
    assert config["sip"]["display_name"] == "board line"
    assert config["recordings_bucket"]["bucket_name"] == "recordings"
    # Untouched defaults are not pinned: the config stays sparse.
    assert "enable_prejoin_ui" not in config and "start_audio_off" not in config


def test_rest_create_with_defaults_sends_no_properties(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    client.post(
        reverse("rooms:create", args=[rest_team.slug]),
        {"name": "plain", "privacy": "public", "enable_screenshare": "on"},
    )
    room = rest_api(fast_sim, "GET", "/rooms/plain").json()
    assert room["config"] == {}


def test_a_half_given_recordings_bucket_is_refused(rest_team, login):
    client = login(rest_team, Role.OWNER)
    response = client.post(
        reverse("rooms:create", args=[rest_team.slug]),
        {"name": "b", "privacy": "public", "bucket_name": "only-a-name"},
        **HTMX,
    )
    assert "needs its name, its region and the role ARN" in response.content.decode()


def test_expiry_is_read_in_the_teams_time_zone(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)  # Europe/Paris: UTC+1 in winter, +2 in summer
    client.post(
        reverse("rooms:create", args=[rest_team.slug]),
        {"name": "tz", "privacy": "public", "exp": "2030-01-15T10:00", "enable_screenshare": "on"},
    )
    room = rest_api(fast_sim, "GET", "/rooms/tz")
    assert room.json()["config"]["exp"] == int(
        datetime.fromisoformat("2030-01-15T09:00Z").timestamp()
    )


def test_an_upstream_failure_keeps_the_form_with_a_retry(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    fast_sim.faults(p_5xx=1.0)
    response = client.post(
        reverse("rooms:create", args=[rest_team.slug]),
        {"name": "retry-me", "privacy": "public", "enable_screenshare": "on"},
        **HTMX,
    )
    body = response.content.decode()
    assert "Daily did not do this." in body and "check the room list before trying again" in body
    assert 'value="retry-me"' in body and "Try again" in body
    assert AuditEvent.objects.get().outcome == Outcome.FAILED
    # One POST only: daily/ never retries a create.
    assert fast_sim.request_counts() == {"POST /v1/rooms": 1}


def test_rest_create_sends_opening_time_time_limit_and_language(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    opens = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    form = {
        "name": "clinic-hours",
        "privacy": "public",
        "enable_screenshare": "on",
        "nbf": _local(rest_team, opens),
        "eject_after_elapsed": "45",
        "lang": "de",
    }
    response = client.post(reverse("rooms:create", args=[rest_team.slug]), form, **HTMX)
    assert response["HX-Redirect"] == reverse("rooms:detail", args=[rest_team.slug, "clinic-hours"])
    config = rest_api(fast_sim, "GET", "/rooms/clinic-hours").json()["config"]
    assert config == {"nbf": int(opens.timestamp()), "eject_after_elapsed": 45 * 60, "lang": "de"}
    body = client.get(reverse("rooms:detail", args=[rest_team.slug, "clinic-hours"])).content
    page = body.decode()
    assert "Time limit per person" in page and "45 min" in page
    assert "German" in page and "Opens" in page


def test_a_room_that_opens_after_it_expires_is_refused_inline(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    expiry = timezone.now() + timedelta(days=1)
    form = {
        "name": "backwards",
        "privacy": "public",
        "enable_screenshare": "on",
        "nbf": _local(rest_team, expiry + timedelta(hours=1)),
        "exp": _local(rest_team, expiry),
    }
    response = client.post(reverse("rooms:create", args=[rest_team.slug]), form, **HTMX)
    assert "The room must open before it expires." in response.content.decode()
    assert daily_calls(fast_sim) == 0
