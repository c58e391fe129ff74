"""The retention policy: owners and admins set N days, see the exact list, enable; the
worker deletes each due recording once, at Daily's pace, with one audit event each."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from daily import Unavailable
from recordings import mirror, retention
from recordings.models import RetentionDeletion, RetentionPolicy
from teams.models import AuditEvent, Role
from tests.recordings.conftest import daily_recordings

pytestmark = pytest.mark.django_db

DAYS = 30


def _url(team) -> str:
    return reverse("recordings:retention", args=[team.slug])


def _due(sim, days=DAYS) -> set[str]:
    cutoff = (timezone.now() - timedelta(days=days)).timestamp()
    return {
        r["id"]
        for r in daily_recordings(sim)
        if r["start_ts"] < cutoff and r["status"] != "in-progress"
    }


def _digest(body: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]+)"', body).group(1)


def test_the_preview_lists_exactly_what_would_be_deleted(walked, fast_sim, login):
    client = login(walked, Role.ADMIN)
    body = client.get(_url(walked), {"days": DAYS}).content.decode()
    due = _due(fast_sim)
    assert 0 < len(due) < len(daily_recordings(fast_sim))
    assert f"{len(due)} recordings would be deleted now" in body
    shown = {r.recording_id for r in retention.preview(walked, DAYS)}
    assert shown == due
    for row in mirror.recordings(walked).filter(recording_id__in=due):
        assert row.room_name in body
    assert not RetentionPolicy.objects.filter(team=walked, enabled=True).exists()


def test_enabling_needs_the_list_that_was_previewed(walked, fast_sim, login):
    client = login(walked, Role.OWNER)
    digest = _digest(client.get(_url(walked), {"days": DAYS}).content.decode())
    # Meanwhile one more recording becomes due (the list the person saw is not this one).
    mirror.recordings(walked).exclude(recording_id__in=_due(fast_sim)).exclude(
        status="in-progress"
    ).update(started_at=timezone.now() - timedelta(days=DAYS + 1))
    refused = client.post(_url(walked), {"days": DAYS, "digest": digest, "action": "enable"})
    assert "changed since the preview" in refused.content.decode()
    assert not RetentionPolicy.objects.get(team=walked).enabled
    assert AuditEvent.objects.get(team=walked, action="recording.retention").outcome == "failed"
    fresh = _digest(refused.content.decode())
    done = client.post(_url(walked), {"days": DAYS, "digest": fresh, "action": "enable"})
    assert done.status_code == 302
    policy = RetentionPolicy.objects.get(team=walked)
    assert policy.enabled and policy.days == DAYS
    assert AuditEvent.objects.filter(
        team=walked, action="recording.retention", outcome="ok"
    ).exists()


def test_bad_days_are_a_clear_message(walked, login):
    client = login(walked, Role.OWNER)
    for raw in ("0", "-3", "ten", "99999"):
        response = client.post(_url(walked), {"days": raw, "action": "enable", "digest": "x"})
        assert response.status_code == 400 and "number of days" in response.content.decode()
    assert not RetentionPolicy.objects.filter(team=walked, enabled=True).exists()


def _enable(team, days=DAYS) -> None:
    retention.enable(actor=None, team=team, days=days, seen_digest=retention.digest(team, days))


def test_the_worker_deletes_each_due_recording_once_with_one_audit_event(walked, fast_sim):
    due = _due(fast_sim)
    _enable(walked)
    assert retention.run(walked) == len(due)
    left = {r["id"] for r in daily_recordings(fast_sim)}
    assert not (left & due) and left  # the newer ones stay
    events = AuditEvent.objects.filter(team=walked, action="recording.delete")
    assert events.count() == len(due) and {e.outcome for e in events} == {"ok"}
    assert sorted(e.target.split(" / ")[1] for e in events) == sorted(due)
    assert not mirror.recordings(walked).filter(recording_id__in=due).exists()
    # A second run finds nothing more to do: no call, no event.
    fast_sim.clear_request_counts()
    RetentionPolicy.objects.filter(team=walked).update(last_run_at=None)
    assert retention.run(walked) == 0
    assert AuditEvent.objects.filter(team=walked, action="recording.delete").count() == len(due)
    assert "DELETE /v1/recordings/{id}" not in fast_sim.request_counts()


def test_a_run_stopped_by_daily_resumes_without_deleting_twice(walked, fast_sim, monkeypatch):
    due = sorted(_due(fast_sim))
    _enable(walked)
    from daily.rest import RestClient

    real = RestClient.delete_recording
    calls: list[str] = []

    def flaky(self, recording_id, **kwargs):
        calls.append(recording_id)
        if len(calls) == 3:
            raise Unavailable("Daily is down", method="DELETE", path="/recordings/x")
        return real(self, recording_id, **kwargs)

    monkeypatch.setattr(RestClient, "delete_recording", flaky)
    with pytest.raises(Unavailable):
        retention.run(walked)
    assert RetentionDeletion.objects.filter(team=walked, done_at__isnull=False).count() == 2
    assert RetentionPolicy.objects.get(team=walked).lease_until is None
    monkeypatch.setattr(RestClient, "delete_recording", real)
    assert retention.run(walked) == len(due) - 2
    ok = AuditEvent.objects.filter(team=walked, action="recording.delete", outcome="ok")
    assert ok.count() == len(due)
    failed = AuditEvent.objects.filter(team=walked, action="recording.delete", outcome="failed")
    assert failed.count() == 1 and failed.get().error_type
    assert RetentionDeletion.objects.filter(team=walked).count() == len(due)


def test_in_progress_recordings_are_never_deleted(walked, fast_sim):
    live = mirror.recordings(walked).get(status="in-progress")
    live.started_at = timezone.now() - timedelta(days=400)
    live.save()
    assert live.recording_id not in {r.recording_id for r in retention.preview(walked, 1)}


def test_turning_it_off_stops_the_worker(walked, fast_sim, login):
    _enable(walked)
    client = login(walked, Role.ADMIN)
    assert client.post(_url(walked), {"action": "disable"}).status_code == 302
    assert retention.run(walked) == 0
    assert len(daily_recordings(fast_sim)) == mirror.recordings(walked).count()


def test_beat_queues_an_enabled_policy_once_an_hour(walked, monkeypatch):
    from recordings import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.retention_task, "delay", queued.append)
    monkeypatch.setattr(tasks.refresh_task, "delay_on_commit", lambda team_id: None)
    assert tasks.dispatch_recordings_work()["retention"] == []  # off: nothing
    _enable(walked)
    assert tasks.dispatch_recordings_work()["retention"] == [walked.pk]
    RetentionPolicy.objects.filter(team=walked).update(last_run_at=timezone.now())
    from django.core.cache import cache

    cache.clear()
    assert tasks.dispatch_recordings_work()["retention"] == []  # ran within the hour
    assert queued == [walked.pk]
