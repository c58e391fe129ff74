"""The rooms table is cached (rooms.views.table): never stale after a change made here, and
never with another viewer's controls or CSRF token."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from daily import Privacy, Room
from rooms import listing, services
from rooms.views.table import RoomsTable
from teams.models import Role, Team
from tests.factories import make_team
from tests.rooms.conftest import HTMX, serve_rooms

pytestmark = pytest.mark.django_db

ROW_TOKEN = re.compile(
    r'<form class="privacy-form"[^>]*>\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">'
)


def _room(name: str, privacy: Privacy = Privacy.PUBLIC, created_at: datetime | None = None):
    return Room(name=name, privacy=privacy, url=f"https://x.daily.co/{name}", created_at=created_at)


@pytest.fixture
def team(monkeypatch) -> Team:
    """A team whose room list is `team.rooms` (no Daily behind it)."""
    team = make_team("cached", time_zone="Europe/Paris")
    team.rooms = [_room("standup"), _room("retro", Privacy.PRIVATE)]  # type: ignore[attr-defined]
    serve_rooms(monkeypatch, lambda _team: team.rooms)
    return team


@pytest.fixture
def renders(monkeypatch) -> list[RoomsTable]:
    """Every table rendered (rather than served from the cache)."""
    made: list[RoomsTable] = []
    render = RoomsTable.render

    def counting(table, rooms):
        made.append(table)
        return render(table, rooms)

    monkeypatch.setattr(RoomsTable, "render", counting)
    return made


def _list(client: Client, team: Team, **params: str) -> str:
    response = client.get(reverse("rooms:list", args=[team.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def _table(body: str) -> str:
    return body[body.index('<div id="rooms-table"') :]


def test_a_table_is_rendered_once_and_then_served_from_the_cache(team, login, renders):
    client = login(team, Role.OWNER)
    first = _list(client, team)
    assert _list(client, team, page="1").count("standup") == first.count("standup")
    assert client.get(reverse("rooms:list", args=[team.slug]), **HTMX).status_code == 200
    _list(login(team, Role.ADMIN), team)  # the same permissions: the same table
    assert len(renders) == 1
    services.invalidate(team)  # what every mutation does
    _list(client, team)
    assert len(renders) == 2


def test_a_searched_table_is_not_cached(team, login, renders):
    client = login(team, Role.OWNER)
    _list(client, team, q="stand")
    _list(client, team, q="stand")
    assert len(renders) == 2


def test_a_cached_table_is_not_served_after_a_privacy_change(rest_team, login):
    owner, admin = login(rest_team, Role.OWNER), login(rest_team, Role.ADMIN)
    selected = re.compile(r'"Privacy of standup">.*?<option value="(\w+)" selected', re.DOTALL)
    before = selected.search(_list(owner, rest_team)).group(1)
    after = "private" if before == "public" else "public"
    url = reverse("rooms:privacy", args=[rest_team.slug, "standup"])
    assert admin.post(url, {"privacy": after}, **HTMX).status_code == 200
    assert selected.search(_list(owner, rest_team)).group(1) == after


def test_a_cached_table_is_not_served_after_a_delete(rest_team, login):
    owner, admin = login(rest_team, Role.OWNER), login(rest_team, Role.ADMIN)
    assert ">retro</a>" in _list(owner, rest_team)
    admin.post(reverse("rooms:delete", args=[rest_team.slug, "retro"]), **HTMX)
    assert ">retro</a>" not in _list(owner, rest_team)


@pytest.mark.parametrize("first", [Role.OWNER, Role.MANAGER])
def test_a_manager_never_gets_an_admins_controls_nor_the_reverse(team, login, first, renders):
    second = Role.MANAGER if first is Role.OWNER else Role.OWNER
    bodies = {role: _list(login(team, role), team) for role in (first, second)}
    assert len(renders) == 2
    owner, manager = (_table(bodies[role]) for role in (Role.OWNER, Role.MANAGER))
    assert 'name="privacy"' in owner and ">Delete</a>" in owner and 'form="bulk-form"' in owner
    assert "standup" in manager and "retro" in manager
    assert 'name="privacy"' not in manager and "Delete" not in manager
    assert 'form="bulk-form"' not in manager and "csrfmiddlewaretoken" not in manager


def test_each_viewer_gets_a_working_csrf_token_of_their_own(rest_team, login, renders):
    first, second = login(rest_team, Role.OWNER), login(rest_team, Role.ADMIN)
    tokens = {}
    for client in (first, second):  # the first renders the table, the second gets it cached
        client.handler.enforce_csrf_checks = True
        body = _list(client, rest_team)
        tokens[client] = set(ROW_TOKEN.findall(body))
        assert len(tokens[client]) == 1 and "stand-in" not in body
    assert len(renders) == 1
    url = reverse("rooms:privacy", args=[rest_team.slug, "standup"])
    (theirs,), (own,) = tokens[first], tokens[second]
    # The form works without JavaScript, a plain POST: with the viewer's token only.
    assert (
        second.post(url, {"privacy": "private", "csrfmiddlewaretoken": theirs}).status_code == 403
    )
    assert second.post(url, {"privacy": "private", "csrfmiddlewaretoken": own}).status_code == 302


WEIRD = ["a b", "x&y", '<i>"quoted"', "l'été", "100%", "what?#no", "semi;colon", "@:~+="]


def test_room_names_are_quoted_as_reverse_quotes_them_and_escaped(team, login):
    team.rooms = [_room(name) for name in WEIRD]
    body = _list(login(team, Role.OWNER), team)
    for name in WEIRD:
        detail, privacy, delete = (
            escape(reverse(view, args=[team.slug, name]))
            for view in ("rooms:detail", "rooms:privacy", "rooms:delete")
        )
        assert f'<a href="{detail}">{escape(name)}</a>' in body
        assert f'action="{privacy}"' in body and f'hx-post="{privacy}"' in body
        assert f'href="{delete}"' in body and f'hx-get="{delete}"' in body
        assert f'value="{escape(name)}"' in body
    assert "<i>" not in body


def test_a_slash_in_a_room_name_cannot_add_a_path_segment(team, login):
    team.rooms = [_room("up/../down")]
    body = _list(login(team, Role.MANAGER), team)
    detail = reverse("rooms:list", args=[team.slug]) + "r/up%2F..%2Fdown/"
    assert f'<a href="{detail}">up/../down</a>' in body


def test_creation_times_follow_the_teams_time_zone(team, login):
    team.rooms = [_room("standup", created_at=datetime(2025, 1, 1, 12, 0, tzinfo=UTC))]
    client = login(team, Role.MANAGER)
    assert "1 Jan 2025, 13:00" in _list(client, team)
    # Even when the change does not go through Team.save() (which starts a new cache).
    Team.objects.filter(pk=team.pk).update(time_zone="America/New_York")
    body = _list(client, team)
    assert '<time datetime="2025-01-01T07:00:00-05:00">1 Jan 2025, 07:00</time>' in body


def test_nothing_is_cached_when_the_rooms_are_not(team, login, settings, renders):
    settings.DAILY_ROOMS_CACHE_SECONDS = 0
    client = login(team, Role.OWNER)
    assert "standup" in _list(client, team)
    team.rooms = [_room("next")]
    assert "next" in _list(client, team)
    assert len(renders) == 2


def test_links_keep_the_search_and_the_sort(login, monkeypatch):
    team = make_team("many")
    rooms = [_room(f"r{i:03}") for i in range(120)]
    serve_rooms(monkeypatch, lambda _team: rooms)
    client = login(team, Role.MANAGER)
    body = _list(client, team, q="R", sort="-name", page="2", unknown="dropped")
    assert 'href="?q=R&amp;sort=-name&amp;page=1"' in body
    assert 'href="?q=R&amp;sort=-name&amp;page=3"' in body
    assert 'href="?q=R&amp;sort=name"' in body  # Name, the other way round, from page 1
    assert "dropped" not in body
    body = _list(client, team)
    assert 'href="?page=2"' in body and 'href="?sort=-name"' in body


def test_a_value_made_from_the_rooms_is_cached_until_its_time():
    team = make_team("until")
    made = []

    def compute(expires: float):
        made.append(expires)
        return f"value {len(made)}", expires

    later = time.time() + 60
    assert services.cached_until(team, "x", lambda: compute(later)) == "value 1"
    assert services.cached_until(team, "x", lambda: compute(later)) == "value 1"
    services.invalidate(team)
    assert services.cached_until(team, "x", lambda: compute(time.time() - 1)) == "value 2"
    assert services.cached_until(team, "x", lambda: compute(later)) == "value 3"


def test_the_listed_rooms_expire_with_dailys_answer_they_are_made_from(monkeypatch, settings):
    """The light copy of the list (and so a table made from it) is kept until the answer
    it was made from expires, not for a cache period counted from its own making."""
    settings.DAILY_ROOMS_CACHE_SECONDS = 60
    team = make_team("expiring")
    clock = [1_000_000.0]
    monkeypatch.setattr(services, "time", SimpleNamespace(time=lambda: clock[0]))
    calls = []

    def fetch(team, call):
        calls.append(1)
        return [_room("standup")]

    monkeypatch.setattr(services, "_fetch", fetch)
    services.get_rooms(team)  # Daily answered at 1,000,000: kept until 1,000,060
    clock[0] += 50
    assert listing.listed_rooms(team).expires == 1_000_060
    assert calls == [1]
