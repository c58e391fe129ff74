"""Room names in URLs: a name Daily would refuse, or a room that does not exist, is 404.
(Who may use each rooms URL is the role matrix's: tests/security/test_access_matrix.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _url(team, name, room):
    args = [team.slug] if room is None else [team.slug, room]
    return reverse(f"rooms:{name}", args=args)


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
