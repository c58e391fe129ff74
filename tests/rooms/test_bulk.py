from __future__ import annotations

import pytest
from django.urls import reverse

from rooms import bulk
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.factories import make_team
from tests.rooms.conftest import HTMX, domains_privacy, rest_api, serve_rooms

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


# -- every room matching the search, on every page ------------------------------------


def _preview(client, team, **data):
    return client.post(reverse("rooms:bulk-preview", args=[team.slug]), data, follow=True)


def test_every_room_matching_the_search_can_be_previewed(domains_team, login, fast_sim):
    privacy = _domains_privacy(fast_sim)
    q = "E"  # case-insensitive, as the list searches
    expected = sorted((n for n in privacy if "e" in n.lower()), key=str.lower)
    assert 1 < len(expected) < len(privacy)  # the search picks some rooms, not all
    client = login(domains_team, Role.ADMIN)
    response = _preview(
        client, domains_team, matching="1", q=q, action="privacy", privacy="private"
    )
    body = response.content.decode()
    assert f"{len(expected)} rooms as Daily lists them now" in body
    assert "whose name contains “E”" in body
    rows = [line.split("</td>")[0] for line in body.split("<tr class=")[1:]]
    assert [row.split("<td>")[1] for row in rows] == expected
    to_change = [n for n in expected if privacy[n] != "private"]
    assert body.count('<input type="hidden" name="rooms"') == len(to_change)
    assert f"Make {len(to_change)} room" in body
    assert _domains_privacy(fast_sim) == privacy  # a preview changes nothing


def test_ticked_rooms_are_ignored_when_every_matching_room_is_chosen(domains_team, login):
    client = login(domains_team, Role.OWNER)
    body = _preview(
        client, domains_team, matching="1", q="standup", action="delete", rooms=["retro"]
    ).content.decode()
    assert '<input type="hidden" name="rooms" value="standup">' in body
    assert '<input type="hidden" name="rooms" value="retro">' not in body


def test_too_many_matching_rooms_go_back_to_the_search_with_a_message(login, monkeypatch):
    from tests.rooms.test_list import _rooms

    team = make_team("bigteam")
    serve_rooms(monkeypatch, lambda _team: _rooms(bulk.MAX_ROOMS + 100))
    client = login(team, Role.ADMIN)
    response = _preview(client, team, matching="1", q="room-", action="delete")
    assert response.redirect_chain[-1][0] == reverse("rooms:list", args=[team.slug]) + "?q=room-"
    body = response.content.decode()
    assert f"600 rooms match: a bulk action takes at most {bulk.MAX_ROOMS} at a time." in body
    assert not AuditEvent.objects.exists()
    narrowed = _preview(client, team, matching="1", q="room-00", action="delete")
    assert "Delete 100 rooms?" in narrowed.content.decode()


def test_a_search_matching_nothing_says_so(domains_team, login):
    client = login(domains_team, Role.OWNER)
    body = _preview(
        client, domains_team, matching="1", q="no-such-room", action="delete"
    ).content.decode()
    assert "No room name contains “no-such-room”." in body


def test_a_failed_matching_preview_retries_the_same_search(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    fast_sim.faults(p_5xx=1.0)
    body = _preview(client, rest_team, matching="1", q="inter", action="delete").content.decode()
    assert "Daily did not do this." in body
    assert '<input type="hidden" name="matching" value="1">' in body
    assert '<input type="hidden" name="q" value="inter">' in body


def test_the_list_offers_every_matching_room_beyond_the_page_to_managers_of_rooms_only(
    login, monkeypatch
):
    from tests.rooms.test_list import _rooms

    team = make_team("bigteam")
    serve_rooms(monkeypatch, lambda _team: _rooms(120))
    url = reverse("rooms:list", args=[team.slug])
    body = login(team, Role.ADMIN).get(url, {"q": "room-00"}).content.decode()
    assert "Select all 100 rooms matching “room-00”, on every page" in body
    assert '<input type="hidden" name="q" value="room-00" form="bulk-form">' in body
    assert "Select all" not in login(team, Role.MANAGER).get(url).content.decode()
    # One page holds them all: the page's own checkbox is enough.
    assert "Select all" not in login(team, Role.ADMIN).get(url, {"q": "room-01"}).content.decode()
