"""`manage.py rotate_encryption_key` loses no secret: the teams' API tokens and the webhook
signing secrets are re-encrypted together, or nothing is changed."""

from __future__ import annotations

import io
import json
import time

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from attendance import webhooks
from attendance.models import WebhookEndpoint
from teams.models import AuditEvent, Team
from tests.factories import make_team

pytestmark = pytest.mark.django_db
SECRET = "c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3ODk="


def _endpoint(team: Team) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(team=team, url="https://dash.example/hook/", upstream_id="w1")
    endpoint.set_secret(SECRET)
    endpoint.save()
    return endpoint


def _signed_delivery(client, team: Team):
    body = json.dumps({"id": "e-1", "type": "meeting.started", "payload": {}}).encode()
    stamp = str(int(time.time()))
    return client.post(
        reverse("daily_webhook", args=[team.slug]),
        data=body,
        content_type="application/json",
        headers={
            "X-Webhook-Timestamp": stamp,
            "X-Webhook-Signature": webhooks.signature(SECRET, stamp, body),
        },
    )


def test_rotation_keeps_every_token_and_webhook_secret(settings, client):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    teams = [make_team(token=f"sk-rotate-{i}-0123456789") for i in range(3)]
    endpoint = _endpoint(teams[0])
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "3 team token(s) and 1 webhook secret(s)" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    for i, team in enumerate(teams):
        assert Team.objects.get(pk=team.pk).get_token() == f"sk-rotate-{i}-0123456789"
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).get_secret() == SECRET
    # Daily's deliveries still verify.
    assert _signed_delivery(client, teams[0]).status_code == 200
    event = AuditEvent.objects.get(action="key.rotate")
    assert event.target == "3 team tokens, 1 webhook secrets"


def test_rotation_changes_nothing_when_a_webhook_secret_cannot_be_read(settings):
    team = make_team(token="sk-keep-me-0123456789")
    endpoint = _endpoint(team)
    stranger_key = Fernet.generate_key().decode()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        secret_encrypted=Fernet(stranger_key.encode()).encrypt(b"lost").decode()
    )
    before = Team.objects.get(pk=team.pk).token_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    with pytest.raises(CommandError, match=f"{team.slug} \\(webhook secret\\)"):
        call_command("rotate_encryption_key", stdout=io.StringIO())
    assert Team.objects.get(pk=team.pk).token_encrypted == before


def test_a_webhook_secret_no_key_can_read_is_a_clear_refusal_not_a_crash(settings, client, caplog):
    team = make_team(token="sk-keep-me-0123456789")
    _endpoint(team)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = _signed_delivery(client, team)
    # Answered as any delivery that cannot be verified (test_webhook_uniform_answers); the
    # operator reads why in the log.
    assert response.status_code == 401
    assert response.json() == {"error": webhooks.UNVERIFIED}
    assert "The stored webhook secret of team" in caplog.text and "unusable" in caplog.text
