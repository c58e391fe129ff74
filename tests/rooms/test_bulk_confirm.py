"""Bulk actions on every room the search matches (counted in the mirror, without a cap), and
the typed confirmation of a large delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rooms.models import BulkJob
from teams.models import Role
from tests.factories import make_team
from tests.rooms.test_bulk import _fake_rooms, _preview

pytestmark = pytest.mark.django_db


def test_every_matching_room_is_counted_with_sql_without_a_cap(
    login, django_assert_max_num_queries
):
    team = make_team("bigteam")
    _fake_rooms(team, 620)
    _fake_rooms(team, 5, prefix="other-")
    client = login(team, Role.ADMIN)
    with django_assert_max_num_queries(20):
        body = _preview(client, team, matching="1", q="ROOM-", action="delete").content.decode()
    assert "Delete 620 rooms?" in body and "620 rooms in the dashboard" in body
    assert "this takes about 7 minutes" in body  # Daily deletes about 1.6 rooms a second
    assert "… and 520 more rooms." in body  # the first 100 are listed by name
    assert body.count("<tr class=") == 100 and "other-" not in body
    assert 'To confirm, type <strong class="confirm-phrase">delete 620 rooms</strong>' in body
    assert not BulkJob.objects.exists()


def _confirm(client, team, body, confirm, q="room-"):
    upto = body.split('name="upto" value="')[1].split('"')[0]
    data = {"action": "delete", "matching": "1", "q": q, "upto": upto, "confirm": confirm}
    return client.post(reverse("rooms:bulk_start", args=[team.slug]), data)


def test_a_large_delete_needs_the_typed_confirmation(login):
    team = make_team("bigteam")
    _fake_rooms(team, 1234)
    client = login(team, Role.OWNER)
    body = _preview(client, team, matching="1", q="room-", action="delete").content.decode()
    for wrong in ("", "delete 1234 rooms", "delete 1,233 rooms", "yes"):
        refused = _confirm(client, team, body, wrong)
        text = refused.content.decode()
        assert refused.status_code == 200
        assert "Nothing was deleted. To delete these 1,234 rooms, type “delete 1,234 rooms”" in text
        assert not BulkJob.objects.exists()
    accepted = _confirm(client, team, body, "  Delete 1,234 rooms ")
    assert accepted.status_code == 302
    job = BulkJob.objects.get()
    assert (job.total, job.matching, job.query, job.state) == (1234, True, "room-", "queued")
    assert job.items.count() == 1234


def test_a_room_that_appears_after_the_preview_is_not_in_the_job(login):
    team = make_team("bigteam")
    _fake_rooms(team, 30)
    client = login(team, Role.OWNER)
    body = _preview(client, team, matching="1", q="room-", action="delete").content.decode()
    assert "Delete 30 rooms?" in body and "confirm-phrase" not in body  # small: no typing
    _fake_rooms(team, 1, prefix="room-new-")
    assert _confirm(client, team, body, "").status_code == 302
    job = BulkJob.objects.get()
    assert job.total == 30 and not job.items.filter(room__startswith="room-new-").exists()


def test_a_search_matching_nothing_says_so(login):
    team = make_team("bigteam")
    _fake_rooms(team, 3)
    client = login(team, Role.OWNER)
    body = _preview(client, team, matching="1", q="nothing", action="delete").content.decode()
    assert "No room name contains “nothing”." in body


def test_rooms_still_loading_are_said_to_be_left_out(login):
    team = make_team("bigteam")
    _fake_rooms(team, 3)
    client = login(team, Role.OWNER)
    body = _preview(client, team, matching="1", q="", action="delete").content.decode()
    assert "still being loaded from Daily (3 so far)" in body
