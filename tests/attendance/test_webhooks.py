"""Daily webhooks: signed, fresh, recorded once, and reconciled by the sync."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from attendance import webhooks
from attendance.models import Attendance, Meeting, WebhookEndpoint, WebhookEvent
from attendance.reconcile import PROVISIONAL
from attendance.sync import sync_team
from teams.models import AuditEvent, Dialect, Role
from tests.attendance.helpers import assert_matches_truth, at
from tests.factories import PASSWORD, make_member, make_team, team_on

SECRET = "c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3ODk="  # base64


def _endpoint(team):
    endpoint = WebhookEndpoint(team=team, url="https://dash.example/webhooks/", upstream_id="w1")
    endpoint.set_secret(SECRET)
    endpoint.save()
    return endpoint


def _post(client, team, event: dict, *, ts: int | None = None, secret: str = SECRET, sig=None):
    body = json.dumps(event).encode()
    stamp = str(ts if ts is not None else int(time.time()))
    return client.post(
        reverse("daily_webhook", args=[team.slug]),
        data=body,
        content_type="application/json",
        headers={
            "X-Webhook-Timestamp": stamp,
            "X-Webhook-Signature": sig
            if sig is not None
            else webhooks.signature(secret, stamp, body),
        },
    )


def _event(kind: str, payload: dict, event_id: str = "e1") -> dict:
    return {"version": "1.0.0", "type": kind, "id": event_id, "event_ts": 1, "payload": payload}


@pytest.mark.django_db
def test_a_signed_meeting_lifecycle_is_recorded_at_once(client):
    team = make_team("hooked")
    _endpoint(team)
    start = int(time.time()) - 600
    steps = [
        ("meeting.started", {"start_ts": start, "meeting_id": "m-1", "room": "standup"}),
        (
            "participant.joined",
            {
                "joined_at": start + 30,
                "session_id": "s-1",
                "room": "standup",
                "user_id": "u-7",
                "user_name": "Zoë",
                "owner": False,
            },
        ),
        (
            "participant.left",
            {
                "joined_at": start + 30,
                "session_id": "s-1",
                "room": "standup",
                "user_id": "u-7",
                "user_name": "Zoë",
                "owner": False,
                "duration": 300,
            },
        ),
        (
            "meeting.ended",
            {"start_ts": start, "end_ts": start + 400, "meeting_id": "m-1", "room": "standup"},
        ),
    ]
    for n, (kind, payload) in enumerate(steps):
        response = _post(client, team, _event(kind, payload, event_id=f"e{n}"))
        assert response.status_code == 200, response.content
        assert response.json()["result"] == "recorded"
    # Provisional until the sync has Daily's own record (see attendance.reconcile).
    meeting = Meeting.objects.get(team=team, key=PROVISIONAL + "m-1")
    assert not meeting.ongoing and meeting.duration == 400
    session = Attendance.objects.get(meeting=meeting, session_key=PROVISIONAL + "s-1")
    assert (session.identity, session.user_name, session.duration) == ("u-7", "Zoë", 300)
    assert session.leave == session.join + timedelta(seconds=300)


@pytest.mark.django_db
def test_a_redelivered_event_is_recorded_once(client):
    team = make_team("hooked")
    _endpoint(team)
    event = _event(
        "meeting.started", {"start_ts": int(time.time()), "meeting_id": "m", "room": "r"}
    )
    assert _post(client, team, event).json()["result"] == "recorded"
    assert _post(client, team, event).json()["result"] == "duplicate"
    assert WebhookEvent.objects.filter(team=team).count() == 1
    assert Meeting.objects.filter(team=team).count() == 1


@pytest.mark.django_db
def test_a_bad_signature_is_refused_and_nothing_is_written(client):
    team = make_team("hooked")
    _endpoint(team)
    event = _event(
        "meeting.started", {"start_ts": int(time.time()), "meeting_id": "m", "room": "r"}
    )
    other = "b3RoZXItc2VjcmV0LWtleS0wMTIzNDU2Nzg5MDE="
    assert _post(client, team, event, secret=other).status_code == 401
    assert _post(client, team, event, sig="").status_code == 401
    assert not WebhookEvent.objects.exists() and not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_stale_timestamp_is_refused(client):
    team = make_team("hooked")
    _endpoint(team)
    event = _event("meeting.started", {"start_ts": 1, "meeting_id": "m", "room": "r"})
    response = _post(client, team, event, ts=int(time.time()) - 3600)
    # The answer of every request that cannot be verified (test_webhook_uniform_answers).
    assert response.status_code == 401 and response.json() == {"error": webhooks.UNVERIFIED}


@pytest.mark.django_db
def test_malformed_bodies_get_a_clear_400(client):
    team = make_team("hooked")
    _endpoint(team)
    stamp = str(int(time.time()))
    for body in (b"not json", b"[]", b'{"type": "x"}'):
        response = client.post(
            reverse("daily_webhook", args=[team.slug]),
            data=body,
            content_type="application/json",
            headers={
                "X-Webhook-Timestamp": stamp,
                "X-Webhook-Signature": webhooks.signature(SECRET, stamp, body),
            },
        )
        assert response.status_code == 400, body


@pytest.mark.django_db
def test_unknown_teams_and_teams_without_a_webhook_are_refused_as_unverified(client):
    event = _event("meeting.started", {"start_ts": 1, "meeting_id": "m", "room": "r"})
    unregistered = make_team("plain")
    assert _post(client, unregistered, event).status_code == 401
    domains = make_team("old", dialect=Dialect.DOMAINS)
    assert _post(client, domains, event).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_simulator_delivers_signed_events_and_the_sync_reconciles(
    fast_sim, live_server, client
):
    team = team_on(fast_sim, Dialect.REST)
    owner = make_member(team, Role.OWNER)
    client.login(username=owner.username, password=PASSWORD)
    url = live_server.url + reverse("daily_webhook", args=[team.slug])
    response = client.post(reverse("attendance:webhook_register", args=[team.slug]), {"url": url})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get(team=team)
    assert endpoint.upstream_id and endpoint.get_secret()
    assert AuditEvent.objects.filter(action="webhook.change", outcome="ok").exists()

    before = fast_sim.now()
    posted = 0
    # Half hours of meetings happen, until one starts and is joined while the webhook is
    # on (the simulator follows the real clock: at night that can take a few hours).
    for _ in range(48):
        fast_sim.clock(advance=1800)
        posted += fast_sim.flush_webhooks()
        if Attendance.objects.filter(team=team).exists():
            break
    assert posted > 0
    deliveries = fast_sim.webhook_deliveries()
    assert deliveries and all(d.get("status") == 200 for d in deliveries), deliveries[:3]
    assert WebhookEvent.objects.filter(team=team).count() >= posted
    assert Attendance.objects.filter(team=team).exists()

    run = sync_team(team, now=at(fast_sim.now()), since=at(before) - timedelta(hours=3))
    assert_matches_truth(fast_sim, team, run.window_start, run.window_end)


@pytest.mark.django_db(transaction=True)
def test_registration_passes_daily_s_test_request_end_to_end(fast_sim, live_server, client):
    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook: Daily POSTs a
    # test request to the URL and answers 400 unless it gets a 200.
    team = team_on(fast_sim, Dialect.REST)
    owner = make_member(team, Role.OWNER)
    client.login(username=owner.username, password=PASSWORD)
    url = live_server.url + reverse("daily_webhook", args=[team.slug])
    response = client.post(
        reverse("attendance:webhook_register", args=[team.slug]), {"url": url}, follow=True
    )
    assert "Webhook registered" in response.content.decode()
    [test] = [d for d in fast_sim.webhook_deliveries() if d["type"] == "test"]
    assert test["url"] == url and test["status"] == 200
    endpoint = WebhookEndpoint.objects.get(team=team)
    assert endpoint.upstream_id and endpoint.state == "ACTIVE"
    assert not WebhookEvent.objects.exists()  # the test request wrote nothing
    assert fast_sim.control("GET", "requests")["by_route"].get("POST /v1/webhooks") == 1


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_receiver_fails_cleanly(fast_sim, client):
    team = team_on(fast_sim, Dialect.REST)
    owner = make_member(team, Role.OWNER)
    client.login(username=owner.username, password=PASSWORD)
    url = "http://127.0.0.1:9/webhooks/daily/demo-rest/"  # nothing listens there
    response = client.post(
        reverse("attendance:webhook_register", args=[team.slug]), {"url": url}, follow=True
    )
    text = response.content.decode()
    assert "Daily did not register the webhook" in text and "test request" in text
    assert not WebhookEndpoint.objects.filter(team=team).exists()
    assert fast_sim.control("GET", "requests")["by_route"].get("POST /v1/webhooks") == 1
    event = AuditEvent.objects.get(team=team, action="webhook.change")
    assert event.outcome == "failed" and event.error_type == "invalid-request-error"
    assert (
        "Register webhook"
        in client.get(reverse("attendance:sync_history", args=[team.slug])).content.decode()
    )
