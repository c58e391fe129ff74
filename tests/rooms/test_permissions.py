"""The role matrix, for every rooms URL: owner, admin, manager, another team's member and
a logged-out visitor, with each method the URL answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from teams.models import Role
from tests.factories import make_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]

VIEW, MANAGE = "view", "manage"
# (url name, room or None, methods, permission)
URLS = [
    ("list", None, ("GET",), VIEW),
    ("create", None, ("GET", "POST"), MANAGE),
    ("token", None, ("GET", "POST"), MANAGE),
    ("bulk-preview", None, ("POST",), MANAGE),
    ("bulk-start", None, ("POST",), MANAGE),
    ("detail", "standup", ("GET",), VIEW),
    ("row", "standup", ("GET",), VIEW),
    ("embed", "standup", ("GET",), VIEW),
    ("presence", "standup", ("GET",), VIEW),
    ("privacy", "standup", ("POST",), MANAGE),
    ("properties", "standup", ("GET", "POST"), MANAGE),
    ("delete", "standup", ("GET", "POST"), MANAGE),
    ("eject", "standup", ("POST",), MANAGE),
]
CASES = [(name, room, method, perm) for name, room, methods, perm in URLS for method in methods]


def _url(team, name, room):
    args = [team.slug] if room is None else [team.slug, room]
    return reverse(f"rooms:{name}", args=args)


def _send(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, {})


@pytest.mark.parametrize(("name", "room", "method", "perm"), CASES)
def test_a_logged_out_visitor_is_sent_to_login(rest_team, name, room, method, perm):
    response = _send(Client(), method, _url(rest_team, name, room))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "room", "method", "perm"), CASES)
def test_another_teams_member_gets_404(rest_team, login, name, room, method, perm):
    stranger = login(make_team("elsewhere"), Role.OWNER)
    assert _send(stranger, method, _url(rest_team, name, room)).status_code == 404


@pytest.mark.parametrize(("name", "room", "method", "perm"), CASES)
def test_a_manager_may_look_but_not_change(rest_team, login, name, room, method, perm):
    response = _send(login(rest_team, Role.MANAGER), method, _url(rest_team, name, room))
    if perm == VIEW:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
@pytest.mark.parametrize(("name", "room", "method", "perm"), CASES)
def test_owners_and_admins_may_use_every_rooms_url(
    rest_team, login, role, name, room, method, perm
):
    response = _send(login(rest_team, role), method, _url(rest_team, name, room))
    assert response.status_code in (200, 302), response.content[:500]
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("login"))


def test_a_room_name_that_breaks_daily_rules_is_404(rest_team, login):
    client = login(rest_team, Role.OWNER)
    for bad in ("..", "a.b", "x%2Fy", "%3Cscript%3E", "a" * 129):
        url = reverse("rooms:list", args=[rest_team.slug]) + f"r/{bad}/"
        assert client.get(url).status_code == 404, bad
        assert client.post(url + "privacy/", {"privacy": "public"}).status_code == 404, bad


def test_a_room_that_does_not_exist_is_404(rest_team, login):
    client = login(rest_team, Role.OWNER)
    assert client.get(_url(rest_team, "detail", "no-such-room")).status_code == 404


def test_the_domains_35_character_rule_applies_to_urls(domains_team, login):
    client = login(domains_team, Role.OWNER)
    too_long = "x" * (36 - len(domains_team.name))
    assert client.get(_url(domains_team, "detail", too_long)).status_code == 404
