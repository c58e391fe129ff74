"""Alerts to a team's owners (attendance/alerts.py): a refused token, a FAILED webhook, a
sync that went stale; once per incident, again after a recovery, to owners only, and
never to an owner who turned them off."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.utils import timezone

from attendance import alerts
from attendance.models import SyncState, SyncTrigger, WebhookEndpoint
from attendance.sync import sync_team
from attendance.tasks import check_alerts
from daily import AuthError
from teams.models import (
    AuditAction,
    AuditEvent,
    Dialect,
    Membership,
    Outcome,
    Role,
    TeamAlert,
    UserPreference,
)
from tests.factories import make_member, make_team, team_on
from tests.support.receiver import running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SYNC_STALE_ALERT_MINUTES = 120
    settings.DASHBOARD_URL = "https://dash.example.com"


def _owner(team, username, email=None):
    user = make_member(team, Role.OWNER, username=username)
    user.email = email if email is not None else f"{username}@example.com"
    user.save()
    return user


def _blocked(team):
    SyncState.objects.update_or_create(
        team=team,
        defaults={
            "blocked_by_auth": True,
            "last_success_at": timezone.now(),
            "last_error_type": "authentication-error",
        },
    )


def _synced(team, when=None):
    SyncState.objects.update_or_create(
        team=team,
        defaults={"blocked_by_auth": False, "last_success_at": when or timezone.now()},
    )


def test_a_refused_token_emails_the_owners_once_per_incident():
    team = make_team("acme")
    _owner(team, "olga")
    _owner(team, "omar")
    _blocked(team)
    alerts.check(refresh=False)
    assert sorted(m.to[0] for m in mail.outbox) == ["olga@example.com", "omar@example.com"]
    message = mail.outbox[0]
    assert "acme" in message.subject and "refused the API token" in message.subject
    assert "https://dash.example.com/t/acme/settings/" in message.body
    assert "https://dash.example.com/t/acme/settings/members/" in message.body
    # The next ticks see the same incident: nothing more.
    for _ in range(3):
        alerts.check(refresh=False)
    assert len(mail.outbox) == 2
    event = AuditEvent.objects.get(action=AuditAction.ALERT_SEND)
    assert event.outcome == Outcome.OK and event.actor is None and event.actor_name == "system"
    assert event.message == "emailed to 2 owner(s)"


def test_a_recovery_is_told_and_a_new_incident_alerts_again():
    team = make_team("acme")
    _owner(team, "olga")
    _blocked(team)
    alerts.check(refresh=False)
    _synced(team)
    alerts.check(refresh=False)
    assert [m.subject.split(": ")[0] for m in mail.outbox] == [
        "[dailyadmin] acme",
        "[dailyadmin] Resolved",
    ]
    alert = TeamAlert.objects.get()
    assert alert.resolved_at is not None and alert.resolved_notified_at is not None
    _blocked(team)
    alerts.check(refresh=False)
    assert len(mail.outbox) == 3 and "Resolved" not in mail.outbox[2].subject
    assert TeamAlert.objects.count() == 2
    assert TeamAlert.objects.filter(resolved_at__isnull=True).count() == 1


def test_admins_managers_and_owners_who_opted_out_get_nothing():
    team = make_team("acme")
    quiet = _owner(team, "quiet")
    Membership.objects.filter(user=quiet).update(alert_emails=False)
    _owner(team, "noaddress", email="")
    for role in (Role.ADMIN, Role.MANAGER):
        user = make_member(team, role)
        user.email = f"{role}@example.com"
        user.save()
    inactive = _owner(team, "left")
    inactive.is_active = False
    inactive.save()
    _blocked(team)
    alerts.check(refresh=False)
    assert mail.outbox == []
    # Still one incident, recorded as told to nobody, not retried at every tick.
    event = AuditEvent.objects.get(action=AuditAction.ALERT_SEND)
    assert event.message == "no owner gets this team's alerts"
    alerts.check(refresh=False)
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_SEND).count() == 1


def test_each_team_alerts_its_own_owners():
    acme, other = make_team("acme"), make_team("other")
    _owner(acme, "olga")
    _owner(other, "otto")
    _blocked(other)
    _synced(acme)
    alerts.check(refresh=False)
    assert [m.to for m in mail.outbox] == [["otto@example.com"]]


def test_a_sync_that_went_stale_alerts_and_its_threshold_is_a_setting(settings):
    team = make_team("acme")
    _owner(team, "olga")
    _synced(team, timezone.now() - timedelta(minutes=90))
    alerts.check(refresh=False)
    assert mail.outbox == []
    settings.SYNC_STALE_ALERT_MINUTES = 60
    alerts.check(refresh=False)
    assert len(mail.outbox) == 1 and "has not synced" in mail.outbox[0].subject
    assert "no successful sync for 90 minutes" in mail.outbox[0].body
    _synced(team)
    alerts.check(refresh=False)
    assert "Resolved" in mail.outbox[1].subject


def test_no_stale_alert_when_the_team_does_not_sync_or_alerts_are_off(settings):
    paused = make_team("paused", sync_enabled=False)
    _owner(paused, "olga")
    _synced(paused, timezone.now() - timedelta(days=3))
    tokenless = make_team("tokenless", token="")
    tokenless.token_encrypted = ""
    tokenless.save()
    _owner(tokenless, "tina")
    alerts.check(refresh=False)
    assert mail.outbox == []
    # A refused token is its own incident: not also a stale one.
    blocked = make_team("blocked")
    _owner(blocked, "bea")
    _blocked(blocked)
    SyncState.objects.filter(team=blocked).update(
        last_success_at=timezone.now() - timedelta(days=3)
    )
    alerts.check(refresh=False)
    assert [m.subject for m in mail.outbox] == [
        "[dailyadmin] blocked: Attendance sync stopped: Daily refused the API token"
    ]
    settings.SYNC_STALE_ALERT_MINUTES = 0
    _synced(blocked, timezone.now() - timedelta(days=3))
    alerts.check(refresh=False)
    assert len(mail.outbox) == 2 and "Resolved" in mail.outbox[1].subject


def test_a_mail_server_that_fails_is_audited_and_the_next_tick_tries_again(settings):
    team = make_team("acme")
    _owner(team, "olga")
    _blocked(team)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    alerts.check(refresh=False)
    failed = AuditEvent.objects.get(action=AuditAction.ALERT_SEND)
    assert failed.outcome == Outcome.FAILED and failed.error_type == "MailError"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alerts.check(refresh=False)
    assert len(mail.outbox) == 1
    alerts.check(refresh=False)
    assert len(mail.outbox) == 1


@pytest.mark.simulator
def test_a_token_daily_refuses_stops_the_sync_and_alerts_through_the_task(fast_sim, settings):
    settings.DAILY_SYNC_INITIAL_DAYS = 1  # a short first sync: the alert is the point here
    team = team_on(fast_sim, Dialect.REST, token="not-the-right-key-0000")
    _owner(team, "olga")
    with pytest.raises(AuthError):
        sync_team(team, trigger=SyncTrigger.SCHEDULE)
    assert SyncState.objects.get(team=team).blocked_by_auth
    check_alerts()  # the beat task, called in this process
    assert len(mail.outbox) == 1 and "refused the API token" in mail.outbox[0].subject
    team.set_token(fast_sim.rest_token)
    team.save()
    sync_team(team, trigger=SyncTrigger.SCHEDULE)
    check_alerts()
    assert len(mail.outbox) == 2 and "Resolved" in mail.outbox[1].subject


@pytest.mark.simulator
def test_a_webhook_daily_marks_failed_is_noticed_and_alerted(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    _owner(team, "olga")
    _synced(team)
    with running_receiver() as receiver:
        hook = requests.post(
            f"{fast_sim.rest_base_url}/webhooks",
            json={"url": receiver.url},
            headers=fast_sim.rest_headers,
            timeout=30,
        ).json()
        endpoint = WebhookEndpoint(team=team, url=receiver.url, upstream_id=hook["uuid"])
        endpoint.set_secret(hook["hmac"])
        endpoint.save()
        alerts.check()
        endpoint.refresh_from_db()
        assert endpoint.state == "ACTIVE" and mail.outbox == []
        receiver.status = 500
        for _ in range(24):
            fast_sim.clock(advance=900)
            fast_sim.flush_webhooks()
            state = requests.get(
                f"{fast_sim.rest_base_url}/webhooks/{hook['uuid']}",
                headers=fast_sim.rest_headers,
                timeout=30,
            ).json()
            if state["state"] == "FAILED":
                break
        # Checked a moment ago: not asked again before WEBHOOK_CHECK_MINUTES.
        alerts.check(now=timezone.now())
        assert mail.outbox == []
        later = timezone.now() + timedelta(minutes=alerts.WEBHOOK_CHECK_MINUTES + 1)
        _synced(team, later)
        alerts.check(now=later)
    endpoint.refresh_from_db()
    assert endpoint.state == "FAILED"
    assert len(mail.outbox) == 1
    assert "webhook as failed" in mail.outbox[0].subject
    assert "3 failed deliveries" in mail.outbox[0].body
    assert "https://dash.example.com/t/" in mail.outbox[0].body


def test_beat_runs_the_alert_check_and_the_worker_knows_the_task(settings):
    from dailyadmin.celery import app

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "alerts" in e["task"]]
    assert [e["task"] for e in entries] == ["attendance.tasks.check_alerts"]
    assert entries[0]["schedule"] <= 300
    app.loader.import_default_modules()
    assert "attendance.tasks.check_alerts" in app.tasks


def test_each_owner_gets_the_alert_in_their_language():
    """The worker has no request: each owner's copy is in the language they chose, the
    site's for an owner who chose none; the audit log stays English."""
    team = make_team("acme")
    greta = _owner(team, "greta")
    UserPreference.objects.create(user=greta, language="de")
    eric = _owner(team, "eric")
    UserPreference.objects.create(user=eric, language="en")
    _owner(team, "nobody-chose")
    _synced(team, timezone.now() - timedelta(minutes=130))
    alerts.check(refresh=False)
    by_address = {m.to[0]: m for m in mail.outbox}
    de = by_address["greta@example.com"]
    assert de.subject == (
        "[dailyadmin] acme: Die Anwesenheit wurde seit einer Weile nicht synchronisiert"
    )
    assert "seit 130 Minuten keine erfolgreiche Synchronisierung" in de.body
    assert "Sie erhalten diese Nachricht als Eigentümer von acme." in de.body
    assert "has not synced" not in de.body
    for english in ("eric@example.com", "nobody-chose@example.com"):
        message = by_address[english]
        assert message.subject == "[dailyadmin] acme: Attendance has not synced for a while"
        assert "no successful sync for 130 minutes" in message.body
    event = AuditEvent.objects.get(action=AuditAction.ALERT_SEND)
    assert event.target == "Attendance has not synced for a while (opened)"
    assert TeamAlert.objects.get().detail == "no successful sync for 130 minutes"

    _synced(team)
    alerts.check(refresh=False)
    resolved = {m.to[0]: m for m in mail.outbox[3:]}
    assert resolved["greta@example.com"].subject.startswith("[dailyadmin] Behoben: acme: ")
    assert "Behoben: Die Anwesenheit wurde" in resolved["greta@example.com"].body
    assert resolved["eric@example.com"].subject.startswith("[dailyadmin] Resolved: acme: ")
