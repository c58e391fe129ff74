"""The rooms mirror: write-through of the dashboard's mutations, the domains refresh, the
queueing of the worker's work (debounced), the dispatcher and the team signal."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import requests
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from daily import AuthError, NotFound, Privacy, RoomProperties
from rooms import mirror, services, tasks
from rooms.models import MirrorState, RoomMirror
from teams.models import AuditAction, AuditEvent, Dialect, Role
from teams.services import team_settings
from tests.factories import make_member, make_user, team_on
from tests.rooms.conftest import rest_api

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_debounce():
    cache.clear()


@pytest.fixture
def queued(monkeypatch):
    """The tasks' messages, recorded instead of sent: (task name, team id)."""
    sent: list[tuple[str, int]] = []
    for name in ("fill_task", "refresh_task", "reconcile_task"):
        task = getattr(tasks, name)
        for method in ("delay", "delay_on_commit"):
            monkeypatch.setattr(task, method, lambda team_id, _n=name: sent.append((_n, team_id)))
    return sent


def test_create_privacy_properties_and_delete_write_through_at_once(rest_team, fast_sim):
    assert mirror.fill(rest_team)
    owner = make_member(rest_team, Role.OWNER)

    services.create_room(
        actor=owner, team=rest_team, name="wt-room", privacy=Privacy.PUBLIC, properties=None
    )
    row = mirror.rooms(rest_team).get(name="wt-room")
    daily = rest_api(fast_sim, "GET", "/rooms/wt-room").json()
    assert row.privacy == "public" and row.daily_id == daily["id"]

    services.set_privacy(actor=owner, team=rest_team, room="wt-room", privacy=Privacy.PRIVATE)
    assert mirror.rooms(rest_team).get(name="wt-room").privacy == "private"

    services.update_properties(
        actor=owner,
        team=rest_team,
        room="wt-room",
        properties=RoomProperties(max_participants=5),
    )
    row = mirror.rooms(rest_team).get(name="wt-room")
    assert row.config == {"max_participants": 5}
    assert mirror.to_room(row).properties.max_participants == 5

    services.delete_room(actor=owner, team=rest_team, room="wt-room")
    assert not mirror.rooms(rest_team).filter(name="wt-room").exists()
    assert rest_api(fast_sim, "GET", "/rooms/wt-room").status_code == 404
    assert AuditEvent.objects.filter(team=rest_team, action=AuditAction.ROOM_DELETE).count() == 1


def test_a_refused_mutation_leaves_the_mirror_as_it_was(rest_team, fast_sim):
    assert mirror.fill(rest_team)
    owner = make_member(rest_team, Role.OWNER)
    name = mirror.rooms(rest_team).order_by("name").first().name
    fast_sim.faults(p_5xx=1.0, paths="/v1/rooms")
    with pytest.raises(Exception):  # noqa: B017 - any DailyError: Daily refused
        services.set_privacy(actor=owner, team=rest_team, room=name, privacy=Privacy.PUBLIC)
    fast_sim.clear_faults()
    before = mirror.rooms(rest_team).get(name=name).privacy
    truth = rest_api(fast_sim, "GET", f"/rooms/{name}").json()["privacy"]
    assert before == truth


def test_deleting_a_room_daily_no_longer_has_forgets_it_too(rest_team, fast_sim):
    assert mirror.fill(rest_team)
    owner = make_member(rest_team, Role.OWNER)
    name = mirror.rooms(rest_team).order_by("name").first().name
    assert rest_api(fast_sim, "DELETE", f"/rooms/{name}").status_code == 200
    with pytest.raises(NotFound):
        services.delete_room(actor=owner, team=rest_team, room=name)
    assert not mirror.rooms(rest_team).filter(name=name).exists()


def test_domains_refresh_replaces_rooms_and_team_info_in_one_go(domains_team, fast_sim):
    assert mirror.team_info(domains_team) is None
    assert mirror.fill(domains_team)
    truth = requests.get(
        f"{fast_sim.domains_base_url}/domains/by-name/{fast_sim.domains_team}",
        headers=fast_sim.domains_headers,
        timeout=10,
    ).json()
    info = mirror.team_info(domains_team, with_rooms=True)
    assert info is not None
    assert mirror.team_info(domains_team).rooms == []
    assert mirror.team_info(domains_team).invite_link == info.invite_link
    assert mirror.team_info(domains_team).users == info.users
    assert {r.name for r in info.rooms} == {r["name"] for r in truth["rooms"]}
    assert len(info.users) == len(truth["users"]) > 0
    assert mirror.state(domains_team).state == MirrorState.READY

    owner = make_member(domains_team, Role.OWNER)
    services.set_privacy(
        actor=owner, team=domains_team, room=info.rooms[0].name, privacy=Privacy.PUBLIC
    )
    assert mirror.rooms(domains_team).get(name=info.rooms[0].name).privacy == "public"
    services.delete_room(actor=owner, team=domains_team, room=info.rooms[1].name)
    assert not mirror.rooms(domains_team).filter(name=info.rooms[1].name).exists()

    # A room deleted at Daily directly goes at the next refresh.
    gone = info.rooms[2].name
    deleted = requests.delete(
        f"{fast_sim.domains_base_url}/domains/by-name/{fast_sim.domains_team}/room/{gone}",
        headers=fast_sim.domains_headers,
        timeout=10,
    )
    assert deleted.status_code == 200, deleted.text
    fast_sim.clear_request_counts()
    assert mirror.refresh(domains_team)
    assert sum(fast_sim.request_counts().values()) == 1  # the team-info call
    assert not mirror.rooms(domains_team).filter(name=gone).exists()
    assert mirror.rooms(domains_team).count() == len(info.rooms) - 2
    # The privacy the dashboard set stays: team info does not report it.
    assert mirror.rooms(domains_team).get(name=info.rooms[0].name).privacy == "public"


def test_request_refresh_queues_one_refresh_for_many_clicks(rest_team, queued):
    RoomMirror.objects.create(team=rest_team, state=MirrorState.READY)
    for _ in range(5):
        mirror.request_refresh(rest_team)
    assert queued == [("refresh_task", rest_team.pk)]


def test_refresh_now_during_a_stopped_first_fill_resumes_the_fill_at_once(rest_team, queued):
    RoomMirror.objects.create(team=rest_team, state=MirrorState.FILLING, walk_seen=300)
    mirror.ensure_started(rest_team)  # the page's own request: the fill debounce is taken
    assert queued == [("fill_task", rest_team.pk)]
    queued.clear()
    mirror.ensure_started(rest_team)
    assert queued == []  # the page asks again within the debounce: nothing
    mirror.request_refresh(rest_team)  # "Try again" goes past it, once
    assert queued == [("fill_task", rest_team.pk)]
    mirror.request_refresh(rest_team)
    mirror.request_refresh(rest_team)
    assert queued == [("fill_task", rest_team.pk)]


def test_ensure_started_queues_the_fill_once_and_not_while_a_worker_holds_it(rest_team, queued):
    mirror.ensure_started(rest_team)
    mirror.ensure_started(rest_team)
    assert queued == [("fill_task", rest_team.pk)]
    queued.clear()
    cache.clear()
    RoomMirror.objects.filter(team=rest_team).update(
        lease_until=timezone.now() + timedelta(minutes=1)
    )
    mirror.ensure_started(rest_team)
    assert queued == []
    # A refresh asked for before the first fill starts the fill instead.
    RoomMirror.objects.filter(team=rest_team).update(lease_until=None)
    mirror.request_refresh(rest_team)
    assert queued == [("fill_task", rest_team.pk)]


def test_the_dispatcher_queues_fills_refreshes_and_reconciles_that_are_due(
    rest_team, domains_team, queued, settings
):
    now = timezone.now()
    RoomMirror.objects.create(
        team=domains_team,
        state=MirrorState.READY,
        refreshed_at=now - timedelta(seconds=settings.ROOMS_MIRROR_REFRESH_SECONDS + 1),
        reconciled_at=now,
    )
    result = tasks.dispatch_mirror_work()
    assert result == {"fill": [rest_team.pk], "refresh": [domains_team.pk], "reconcile": []}
    assert sorted(queued) == sorted(
        [("fill_task", rest_team.pk), ("refresh_task", domains_team.pk)]
    )

    # Nothing is due a second time at once; a stale reconcile is.
    queued.clear()
    RoomMirror.objects.filter(team=domains_team).update(
        refreshed_at=now,
        reconciled_at=now - timedelta(seconds=settings.ROOMS_MIRROR_RECONCILE_SECONDS + 1),
    )
    result = tasks.dispatch_mirror_work()
    assert result == {"fill": [], "refresh": [], "reconcile": [domains_team.pk]}


def test_a_refused_token_is_not_retried_until_the_team_changes(rest_team, queued):
    RoomMirror.objects.create(
        team=rest_team,
        last_error_type="AuthError",
        last_error="refused",
        last_error_at=timezone.now() + timedelta(seconds=1),
    )
    assert tasks.dispatch_mirror_work()["fill"] == []
    mirror.ensure_started(rest_team)
    assert queued == []


def test_adding_a_team_starts_its_fill(fast_sim, queued, django_capture_on_commit_callbacks):
    admin = make_user(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        team = team_settings.create_team(
            actor=admin,
            data={
                "name": fast_sim.rest_domain,
                "slug": "added",
                "dialect": Dialect.REST,
                "base_url": fast_sim.rest_base_url,
                "time_zone": "UTC",
                "token": fast_sim.rest_token,
            },
        )
    assert queued == [("fill_task", team.pk)]


def test_the_add_team_command_starts_the_fill_and_a_move_starts_over(
    rest_team, fast_sim, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("SIM_TOKEN", fast_sim.rest_token)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "add_team",
            "cmd-team",
            "--dialect",
            "rest",
            "--base-url",
            fast_sim.rest_base_url,
            "--token-env",
            "SIM_TOKEN",
            stdout=StringIO(),
        )
    assert [name for name, _ in queued] == ["fill_task"]

    # The team pointed at another address: its old rooms are forgotten, the fill restarts.
    assert mirror.fill(rest_team)
    assert mirror.rooms(rest_team).exists()
    queued.clear()
    owner = make_member(rest_team, Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        team_settings.update_team(
            actor=owner, team=rest_team, data={"base_url": fast_sim.rest_base_url + "/"}
        )
    assert not mirror.rooms(rest_team).exists()
    assert mirror.state(rest_team).state == MirrorState.EMPTY
    assert queued == [("fill_task", rest_team.pk)]


def test_a_refused_token_is_recorded_for_the_page_and_stops_the_retries(fast_sim, queued):
    team = team_on(fast_sim, Dialect.REST, token="not-the-right-key-000000")
    with pytest.raises(AuthError):
        mirror.fill(team)
    state = mirror.state(team)
    assert state.last_error_type == "AuthError" and state.last_error
    assert state.lease_until is None
    mirror.ensure_started(team)
    assert tasks.dispatch_mirror_work()["fill"] == []
    assert queued == []
