from __future__ import annotations

import pytest
from django.urls import reverse

from rooms import bulk
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX, domains_privacy, rest_api

pytestmark = pytest.mark.django_db


_domains_privacy = domains_privacy


def _start(client, team, action, rooms, privacy=None):
    data = {"action": action, "rooms": rooms, **({"privacy": privacy} if privacy else {})}
    response = client.post(reverse("rooms:bulk-start", args=[team.slug]), data)
    assert response.status_code == 302
    return response["Location"]


def _run(client, job_url, limit=50):
    body = ""
    for _ in range(limit):
        body = client.post(job_url + "step/", **HTMX).content.decode()
        if "hx-trigger" not in body:
            return body
    raise AssertionError("the job did not finish")


def test_the_preview_shows_exactly_what_will_change(domains_team, login, fast_sim):
    privacy = _domains_privacy(fast_sim)
    public = [n for n, p in privacy.items() if p == "public"][:1]
    other = [n for n, p in privacy.items() if p != "public"][:2]
    client = login(domains_team, Role.OWNER)
    response = client.post(
        reverse("rooms:bulk-preview", args=[domains_team.slug]),
        {"action": "privacy", "privacy": "public", "rooms": [*public, *other, "gone-room"]},
    )
    body = response.content.decode()
    assert "Make 2 rooms public?" in body
    assert "Already public: skipped." in body and "No longer exists: skipped." in body
    assert body.count('<input type="hidden" name="rooms"') == 2
    for name in other:
        assert f'<input type="hidden" name="rooms" value="{name}">' in body
    assert _domains_privacy(fast_sim) == privacy  # a preview changes nothing
    assert not AuditEvent.objects.exists()


def test_a_preview_without_a_selection_goes_back_with_a_message(domains_team, login):
    client = login(domains_team, Role.OWNER)
    response = client.post(
        reverse("rooms:bulk-preview", args=[domains_team.slug]), {"action": "delete"}, follow=True
    )
    assert "Select at least one room first." in response.content.decode()


def test_bulk_privacy_runs_room_by_room_with_results(domains_team, login, fast_sim, monkeypatch):
    monkeypatch.setattr(bulk, "PRIVACY_INTERVAL", 0)
    client = login(domains_team, Role.ADMIN)
    rooms = ["standup", "retro", "eng-sync"]
    job_url = _start(client, domains_team, "privacy", rooms, "private")
    page = client.get(job_url).content.decode()
    assert "<html" in page and "0 of 3 rooms handled" in page and "Waiting…" in page
    body = _run(client, job_url)
    assert "3 of 3 rooms handled: 3 done" in body and "Finished." in body
    assert all(_domains_privacy(fast_sim)[r] == "private" for r in rooms)
    events = AuditEvent.objects.filter(action=AuditAction.ROOM_PRIVACY, outcome=Outcome.OK)
    assert sorted(e.target for e in events) == sorted(f"{r} to private" for r in rooms)


def test_bulk_delete_keeps_to_dailys_pace(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    job_url = _start(client, rest_team, "delete", ["retro", "standup"])
    first = client.post(job_url + "step/", **HTMX).content.decode()
    second = client.post(job_url + "step/", **HTMX).content.decode()  # too early: waits
    assert "1 of 2 rooms handled" in first and "1 of 2 rooms handled" in second
    assert 'hx-trigger="load delay:' in second
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_DELETE).count() == 1


def test_bulk_delete_reports_each_room_done_or_failed_and_why(
    rest_team, login, fast_sim, monkeypatch
):
    monkeypatch.setattr(bulk, "DELETE_INTERVAL", 0)
    client = login(rest_team, Role.OWNER)
    rest_api(fast_sim, "DELETE", "/rooms/retro")
    job_url = _start(client, rest_team, "delete", ["standup", "retro"])
    body = _run(client, job_url)
    assert "2 of 2 rooms handled: 1 done" in body and "1 failed" in body
    assert "Failed:</span> Daily does not know this: room retro not found" in body
    assert rest_api(fast_sim, "GET", "/rooms/standup").status_code == 404
    outcomes = dict(
        AuditEvent.objects.filter(action=AuditAction.ROOM_DELETE).values_list("target", "outcome")
    )
    assert outcomes == {"standup": Outcome.OK, "retro": Outcome.FAILED}


def test_a_rate_limited_room_waits_instead_of_failing(rest_team, login, fast_sim, monkeypatch):
    monkeypatch.setattr(bulk, "DELETE_INTERVAL", 0)
    client = login(rest_team, Role.OWNER)
    job_url = _start(client, rest_team, "delete", ["standup"])
    fast_sim.faults(p_429=1.0)
    body = client.post(job_url + "step/", **HTMX).content.decode()
    assert "Daily asked us to slow down" in body and "0 of 1 rooms handled" in body
    fast_sim.clear_faults()


def test_stopping_skips_the_remaining_rooms(domains_team, login, fast_sim):
    client = login(domains_team, Role.OWNER)
    job_url = _start(client, domains_team, "delete", ["standup", "retro"])
    client.post(job_url + "step/", **HTMX)
    body = client.post(job_url + "stop/", **HTMX).content.decode()
    assert "1 skipped" in body and "Stopped before this room." in body
    assert "retro" in _domains_privacy(fast_sim)


def test_a_job_belongs_to_the_person_who_started_it(domains_team, login):
    job_url = _start(login(domains_team, Role.OWNER), domains_team, "delete", ["standup"])
    other_admin = login(domains_team, Role.ADMIN)
    assert other_admin.get(job_url).status_code == 404
    assert other_admin.post(job_url + "step/").status_code == 404
    manager = login(domains_team, Role.MANAGER)
    assert manager.get(job_url).status_code == 403
    assert manager.post(job_url + "step/").status_code == 403
