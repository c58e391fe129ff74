"""The overview's stat cards link to the page that lists what each counts, and only to a
page the person seeing the card may open; the meetings card counts what its report lists."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from attendance.models import Meeting
from dashboard.views import overview as overview_views
from teams.models import Role
from teams.permissions import ROLE_PERMISSIONS, Permission
from tests.dashboard.conftest import HTMX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]

CARD_LINK = re.compile(r'<a class="stat-link" href="([^"]+)">\s*<span class="stat-label">([^<]+)<')
# What each card lists: its label -> the URL name of the page it opens.
OPENS = {
    "Rooms": "rooms:list",
    "Users": "dashboard:users",
    "People known": "dashboard:users",
    "Live now": "attendance:meetings",
    "Meetings": "attendance:meetings",
}


def _cards(client, team) -> dict[str, str]:
    body = client.get(reverse("dashboard:overview", args=[team.slug])).content.decode()
    cards = {label: href.replace("&amp;", "&") for href, label in CARD_LINK.findall(body)}
    if "live-now" in body and team.dialect == "rest":  # the tile drawn apart from the page
        live = client.get(reverse("dashboard:overview_live", args=[team.slug]), **HTMX)
        cards.update(
            (label, href.replace("&amp;", "&"))
            for href, label in CARD_LINK.findall(live.content.decode())
        )
    return cards


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("team_fixture", ["rest_team", "domains_team"])
def test_every_card_opens_the_page_that_lists_it_for_each_role(request, team_fixture, role, login):
    team = request.getfixturevalue(team_fixture)
    client = login(team, role)
    cards = _cards(client, team)
    people = "Users" if team_fixture == "domains_team" else "People known"
    assert set(cards) == {"Rooms", people, "Live now", "Meetings"}
    for label, href in cards.items():
        match = resolve(urlsplit(href).path)
        assert f"{match.namespace}:{match.url_name}" == OPENS[label]
        assert match.kwargs["team_slug"] == team.slug
        response = client.get(href)
        assert response.status_code == 200, (role, label, href)


def test_a_role_without_the_permission_gets_no_link(rest_team, monkeypatch):
    """Were managers not allowed attendance, their meetings cards would be no links."""
    fewer = {
        **ROLE_PERMISSIONS,
        Role.MANAGER: ROLE_PERMISSIONS[Role.MANAGER] - {Permission.VIEW_ATTENDANCE},
    }
    monkeypatch.setattr("teams.permissions.ROLE_PERMISSIONS", fewer)
    links = overview_views.card_links(rest_team, Role.MANAGER)
    assert links["meetings"] == links["live"] == ""
    assert links["rooms"] and links["users"]


def test_the_meetings_card_counts_what_its_report_lists(domains_team, login):
    now = timezone.now()
    today = now.astimezone(domains_team.tz).date()
    for days in (0, 2, 6, 7, 9):  # in the team's days: today and six before, then older
        start = timezone.make_aware(
            timezone.datetime.combine(today - timedelta(days=days), timezone.datetime.min.time())
            + timedelta(hours=1),
            domains_team.tz,
        )
        if start > now:
            start = now - timedelta(minutes=1)
        Meeting.objects.create(team=domains_team, key=f"m{days}", room="standup", start=start)
    client = login(domains_team, Role.MANAGER)
    response = client.get(reverse("dashboard:overview", args=[domains_team.slug]))
    assert response.context["overview"].meetings_7d == 3
    href = _cards(client, domains_team)["Meetings"]
    query = parse_qs(urlsplit(href).query)
    assert query == {
        "from": [(today - timedelta(days=6)).isoformat()],
        "to": [today.isoformat()],
    }
    report = client.get(href)
    assert report.context["page"].paginator.count == 3
