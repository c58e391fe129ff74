from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX, rest_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _exists(sim, room):
    return rest_api(sim, "GET", f"/rooms/{room}").status_code == 200


def test_the_confirmation_in_the_row_names_the_room(rest_team, login):
    client = login(rest_team, Role.OWNER)
    response = client.get(reverse("rooms:delete", args=[rest_team.slug, "retro"]), **HTMX)
    body = response.content.decode()
    assert body.strip().startswith('<tr class="confirm-row">')
    assert "Delete room <strong>retro</strong>?" in body and ">Delete retro</button>" in body
    assert reverse("rooms:row", args=[rest_team.slug, "retro"]) in body  # Cancel


def test_the_confirmation_page_works_without_javascript(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    url = reverse("rooms:delete", args=[rest_team.slug, "retro"])
    body = client.get(url).content.decode()
    assert "<html" in body and "Delete room retro?" in body
    response = client.post(url, follow=True)
    assert "Room retro deleted." in response.content.decode()
    assert not _exists(fast_sim, "retro")


def test_deleting_in_the_row_removes_it_and_invalidates_the_list(rest_team, login, fast_sim):
    client = login(rest_team, Role.ADMIN)
    list_url = reverse("rooms:list", args=[rest_team.slug])
    assert "retro" in client.get(list_url).content.decode()
    total = client.get(list_url).context["total"]
    response = client.post(reverse("rooms:delete", args=[rest_team.slug, "retro"]), **HTMX)
    assert response.status_code == 200
    # Nothing is left for the row: only the message, out of band, and the count's event.
    body = response.content.decode().strip()
    assert body.startswith('<div id="messages"') and 'hx-swap-oob="true"' in body
    assert "Room retro deleted." in body
    assert response["HX-Trigger"] == "rooms-changed"
    assert not _exists(fast_sim, "retro")
    # The message was said once: the next page does not say it again.
    assert "Room retro deleted." not in client.get(list_url).content.decode()
    # The count the event asks for is one less.
    count = client.get(
        reverse("rooms:count", args=[rest_team.slug]), {"q": "", "recount": "1"}, **HTMX
    ).content.decode()
    assert f"{total - 1} rooms." in count and "rooms-pages" not in count
    assert 'hx-trigger="rooms-changed from:body"' in count  # and it counts again next time
    assert ">retro<" not in client.get(list_url).content.decode()
    event = AuditEvent.objects.get(action=AuditAction.ROOM_DELETE)
    assert event.outcome == Outcome.OK and event.target == "retro"


def test_a_failed_delete_keeps_the_row_with_the_reason_and_retry(domains_team, login, fast_sim):
    client = login(domains_team, Role.OWNER)
    client.get(reverse("rooms:list", args=[domains_team.slug]))
    fast_sim.faults(p_error_in_200=1.0)
    url = reverse("rooms:delete", args=[domains_team.slug, "retro"])
    body = client.post(url, **HTMX).content.decode()
    assert body.strip().startswith("<tr") and "Room not deleted." in body
    assert f'hx-post="{url}"' in body and "Try again" in body
    assert AuditEvent.objects.get().outcome == Outcome.FAILED


def test_a_manager_cannot_delete(rest_team, login, fast_sim):
    client = login(rest_team, Role.MANAGER)
    assert client.post(reverse("rooms:delete", args=[rest_team.slug, "retro"])).status_code == 403
    assert _exists(fast_sim, "retro")
