"""The rows of the rooms list: links quoted as `reverse` quotes them, names escaped, times
in the team's time zone, and the search and sort kept by every link."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from daily import Privacy, Room
from teams.models import Role, Team
from tests.factories import make_team
from tests.rooms.conftest import HTMX
from tests.rooms.helpers import fill_from_daily, mirror_rooms

pytestmark = pytest.mark.django_db

WEIRD = ["a b", "x&y", '<i>"quoted"', "l'été", "100%", "what?#no", "semi;colon", "@:~+="]


def _room(name: str, privacy: Privacy = Privacy.PUBLIC, created_at: datetime | None = None):
    return Room(name=name, privacy=privacy, url=f"https://x.daily.co/{name}", created_at=created_at)


def _list(client: Client, team: Team, **params: str) -> str:
    response = client.get(reverse("rooms:list", args=[team.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def _table(body: str) -> str:
    return body[body.index('<div id="rooms-table"') :]


def test_room_names_are_quoted_as_reverse_quotes_them_and_escaped(login):
    team = make_team("weird")
    mirror_rooms(team, [_room(name) for name in WEIRD])
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


def test_a_slash_in_a_room_name_cannot_add_a_path_segment(login):
    team = make_team("slashes")
    mirror_rooms(team, [_room("up/../down")])
    body = _list(login(team, Role.MANAGER), team)
    detail = reverse("rooms:list", args=[team.slug]) + "r/up%2F..%2Fdown/"
    assert f'<a href="{detail}">up/../down</a>' in body


def test_creation_times_follow_the_teams_time_zone(login):
    team = make_team("zoned", time_zone="Europe/Paris")
    mirror_rooms(team, [_room("standup", created_at=datetime(2025, 1, 1, 12, 0, tzinfo=UTC))])
    client = login(team, Role.MANAGER)
    assert "1 Jan 2025, 13:00" in _list(client, team)
    Team.objects.filter(pk=team.pk).update(time_zone="America/New_York")
    body = _list(client, team)
    assert '<time datetime="2025-01-01T07:00:00-05:00">1 Jan 2025, 07:00</time>' in body


def test_links_keep_the_search_and_the_sort(login):
    team = make_team("many")
    mirror_rooms(team, [_room(f"r{i:03}") for i in range(120)])
    client = login(team, Role.MANAGER)
    body = _list(client, team, q="R", sort="-name", page="2", unknown="dropped")
    assert 'href="?q=R&amp;sort=-name&amp;page=1"' in body
    assert 'href="?q=R&amp;sort=-name&amp;page=3"' in body
    assert 'href="?q=R&amp;sort=name"' in body  # Name, the other way round, from page 1
    # No link of the list carries the unknown parameter on (the language switcher's
    # "next" returns to the very address asked for, which is not a link of the list).
    assert [href for href in re.findall(r'href="([^"]*)"', body) if "dropped" in href] == []
    body = _list(client, team)
    assert 'href="?page=2"' in body and 'href="?sort=-name"' in body


def test_a_manager_never_gets_an_admins_controls(login):
    team = make_team("controls")
    mirror_rooms(team, [_room("standup"), _room("retro", Privacy.PRIVATE)])
    owner = _table(_list(login(team, Role.OWNER), team))
    manager = _table(_list(login(team, Role.MANAGER), team))
    assert 'name="privacy"' in owner and ">Delete</a>" in owner and 'form="bulk-form"' in owner
    assert "standup" in manager and "retro" in manager
    assert 'name="privacy"' not in manager and "Delete" not in manager
    assert 'form="bulk-form"' not in manager


def test_a_change_made_here_shows_in_the_list_at_once(rest_team, login):
    fill_from_daily(rest_team)
    owner, admin = login(rest_team, Role.OWNER), login(rest_team, Role.ADMIN)
    assert ">retro</a>" in _list(owner, rest_team)
    response = admin.post(reverse("rooms:delete", args=[rest_team.slug, "retro"]), **HTMX)
    assert response.status_code == 200
    assert ">retro</a>" not in _list(owner, rest_team)
