from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX, daily_calls, domains_privacy, rest_api
from tests.rooms.helpers import fill_from_daily

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _sim_privacy(sim, dialect, room):
    if dialect == "rest":
        return rest_api(sim, "GET", f"/rooms/{room}").json()["privacy"]
    return domains_privacy(sim)[room]


@pytest.mark.parametrize(
    ("team_fixture", "value", "label"),
    [("domains_team", "org", "team"), ("domains_team", "private", "private"),
     ("rest_team", "private", "private"), ("rest_team", "public", "public")],
)  # fmt: skip
def test_changing_privacy_inline_updates_daily_and_the_row(
    request, fast_sim, login, team_fixture, value, label
):
    team = request.getfixturevalue(team_fixture)
    fill_from_daily(team)
    client = login(team, Role.ADMIN)
    url = reverse("rooms:privacy", args=[team.slug, "standup"])
    response = client.post(url, {"privacy": value}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith("<tr") and "Saved" in body
    assert f'<option value="{value}" selected>{label}</option>' in body
    assert _sim_privacy(fast_sim, team.dialect, "standup") == value
    event = AuditEvent.objects.get(action=AuditAction.ROOM_PRIVACY)
    assert event.outcome == Outcome.OK and event.target == f"standup to {label}"


def test_rest_offers_only_public_and_private(rest_team, login):
    client = login(rest_team, Role.OWNER)
    body = client.get(reverse("rooms:list", args=[rest_team.slug])).content.decode()
    assert '<option value="org"' not in body
    response = client.post(
        reverse("rooms:privacy", args=[rest_team.slug, "standup"]), {"privacy": "org"}, **HTMX
    )
    assert "Privacy must be one of: public, private." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_privacy_change_shows_in_the_list_at_once_without_listing_at_daily(
    rest_team, login, fast_sim
):
    client = login(rest_team, Role.OWNER)
    list_url = reverse("rooms:list", args=[rest_team.slug])
    client.post(reverse("rooms:privacy", args=[rest_team.slug, "standup"]), {"privacy": "public"})
    before = daily_calls(fast_sim)
    body = client.get(list_url, {"q": "standup"}).content.decode()
    assert daily_calls(fast_sim) == before
    assert '<option value="public" selected>public</option>' in body


def test_a_refusal_by_daily_is_shown_in_the_row_with_retry_and_audited(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    client.get(reverse("rooms:list", args=[rest_team.slug]))  # the list is cached now
    before = _sim_privacy(fast_sim, "rest", "standup")
    fast_sim.faults(p_5xx=1.0)
    url = reverse("rooms:privacy", args=[rest_team.slug, "standup"])
    target = "private" if before == "public" else "public"
    response = client.post(url, {"privacy": target}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith("<tr") and "row-failed" in body
    assert "Daily did not do this." in body and "Privacy not changed." in body
    assert f'hx-post="{url}"' in body and "Try again" in body
    assert f'<input type="hidden" name="privacy" value="{target}">' in body
    event = AuditEvent.objects.get(action=AuditAction.ROOM_PRIVACY)
    assert event.outcome == Outcome.FAILED and event.error_type
    fast_sim.clear_faults()
    assert _sim_privacy(fast_sim, "rest", "standup") == before


def test_without_javascript_the_privacy_form_redirects_with_a_message(domains_team, login):
    client = login(domains_team, Role.OWNER)
    url = reverse("rooms:privacy", args=[domains_team.slug, "retro"])
    response = client.post(url, {"privacy": "private"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("rooms:list", args=[domains_team.slug])
    assert "Room retro is now private." in response.content.decode()


def test_a_manager_cannot_change_privacy(domains_team, login, fast_sim):
    client = login(domains_team, Role.MANAGER)
    before = _sim_privacy(fast_sim, "domains", "standup")
    url = reverse("rooms:privacy", args=[domains_team.slug, "standup"])
    other = "public" if before != "public" else "private"
    assert client.post(url, {"privacy": other}, **HTMX).status_code == 403
    assert _sim_privacy(fast_sim, "domains", "standup") == before
    assert not AuditEvent.objects.exists()
