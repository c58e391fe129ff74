"""Bulk actions: the preview, the confirmation, the job the worker runs (here `run_job`
called directly, as the task does), resuming, cancelling, and the pages that follow it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rooms import bulk, mirror
from rooms.models import BulkItem, BulkItemState, BulkJob, BulkJobState, MirroredRoom
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.factories import make_team
from tests.rooms.conftest import HTMX, domains_privacy, rest_api

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unpaced(settings):
    # Daily's delete rate (2/s) is the pacer's business (tests/unit); here it would only
    # make the tests slow.
    settings.DAILY_PACING = False


def _loaded(team):
    """The team's mirror filled from the simulator, as the worker fills it."""
    assert mirror.fill(team)
    return team


def _fake_rooms(team, count, prefix="room-"):
    """`count` rows in the mirror only (for previews and confirmations: never run)."""
    now = timezone.now()
    MirroredRoom.objects.bulk_create(
        MirroredRoom(team=team, name=f"{prefix}{i:04d}", privacy="public", seen_at=now)
        for i in range(count)
    )


def _start(client, team, action, rooms, privacy=None, **extra):
    data = {"action": action, "rooms": rooms, **({"privacy": privacy} if privacy else {})}
    response = client.post(reverse("rooms:bulk_start", args=[team.slug]), {**data, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return BulkJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _preview(client, team, **data):
    return client.post(reverse("rooms:bulk_preview", args=[team.slug]), data, follow=True)


def _job_url(job):
    return reverse("rooms:bulk_job", args=[job.team.slug, job.pk])


def test_the_preview_shows_exactly_what_will_change(domains_team, login, fast_sim):
    _loaded(domains_team)
    privacy = domains_privacy(fast_sim)
    public = [n for n, p in privacy.items() if p == "public"][:1]
    other = [n for n, p in privacy.items() if p != "public"][:2]
    client = login(domains_team, Role.OWNER)
    body = _preview(
        client,
        domains_team,
        action="privacy",
        privacy="public",
        rooms=[*public, *other, "gone-room"],
    ).content.decode()
    assert "Make 2 rooms public?" in body
    assert "Already public: skipped." in body and "No longer exists: skipped." in body
    assert body.count('<input type="hidden" name="rooms"') == 2
    for name in other:
        assert f'<input type="hidden" name="rooms" value="{name}">' in body
    assert domains_privacy(fast_sim) == privacy  # a preview changes nothing
    assert not AuditEvent.objects.exists() and not BulkJob.objects.exists()


def test_a_preview_without_a_selection_goes_back_with_a_message(domains_team, login):
    client = login(domains_team, Role.OWNER)
    response = _preview(client, domains_team, action="delete")
    assert "Select at least one room first." in response.content.decode()


def test_bulk_privacy_runs_in_the_worker_room_by_room(domains_team, login, fast_sim):
    _loaded(domains_team)
    client = login(domains_team, Role.ADMIN)
    rooms = ["standup", "retro", "eng-sync"]
    job = _start(client, domains_team, "privacy", rooms, "private")
    page = client.get(_job_url(job)).content.decode()
    assert "<html" in page and "0 of 3 rooms handled" in page and "Waiting for the worker" in page
    assert 'hx-trigger="every 2s"' in page  # polls while the job is active

    assert bulk.run_job(job.pk) is bulk.Run.FINISHED

    body = client.get(_job_url(job), **HTMX).content.decode()
    assert "<html" not in body and "3 of 3 rooms handled: 3 done" in body and "Finished." in body
    assert "hx-trigger" not in body  # nothing left to poll for
    assert all(domains_privacy(fast_sim)[r] == "private" for r in rooms)
    events = AuditEvent.objects.filter(action=AuditAction.ROOM_PRIVACY, outcome=Outcome.OK)
    assert sorted(e.target for e in events) == sorted(f"{r} to private" for r in rooms)
    assert {e.actor_id for e in events} == {client.user.pk}
    started = AuditEvent.objects.get(action=AuditAction.BULK_START)
    assert started.outcome == Outcome.OK and started.actor_id == client.user.pk
    assert started.target == "set privacy to private on 3 rooms"
    # The mirror changed with Daily: the list shows it at once.
    mirrored = dict(
        mirror.rooms(domains_team).filter(name__in=rooms).values_list("name", "privacy")
    )
    assert mirrored == dict.fromkeys(rooms, "private")


def test_bulk_delete_reports_each_room_done_or_failed_and_why(rest_team, login, fast_sim):
    _loaded(rest_team)
    client = login(rest_team, Role.OWNER)
    job = _start(client, rest_team, "delete", ["standup", "retro"])
    rest_api(fast_sim, "DELETE", "/rooms/retro")  # gone at Daily after the preview
    bulk.run_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done_count, job.failed_count) == (BulkJobState.DONE, 1, 1)
    body = client.get(_job_url(job)).content.decode()
    assert "2 of 2 rooms handled: 1 done" in body and "1 failed" in body
    assert "Failed:</span> Daily does not know this: room retro not found" in body
    assert rest_api(fast_sim, "GET", "/rooms/standup").status_code == 404
    assert not mirror.rooms(rest_team).filter(name="standup").exists()
    outcomes = dict(
        AuditEvent.objects.filter(action=AuditAction.ROOM_DELETE).values_list("target", "outcome")
    )
    assert outcomes == {"standup": Outcome.OK, "retro": Outcome.FAILED}


def _sending(job, room):
    """The state a worker killed in the middle of `room` leaves behind."""
    item = job.items.get(room=room)
    BulkItem.objects.filter(pk=item.pk).update(state=BulkItemState.SENDING)
    BulkJob.objects.filter(pk=job.pk).update(
        state=BulkJobState.RUNNING, lease_owner="dead", lease_until=timezone.now()
    )
    return item


def test_a_delete_sent_by_a_killed_worker_counts_once_and_not_as_failed(rest_team, login, fast_sim):
    _loaded(rest_team)
    client = login(rest_team, Role.OWNER)
    job = _start(client, rest_team, "delete", ["standup", "retro"])
    item = _sending(job, "standup")
    rest_api(fast_sim, "DELETE", "/rooms/standup")  # Daily had done it; no event written
    assert bulk.run_job(job.pk) is bulk.Run.FINISHED
    item.refresh_from_db()
    assert item.state == BulkItemState.DONE and "stopped worker had sent" in item.message
    events = AuditEvent.objects.filter(action=AuditAction.ROOM_DELETE)
    assert sorted(events.values_list("target", "outcome")) == [
        ("retro", Outcome.OK),
        ("standup", Outcome.OK),
    ]
    job.refresh_from_db()
    assert (job.done_count, job.failed_count) == (2, 0)


def test_a_room_whose_event_was_written_before_the_kill_is_not_sent_again(
    rest_team, login, fast_sim
):
    _loaded(rest_team)
    client = login(rest_team, Role.OWNER)
    job = _start(client, rest_team, "delete", ["standup"])
    item = _sending(job, "standup")
    rest_api(fast_sim, "DELETE", "/rooms/standup")
    AuditEvent.objects.create(
        team=rest_team,
        action=AuditAction.ROOM_DELETE,
        target="standup",
        outcome=Outcome.OK,
        request_id=bulk.audit_key(job, item),
    )
    fast_sim.clear_request_counts()
    bulk.run_job(job.pk)
    item.refresh_from_db()
    assert item.state == BulkItemState.DONE
    assert not any("DELETE" in route for route in fast_sim.request_counts())
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_DELETE).count() == 1


def test_a_rate_limited_room_waits_instead_of_failing(rest_team, login, fast_sim, monkeypatch):
    _loaded(rest_team)
    client = login(rest_team, Role.OWNER)
    job = _start(client, rest_team, "delete", ["standup"])
    fast_sim.faults(p_429=1.0)
    waits, notices = [], []

    def sleep(seconds):  # Daily stops refusing while the job waits
        waits.append(seconds)
        notices.append(BulkJob.objects.get(pk=job.pk).notice)
        fast_sim.clear_faults()

    monkeypatch.setattr(bulk.time, "sleep", sleep)
    bulk.run_job(job.pk)
    assert waits and "Daily asked us to slow down" in notices[0]
    job.refresh_from_db()
    assert (job.state, job.done_count, job.failed_count) == (BulkJobState.DONE, 1, 0)
    assert rest_api(fast_sim, "GET", "/rooms/standup").status_code == 404


def test_cancelling_a_queued_job_skips_every_room_at_once(domains_team, login, fast_sim):
    _loaded(domains_team)
    before = domains_privacy(fast_sim)
    client = login(domains_team, Role.OWNER)
    job = _start(client, domains_team, "delete", ["standup", "retro"])
    url = reverse("rooms:bulk_cancel", args=[domains_team.slug, job.pk])
    body = client.post(url, **HTMX).content.decode()
    assert "2 skipped" in body and "Cancelled." in body
    assert "Cancelled before this room." in body
    assert bulk.run_job(job.pk) is bulk.Run.GONE  # a late message does nothing
    assert domains_privacy(fast_sim) == before
    # The start and the cancel are audited; no room was changed, so nothing else is.
    assert list(AuditEvent.objects.order_by("id").values_list("action", "target")) == [
        (AuditAction.BULK_START, "delete 2 rooms"),
        (AuditAction.BULK_CANCEL, f"job {job.pk}: delete 2 rooms"),
    ]


def test_cancelling_a_running_job_stops_before_the_next_room(
    domains_team, login, fast_sim, monkeypatch
):
    _loaded(domains_team)
    client = login(domains_team, Role.OWNER)
    job = _start(client, domains_team, "delete", ["standup", "retro", "eng-sync"])
    real = bulk._run_item

    def then_cancel(job_, item):  # another tab presses Cancel during the first room
        wait = real(job_, item)
        client.post(reverse("rooms:bulk_cancel", args=[domains_team.slug, job.pk]))
        return wait

    monkeypatch.setattr(bulk, "_run_item", then_cancel)
    assert bulk.run_job(job.pk) is bulk.Run.FINISHED
    job.refresh_from_db()
    assert (job.state, job.done_count, job.skipped_count) == (BulkJobState.CANCELLED, 1, 2)
    privacy = domains_privacy(fast_sim)
    assert "standup" not in privacy and "retro" in privacy and "eng-sync" in privacy


def test_a_job_runs_in_slices_and_one_runner_at_a_time(domains_team, login, fast_sim):
    _loaded(domains_team)
    client = login(domains_team, Role.OWNER)
    job = _start(client, domains_team, "privacy", ["standup", "retro"], "private")
    assert bulk.run_job(job.pk, slice_seconds=1e-9) is bulk.Run.MORE
    job.refresh_from_db()
    assert job.done_count == 1 and job.lease_owner == "" and job.state == BulkJobState.RUNNING
    assert bulk.redispatch_due() == []  # the next slice's message is on its way
    # A live runner's lease keeps a second one out.
    assert bulk._take_lease(job.pk, "someone")
    assert bulk.run_job(job.pk) is bulk.Run.BUSY
    BulkJob.objects.filter(pk=job.pk).update(lease_until=timezone.now())  # it died
    assert bulk.redispatch_due() == [job.pk]
    assert bulk.run_job(job.pk) is bulk.Run.FINISHED
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_PRIVACY).count() == 2


# -- following a job ------------------------------------------------------------------------


def _job_with(team, user, count):
    job = bulk.create_job(
        team=team,
        user_id=user.pk,
        action="delete",
        privacy=None,
        rooms=[(f"room-{i:04d}", "public") for i in range(count)],
    )
    now = timezone.now()
    BulkItem.objects.filter(job=job).update(state=BulkItemState.DONE, finished_at=now)
    BulkItem.objects.filter(job=job, room="room-0001").update(
        state=BulkItemState.FAILED, message="Daily does not know this"
    )
    BulkJob.objects.filter(pk=job.pk).update(
        state=BulkJobState.DONE, done_count=count - 1, failed_count=1
    )
    return job


def test_the_job_page_costs_the_same_queries_for_any_number_of_rooms(login):
    team = make_team("bigteam")
    client = login(team, Role.ADMIN)
    counts = []
    for size in (5, 400):
        job = _job_with(team, client.user, size)
        client.get(_job_url(job))  # session and team look-ups warmed
        with CaptureQueriesContext(connection) as queries:
            body = client.get(_job_url(job)).content.decode()
        counts.append(len(queries))
        assert f"{size} of {size} rooms handled: {size - 1} done" in body
        assert body.count('<tr class="bulk-done">') == min(size - 1, 50)
    assert counts[0] == counts[1]


def test_any_admin_of_the_team_follows_and_cancels_jobs_from_the_jobs_page(login):
    team = make_team("bigteam")
    owner = login(team, Role.OWNER)
    job = bulk.create_job(
        team=team, user_id=owner.user.pk, action="delete", privacy=None, rooms=[("a", "")]
    )
    other_admin = login(team, Role.ADMIN)  # another tab, another person: the same job
    listing = other_admin.get(reverse("rooms:bulk_jobs", args=[team.slug])).content.decode()
    assert _job_url(job) in listing and owner.user.get_username() in listing
    assert 'class="active" aria-current="page">Bulk actions</a>' in listing  # the rooms tabs
    assert "Waiting for the worker" in other_admin.get(_job_url(job)).content.decode()
    cancel = reverse("rooms:bulk_cancel", args=[team.slug, job.pk])
    manager = login(team, Role.MANAGER)
    assert manager.get(_job_url(job)).status_code == 403
    assert manager.post(cancel).status_code == 403
    stranger = login(make_team("elsewhere"), Role.OWNER)
    assert stranger.get(_job_url(job)).status_code == 404
    assert other_admin.post(cancel).status_code == 302
    job.refresh_from_db()
    assert job.state == BulkJobState.CANCELLED


def test_the_job_of_another_team_is_not_found_through_ones_own(login):
    team, other = make_team("bigteam"), make_team("elsewhere")
    user = login(other, Role.OWNER).user
    job = bulk.create_job(team=other, user_id=user.pk, action="delete", privacy=None, rooms=[])
    client = login(team, Role.OWNER)
    url = reverse("rooms:bulk_job", args=[team.slug, job.pk])
    assert client.get(url).status_code == 404


def test_the_beat_dispatcher_queues_the_jobs_no_runner_holds(login, monkeypatch):
    from rooms import bulk_tasks

    team = make_team("bigteam")
    user = login(team, Role.OWNER).user
    jobs = [
        bulk.create_job(team=team, user_id=user.pk, action="delete", privacy=None, rooms=[])
        for _ in range(3)
    ]
    old = timezone.now() - timedelta(hours=1)
    BulkJob.objects.filter(pk=jobs[0].pk).update(created_at=old)  # its message was lost
    BulkJob.objects.filter(pk=jobs[1].pk).update(  # its runner is alive
        state=BulkJobState.RUNNING, lease_until=timezone.now() + timedelta(minutes=1)
    )
    # jobs[2] was just created: its own message is on its way.
    queued = []
    monkeypatch.setattr(bulk_tasks.run_bulk_job, "delay", queued.append)
    assert bulk_tasks.dispatch_bulk_jobs() == [jobs[0].pk] == queued


def test_cancelling_after_a_killed_worker_flags_the_room_it_had_sent(rest_team, login, fast_sim):
    _loaded(rest_team)
    client = login(rest_team, Role.OWNER)
    job = _start(client, rest_team, "delete", ["standup", "retro"])
    item = _sending(job, "standup")
    client.post(reverse("rooms:bulk_cancel", args=[rest_team.slug, job.pk]))
    assert bulk.run_job(job.pk) is bulk.Run.FINISHED  # the next runner only cancels
    item.refresh_from_db()
    assert item.state == BulkItemState.SKIPPED and "check this room" in item.message
    assert job.items.get(room="retro").message == "Cancelled before this room."
    assert rest_api(fast_sim, "GET", "/rooms/retro").status_code == 200
