"""Sync now, its progress, the history page and webhook set-up, per role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import SyncOutcome, SyncRun, SyncTrigger, WebhookEndpoint
from attendance.tasks import sync_team_task
from teams.models import AuditEvent, Dialect, Role
from tests.factories import PASSWORD, make_member, make_team
from tests.support.receiver import running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(sync_team_task, "delay", lambda *args: calls.append(args))
    return calls


def _login(client, team, role):
    user = make_member(team, role)
    client.login(username=user.username, password=PASSWORD)
    return user


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_the_sync_history_and_may_sync_now(
    client, queued, role, django_capture_on_commit_callbacks
):
    team = make_team()
    _login(client, team, role)
    assert client.get(reverse("attendance:sync_history", args=[team.slug])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("attendance:sync_now", args=[team.slug]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert "Queued" in response.content.decode()
    assert queued == [(team.pk, SyncTrigger.MANUAL)]
    assert AuditEvent.objects.filter(team=team, action="sync.trigger", outcome="ok").exists()


def test_another_teams_member_gets_404_and_a_visitor_the_login_page(client, queued):
    team = make_team()
    _login(client, make_team(), Role.OWNER)
    url = reverse("attendance:sync_history", args=[team.slug])
    assert client.get(url).status_code == 404
    assert client.post(reverse("attendance:sync_now", args=[team.slug])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert queued == []


def test_progress_polls_while_running_and_announces_the_end(client):
    team = make_team()
    _login(client, team, Role.MANAGER)
    since = timezone.now()
    run = SyncRun.objects.create(team=team, trigger=SyncTrigger.MANUAL, meetings_seen=42)
    url = reverse("attendance:sync_status", args=[team.slug])
    response = client.get(url, {"since": since.isoformat()})
    body = response.content.decode()
    assert "42 meetings" in body and 'hx-trigger="load delay:1s"' in body
    assert "HX-Trigger" not in response
    run.outcome = SyncOutcome.OK
    run.meetings_written = 42
    run.save()
    response = client.get(url, {"since": since.isoformat()})
    assert "Done: 42 meetings" in response.content.decode()
    assert response["HX-Trigger"] == "sync-finished"


def test_a_failed_run_is_explained_with_a_retry(client):
    team = make_team()
    _login(client, team, Role.ADMIN)
    since = timezone.now()
    SyncRun.objects.create(
        team=team,
        trigger=SyncTrigger.MANUAL,
        outcome=SyncOutcome.FAILED,
        error="Daily answered 503",
        error_type="Unavailable",
    )
    response = client.get(
        reverse("attendance:sync_status", args=[team.slug]), {"since": since.isoformat()}
    )
    body = response.content.decode()
    assert "Unavailable" in body and "Try again" in body


def test_the_history_lists_runs_with_their_figures(client):
    team = make_team()
    _login(client, team, Role.MANAGER)
    SyncRun.objects.create(
        team=team,
        trigger=SyncTrigger.SCHEDULE,
        outcome=SyncOutcome.OK,
        meetings_seen=7,
        meetings_written=7,
        rows_seen=70,
        rows_written=70,
        finished_at=timezone.now(),
    )
    body = client.get(reverse("attendance:sync_history", args=[team.slug])).content.decode()
    assert "7 / 7" in body and "70 / 70" in body


def test_a_domains_team_is_told_webhooks_do_not_exist_there(client):
    team = make_team(dialect=Dialect.DOMAINS)
    _login(client, team, Role.OWNER)
    body = client.get(reverse("attendance:sync_history", args=[team.slug])).content.decode()
    assert "Webhooks exist only on the REST API" in body
    assert "Register webhook" not in body


def test_a_refused_registration_is_explained_and_audited_as_failed(client):
    team = make_team(base_url="http://127.0.0.1:9/v1")  # nothing listens there
    _login(client, team, Role.OWNER)
    response = client.post(
        reverse("attendance:webhook_register", args=[team.slug]),
        {"url": "https://dash.example/webhooks/daily/x/"},
        follow=True,
    )
    assert "Daily did not register the webhook" in response.content.decode()
    event = AuditEvent.objects.get(team=team, action="webhook.change")
    assert event.outcome == "failed" and event.error_type
    assert not WebhookEndpoint.objects.filter(team=team).exists()  # nothing half-written


def test_an_owner_registers_checks_and_removes_the_webhook(client, fast_sim):
    from tests.factories import team_on

    team = team_on(fast_sim, Dialect.REST)
    _login(client, team, Role.OWNER)
    with running_receiver() as receiver:  # answers Daily's test request with 200
        url = receiver.url
        client.post(reverse("attendance:webhook_register", args=[team.slug]), {"url": url})
    endpoint = WebhookEndpoint.objects.get(team=team)
    assert endpoint.url == url and endpoint.state == "ACTIVE"

    response = client.post(reverse("attendance:webhook_check", args=[team.slug]), follow=True)
    assert "ACTIVE" in response.content.decode()
    assert WebhookEndpoint.objects.get(team=team).checked_at >= endpoint.checked_at

    client.post(reverse("attendance:webhook_remove", args=[team.slug]))
    assert not WebhookEndpoint.objects.filter(team=team).exists()
    hooks = fast_sim.control("GET", "requests")  # the simulator saw the DELETE
    assert any(k.startswith("DELETE /v1/webhooks") for k in hooks["by_route"])
    actions = list(
        AuditEvent.objects.filter(team=team, action="webhook.change").values_list(
            "outcome", flat=True
        )
    )
    assert actions == ["ok", "ok"]
