from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.daily_client import client_for
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _form(team, **extra):
    exp = (timezone.now() + timedelta(hours=3)).astimezone(team.tz).strftime("%Y-%m-%dT%H:%M")
    return {"room": "standup", "user_name": "Ana García", "user_id": "u-0042", "exp": exp, **extra}


def test_issuing_a_token_shows_it_once_with_a_join_url(rest_team, login):
    client = login(rest_team, Role.ADMIN)
    form = _form(rest_team, is_owner="on", eject_at_token_exp="on", start_video_off="on",
                 enable_screenshare="no")  # fmt: skip
    response = client.post(reverse("rooms:token", args=[rest_team.slug]), form, **HTMX)
    body = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = unescape(re.search(r'id="token-value"[^>]*>([^<]+)</textarea>', body).group(1))
    assert f"https://demo-rest.daily.co/standup?t={token}" in unescape(body)
    assert "Copy it now" in body and f'data-copy="{token}"' in body
    with client_for(rest_team) as daily:
        props = daily.validate_meeting_token(token)
    assert props.room_name == "standup" and props.user_id == "u-0042"
    assert props.user_name == "Ana García" and props.is_owner is True
    assert props.eject_at_token_exp is True and props.start_video_off is True
    assert props.enable_screenshare is False and props.start_audio_off is None
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUE)
    assert event.outcome == Outcome.OK
    assert event.target == "room standup for user Ana García"
    assert token not in event.target and token not in event.message


def test_a_user_id_over_36_characters_is_refused_inline(rest_team, login):
    client = login(rest_team, Role.OWNER)
    response = client.post(
        reverse("rooms:token", args=[rest_team.slug]), _form(rest_team, user_id="u" * 37), **HTMX
    )
    assert "at most 36 characters" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_token_for_an_unknown_room_or_a_past_expiry_is_refused(rest_team, login):
    client = login(rest_team, Role.OWNER)
    past = (timezone.now() - timedelta(hours=1)).astimezone(rest_team.tz)
    response = client.post(
        reverse("rooms:token", args=[rest_team.slug]),
        _form(rest_team, room="nope", exp=past.strftime("%Y-%m-%dT%H:%M")),
        **HTMX,
    )
    body = response.content.decode()
    assert "This team has no room of that name." in body
    assert "The expiry time is in the past." in body


def test_the_form_is_prefilled_from_the_room_page(rest_team, login):
    client = login(rest_team, Role.OWNER)
    body = client.get(reverse("rooms:token", args=[rest_team.slug]), {"room": "retro"}).content
    assert b'value="retro"' in body and b'<datalist id="room-names">' in body


def test_domains_teams_are_told_tokens_are_a_rest_feature(domains_team, login):
    client = login(domains_team, Role.OWNER)
    body = client.get(reverse("rooms:token", args=[domains_team.slug])).content.decode()
    assert "Meeting tokens exist only on the REST API" in body
    response = client.post(reverse("rooms:token", args=[domains_team.slug]), _form(domains_team))
    assert "Meeting tokens exist only on the REST API" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_failed_issue_is_audited_without_a_token(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    client.get(reverse("rooms:token", args=[rest_team.slug]))  # room list cached
    fast_sim.faults(p_5xx=1.0)
    response = client.post(reverse("rooms:token", args=[rest_team.slug]), _form(rest_team), **HTMX)
    body = response.content.decode()
    assert "Daily did not do this." in body and "Try again" in body
    assert AuditEvent.objects.get().outcome == Outcome.FAILED
