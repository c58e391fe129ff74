"""The recordings mirror: the worker's walk of Daily's list, resumable, paced, exact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from daily import Recording, RecordingStatus
from recordings import mirror
from recordings.models import MirroredRecording, RecordingMirror
from recordings.tasks import dispatch_recordings_work
from tests.recordings.conftest import daily_recordings

pytestmark = pytest.mark.django_db


def test_a_walk_mirrors_every_recording_as_daily_lists_it(rest_team, fast_sim):
    assert mirror.refresh(rest_team)
    truth = {r["id"]: r for r in daily_recordings(fast_sim)}
    rows = {r.recording_id: r for r in mirror.recordings(rest_team)}
    assert set(rows) == set(truth) and len(rows) >= 12
    for rid, row in rows.items():
        item = truth[rid]
        assert row.room_name == item["room_name"]
        assert row.status == item["status"]
        assert row.duration == item.get("duration")
        assert row.max_participants == item.get("max_participants")
        assert int(row.started_at.timestamp()) == item["start_ts"]
        assert row.tracks == len(item.get("tracks") or [])
    state = RecordingMirror.objects.get(team=rest_team)
    assert state.refreshed_at is not None and state.walk_started_at is None
    assert state.lease_until is None and state.total_count == len(truth)


def test_a_second_walk_drops_what_daily_deleted_and_keeps_the_rest(walked, fast_sim):
    victim = daily_recordings(fast_sim)[3]["id"]
    requests.delete(
        f"{fast_sim.rest_base_url}/recordings/{victim}", headers=fast_sim.rest_headers, timeout=10
    ).raise_for_status()
    before = mirror.recordings(walked).count()
    assert mirror.refresh(walked)
    assert mirror.recordings(walked).count() == before - 1
    assert not mirror.recordings(walked).filter(recording_id=victim).exists()


def test_an_interrupted_walk_resumes_at_its_cursor(walked, fast_sim, monkeypatch):
    """A walk stopped after its first page goes on from the next page, not from the top."""
    from recordings import mirror as module

    monkeypatch.setattr(module, "PAGE", 5)
    calls: list[str | None] = []
    from daily.rest import RestClient

    original = RestClient.recording_page

    def counting(self, **kwargs):
        calls.append(kwargs.get("starting_after"))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker is killed mid-walk
        return original(self, **kwargs)

    monkeypatch.setattr(RestClient, "recording_page", counting)
    with pytest.raises(KeyboardInterrupt):
        mirror.refresh(walked)
    state = RecordingMirror.objects.get(team=walked)
    assert state.walk_started_at is not None and state.walk_cursor and state.walk_seen == 5
    RecordingMirror.objects.filter(team=walked).update(lease_until=None)  # the lease lapsed
    cursor = state.walk_cursor
    calls.clear()
    monkeypatch.setattr(RestClient, "recording_page", original)
    resumed: list[str | None] = []

    def recording(self, **kwargs):
        resumed.append(kwargs.get("starting_after"))
        return original(self, **kwargs)

    monkeypatch.setattr(RestClient, "recording_page", recording)
    assert mirror.refresh(walked)
    assert resumed[0] == cursor
    assert mirror.recordings(walked).count() == len(daily_recordings(fast_sim))


def test_the_lease_keeps_a_second_walk_out(walked):
    lease = mirror.Lease(walked)
    assert lease.acquire()
    assert mirror.refresh(walked) is False
    lease.release()
    assert mirror.refresh(walked) is True


def test_a_walk_costs_one_list_call_per_hundred_and_one_domain_read(walked, fast_sim):
    assert mirror.refresh(walked)
    counts = {k: v for k, v in fast_sim.request_counts().items() if "/_sim/" not in k}
    pages = len(daily_recordings(fast_sim)) // 100 + 1
    fast_sim.clear_request_counts()
    assert counts == {"GET /v1/recordings": pages, "GET /v1": 1}


def test_domains_teams_have_no_recordings_and_no_walk(domains_team, fast_sim):
    assert mirror.supported(domains_team) is False
    assert mirror.refresh(domains_team) is False
    assert dispatch_recordings_work()["refresh"] == []
    assert sum(fast_sim.request_counts().values()) == 0


def test_beat_queues_a_walk_for_a_stale_team_once(rest_team, monkeypatch):
    queued: list[int] = []
    from recordings import tasks

    monkeypatch.setattr(tasks.refresh_task, "delay_on_commit", queued.append)
    assert dispatch_recordings_work()["refresh"] == [rest_team.pk]
    assert dispatch_recordings_work()["refresh"] == []  # debounced
    assert queued == [rest_team.pk]


def test_store_keeps_one_row_per_recording(rest_team):
    rec = Recording(
        id="abc",
        room_name="standup",
        start=datetime(2024, 1, 1, tzinfo=UTC),
        status=RecordingStatus.IN_PROGRESS,
        max_participants=2,
        duration=None,
    )
    mirror.store(rest_team, [rec])
    mirror.store(
        rest_team,
        [rec.__class__(**{**rec.__dict__, "status": RecordingStatus.FINISHED, "duration": 60})],
    )
    row = MirroredRecording.objects.get(team=rest_team)
    assert (row.status, row.duration) == ("finished", 60)


def test_beat_runs_the_dispatch_and_the_worker_knows_the_tasks(settings):
    from dailyadmin.celery import app

    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].startswith("recordings.")
    ]
    assert [e["task"] for e in entries] == ["recordings.tasks.dispatch_recordings_work"]
    assert entries[0]["schedule"] <= 300
    app.loader.import_default_modules()
    for name in ("dispatch_recordings_work", "refresh_task", "retention_task"):
        assert f"recordings.tasks.{name}" in app.tasks


def test_the_walk_notes_the_bucket_the_domain_configuration_names(walked, fast_sim):
    # Reference: docs.daily.co/reference/rest-api/your-domain (`recordings_bucket`).
    bucket = {
        "bucket_name": "acme-domain-recordings",
        "bucket_region": "eu-west-2",
        "assume_role_arn": "arn:aws:iam::123456789012:role/DailyRecordings",
    }
    requests.post(
        fast_sim.rest_base_url,
        headers=fast_sim.rest_headers,
        json={"properties": {"recordings_bucket": bucket}},
        timeout=10,
    ).raise_for_status()
    assert mirror.refresh(walked)
    assert RecordingMirror.objects.get(team=walked).domain_bucket == "acme-domain-recordings"
