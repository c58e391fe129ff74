"""The receiver's rules: Daily's test request, retried deliveries, over-long values."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from attendance import webhooks
from attendance.models import Attendance, Meeting, WebhookEndpoint, WebhookEvent
from tests.factories import make_team

SECRET = "c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3ODk="  # base64
OTHER = "b3RoZXItc2VjcmV0LWtleS0wMTIzNDU2Nzg5MDE="

pytestmark = pytest.mark.django_db


def _endpoint(team) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(team=team, url="https://dash.example/webhooks/", upstream_id="w1")
    endpoint.set_secret(SECRET)
    endpoint.save()
    return endpoint


def _post(client, team, body: bytes, *, age: int = 0, secret: str | None = SECRET):
    stamp = str(int(time.time()) - age)
    headers = {}
    if secret is not None:
        headers = {
            "X-Webhook-Timestamp": stamp,
            "X-Webhook-Signature": webhooks.signature(secret, stamp, body),
        }
    return client.post(
        reverse("daily_webhook", args=[team.slug]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


def _started(event_id: str = "e1", **payload) -> bytes:
    body = {"start_ts": int(time.time()) - 60, "meeting_id": "m-1", "room": "r", **payload}
    event = {"version": "1.0.0", "type": "meeting.started", "id": event_id, "event_ts": 1,
             "payload": body}  # fmt: skip
    return json.dumps(event).encode()


def test_daily_s_test_request_gets_a_200_and_writes_nothing(client):
    # Reference: docs.daily.co/reference/rest-api/webhooks ("If your endpoint returns a 200
    # status code, we will proceed to create your webhook").
    team = make_team("hooked")
    _endpoint(team)
    for secret in (SECRET, None):  # signed as a delivery, or not signed at all
        response = _post(client, team, b'{"test":"test"}', secret=secret)
        assert response.status_code == 200, response.content
        assert response.json()["result"] == "test"
    assert not WebhookEvent.objects.exists() and not Meeting.objects.exists()
    assert WebhookEndpoint.objects.get(team=team).last_event_at is None


def test_a_test_request_signed_with_another_secret_is_refused(client):
    team = make_team("hooked")
    _endpoint(team)
    assert _post(client, team, b'{"test": "test"}', secret=OTHER).status_code == 401


def test_a_retried_delivery_with_an_older_timestamp_is_accepted_once(client):
    # Reference: docs.daily.co/reference/rest-api/webhooks, retryType `exponential`: "Each
    # message will be retried at most 5 times, with an exponential backoff up to 15
    # minutes." Replay protection is the event id.
    team = make_team("hooked")
    _endpoint(team)
    body = _started()
    first = _post(client, team, body, age=20 * 60)
    assert first.status_code == 200 and first.json()["result"] == "recorded"
    again = _post(client, team, body, age=25 * 60)
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    assert WebhookEvent.objects.filter(team=team).count() == 1
    assert Meeting.objects.filter(team=team).count() == 1


@pytest.mark.parametrize(
    ("age", "reason"), [(2 * 3600, "stale"), (-10 * 60, "future"), (-3600 * 24, "future")]
)
def test_very_old_and_future_timestamps_are_refused(client, caplog, age, reason):
    team = make_team("hooked")
    _endpoint(team)
    with caplog.at_level("INFO", logger="attendance.views.sync"):
        response = _post(client, team, _started(), age=age)
    # Answered as any unverifiable request; the reason is in the log only.
    assert response.status_code == 401 and response.json() == {"error": webhooks.UNVERIFIED}
    assert reason in caplog.text
    assert not WebhookEvent.objects.exists()


def test_over_long_and_nul_values_are_stored_clipped_never_a_500(client):
    team = make_team("hooked")
    _endpoint(team)
    long_id = "x" * 300
    body = _started(event_id="ev-" + "9" * 500, meeting_id=long_id, room="r\x00" + "o" * 400)
    response = _post(client, team, body)
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "recorded"
    event = WebhookEvent.objects.get(team=team)
    assert len(event.event_id) == 64
    meeting = Meeting.objects.get(team=team)
    assert len(meeting.key) <= 255 and len(meeting.room) == 128 and "\x00" not in meeting.room
    # Two ids sharing a long start stay two events.
    other = _started(event_id="ev-" + "9" * 499 + "8", meeting_id=long_id + "y", room="r")
    assert _post(client, team, other).json()["result"] == "recorded"
    assert WebhookEvent.objects.filter(team=team).count() == 2
    joined = {
        "version": "1.0.0", "type": "participant.joined", "id": "j1", "event_ts": 1,
        "payload": {"joined_at": int(time.time()) - 30, "session_id": "s" * 400,
                    "room": "r", "user_id": "u\x00" * 300, "user_name": "n" * 900},
    }  # fmt: skip
    assert _post(client, team, json.dumps(joined).encode()).status_code == 200
    session = Attendance.objects.get(team=team)
    assert len(session.session_key) <= 255 and len(session.user_name) == 255
    assert "\x00" not in session.identity
