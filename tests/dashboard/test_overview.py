"""The team overview: invite link, counts, and what the team's API can and cannot do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, Meeting, SyncState
from daily import make_client
from teams.models import Role
from tests.dashboard.conftest import HTMX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _meeting(team, start, *, ongoing=False, key=None):
    return Meeting.objects.create(
        team=team,
        key=key or f"standup@{start.isoformat()}",
        room="standup",
        start=start,
        ongoing=ongoing,
    )


def _session(meeting, n, *, leave=None):
    return Attendance.objects.create(
        meeting=meeting,
        team=meeting.team,
        room=meeting.room,
        session_key=f"s{n}",
        identity=f"person{n}@example.com",
        join=meeting.start,
        leave=leave,
    )


def test_a_domains_overview_counts_and_offers_the_invite_link(domains_team, login):
    now = timezone.now()
    for days in (1, 3, 6):
        _meeting(domains_team, now - timedelta(days=days))
    _meeting(domains_team, now - timedelta(days=8))  # outside the last 7 days
    live = _meeting(domains_team, now - timedelta(minutes=20), ongoing=True)
    _session(live, 1)
    _session(live, 2)
    _session(live, 3, leave=now - timedelta(minutes=5))  # has left
    SyncState.objects.create(team=domains_team, last_success_at=now - timedelta(minutes=2))

    response = login(domains_team, Role.MANAGER).get(
        reverse("dashboard:overview", args=[domains_team.slug])
    )
    overview = response.context["overview"]
    assert (overview.rooms, overview.users, overview.live, overview.meetings_7d) == (40, 25, 2, 4)
    body = response.content.decode()
    assert "as of the last sync" in body
    with make_client(
        "domains", domains_team.base_url, domains_team.get_token(), team="demo-team"
    ) as c:
        link = c.team_info().invite_link
    assert f'data-copy="{link}"' in body and ">Copy</button>" in body
    assert "remove users from the Daily team" in body  # can
    assert "issue meeting tokens" in body  # cannot, listed under "Not with this API"


def test_a_rest_overview_counts_people_live_from_presence_and_says_what_it_lacks(
    rest_team, login, sim
):
    Attendance.objects.create(
        meeting=_meeting(rest_team, timezone.now() - timedelta(days=1)),
        team=rest_team,
        room="standup",
        session_key="a",
        identity="u-0001",
        join=timezone.now(),
    )
    with make_client("rest", sim.rest_base_url, sim.rest_token) as c:
        present = len(c.presence())
    assert present > 0  # the simulator has meetings live at its frozen instant
    client = login(rest_team, Role.MANAGER)
    response = client.get(reverse("dashboard:overview", args=[rest_team.slug]))
    overview = response.context["overview"]
    assert (overview.rooms, overview.users) == (40, 1)
    body = response.content.decode()
    assert "team membership is managed in Daily's own dashboard" in body
    assert "Invite link" not in body
    # "Live now" is a tile of its own, loaded with the page, then every 30 s.
    live = reverse("dashboard:overview_live", args=[rest_team.slug])
    assert f'hx-get="{live}" hx-trigger="load"' in body
    text = client.get(live, **HTMX).content.decode()
    assert "<html" not in text and 'hx-trigger="every 30s"' in text
    assert f'<span class="stat-value">{present}</span>' in text


def test_the_live_tile_explains_a_failure_and_offers_a_retry(rest_team, login, sim):
    client = login(rest_team, Role.MANAGER)
    live = reverse("dashboard:overview_live", args=[rest_team.slug])
    sim.faults(p_5xx=1.0)
    text = client.get(live, **HTMX).content.decode()
    assert "The Daily API at" in text and ">Try again</button>" in text
    assert '<span class="stat-value">—</span>' in text
    sim.clear_faults()
    text = client.get(live, **HTMX).content.decode()
    assert "Try again" not in text and "refreshed every 30 s" in text


def test_the_live_tile_outside_htmx_and_for_a_domains_team_leads_to_the_overview(
    rest_team, domains_team, login
):
    for team in (rest_team, domains_team):
        client = login(team, Role.MANAGER)
        headers = HTMX if team is domains_team else {}
        response = client.get(reverse("dashboard:overview_live", args=[team.slug]), **headers)
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard:overview", args=[team.slug])
    page = login(domains_team, Role.MANAGER).get(
        reverse("dashboard:overview", args=[domains_team.slug])
    )
    assert "/live/" not in page.content.decode()  # a domains overview loads no tile


def test_a_rest_overview_asks_daily_one_thing_and_its_live_tile_another(rest_team, login, sim):
    client = login(rest_team, Role.MANAGER)
    sim.clear_request_counts()
    client.get(reverse("dashboard:overview", args=[rest_team.slug]))
    assert sum(sim.request_counts().values()) == 0  # the room count is the mirror's
    client.get(reverse("dashboard:overview_live", args=[rest_team.slug]), **HTMX)
    assert sum(sim.request_counts().values()) == 1  # presence


def test_the_overview_reads_the_rooms_mirror_and_says_why_it_is_empty(login):
    from rooms.models import MirroredRoom, RoomMirror
    from tests.factories import make_team

    team = make_team("unloaded")
    RoomMirror.objects.create(team=team, last_error="Daily refused the API token <b>.")
    client = login(team, Role.MANAGER)
    url = reverse("dashboard:overview", args=[team.slug])
    body = client.get(url).content.decode()
    assert "Daily refused the API token &lt;b&gt;." in body and "Try again" in body
    MirroredRoom.objects.bulk_create(
        MirroredRoom(team=team, name=f"r{i}", seen_at=timezone.now()) for i in range(7)
    )
    RoomMirror.objects.filter(team=team).update(state="ready", last_error="")
    assert client.get(url).context["overview"].rooms == 7


def test_the_overview_of_a_team_whose_token_cannot_be_decrypted_still_shows(
    domains_team, login, settings
):
    from cryptography.fernet import Fernet

    client = login(domains_team, Role.OWNER)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = client.get(reverse("dashboard:overview", args=[domains_team.slug]))
    assert response.status_code == 200 and response.context["overview"].rooms == 40


def test_a_sync_stopped_by_an_auth_error_shows_on_the_overview(rest_team, login):
    SyncState.objects.create(
        team=rest_team, blocked_by_auth=True, last_error="refused", last_error_type="AuthError"
    )
    body = login(rest_team, Role.MANAGER).get(reverse("dashboard:overview", args=[rest_team.slug]))
    assert "the API token is not accepted" in body.content.decode()


def test_the_settings_page_shows_the_webhook_state_of_a_rest_team(rest_team, login):
    from attendance.models import WebhookEndpoint

    WebhookEndpoint.objects.create(
        team=rest_team,
        url="https://dash.example/webhooks/daily/x/",
        state="FAILED",
        failed_count=3,
    )
    body = login(rest_team, Role.OWNER).get(reverse("teams:settings", args=[rest_team.slug]))
    text = body.content.decode()
    assert "https://dash.example/webhooks/daily/x/" in text and "FAILED" in text
    assert "3 failed deliveries" in text


def test_a_repeat_rest_overview_asks_daily_nothing_and_a_new_person_counts_after_a_write(
    rest_team, login, sim
):
    from attendance.reports import known

    client = login(rest_team, Role.MANAGER)
    path = reverse("dashboard:overview", args=[rest_team.slug])
    assert client.get(path).context["overview"].users == 0
    sim.clear_request_counts()
    live = reverse("dashboard:overview_live", args=[rest_team.slug])
    client.get(live, **HTMX)
    sim.clear_request_counts()
    # Within the cache windows: the room count, presence and the people count are reused.
    _session(_meeting(rest_team, timezone.now() - timedelta(days=1)), 1)
    assert client.get(path).context["overview"].users == 0
    client.get(live, **HTMX)
    assert sum(sim.request_counts().values()) == 0
    # Whoever writes sessions forgets the cached facts (the sync and webhooks do).
    known.forget(rest_team.pk)
    assert client.get(path).context["overview"].users == 1


@pytest.mark.parametrize("dialect", ["domains", "rest"])
def test_the_overview_lists_bulk_actions_as_possible_where_the_bulk_bar_works(
    dialect, domains_team, rest_team, login
):
    team = domains_team if dialect == "domains" else rest_team
    client = login(team, Role.OWNER)
    overview = client.get(reverse("dashboard:overview", args=[team.slug])).context["overview"]
    assert "create, list and delete rooms, and delete many at once" in overview.can
    assert "change a room's privacy, or many rooms' at once" in overview.can
    assert not [item for item in overview.cannot if "many" in item or "at once" in item]
    # The rooms list of the same team offers the bulk bar: delete, and set privacy.
    rooms = client.get(reverse("rooms:list", args=[team.slug])).content.decode()
    assert 'id="bulk-form"' in rooms and 'value="delete"' in rooms and 'value="privacy"' in rooms
