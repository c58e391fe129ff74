"""Connecting a Daily team from the dashboard: who may (TEAM_CONNECT_ALLOWED), the token
tried against Daily with one call before anything is saved, the person who connected it
as the owner, and every refusal a clear form error with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import AuditAction, AuditEvent, Membership, Outcome, Role, Team
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/teams/new/"


@pytest.fixture
def people():
    return {
        "plain": make_user("plain"),
        "staff": make_user("staffer", is_staff=True),
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }


@pytest.mark.parametrize(
    ("setting", "allowed"),
    [
        ("superusers", {"superuser"}),
        ("staff", {"staff", "superuser"}),
        ("everyone", {"plain", "staff", "superuser"}),
    ],
)
def test_who_may_connect_a_team_follows_the_setting(client, settings, people, setting, allowed):
    settings.TEAM_CONNECT_ALLOWED = setting
    assert reverse("team_create") == URL
    for who, user in people.items():
        client.force_login(user)
        page = client.get(URL)
        assert page.status_code == (200 if who in allowed else 403), (setting, who)
        assert client.post(URL, {}).status_code == (200 if who in allowed else 403)
        home = client.get(reverse("home")).content.decode()
        assert (URL in home) == (who in allowed), (setting, who)  # the link, where it works
    client.logout()
    assert client.get(URL).status_code == 302  # logged out: to the login page
    assert not Team.objects.exists()


def _connect(client, sim, **changes):
    data = {
        "name": sim.rest_domain,
        "dialect": "rest",
        "base_url": sim.rest_base_url,
        "token": sim.rest_token,
        "time_zone": "Europe/Paris",
        **changes,
    }
    sim.clear_request_counts()
    return client.post(URL, data)


def test_anyone_allowed_connects_a_team_with_one_call_and_owns_it(client, settings, sim):
    settings.TEAM_CONNECT_ALLOWED = "everyone"
    user = make_user("newcomer")
    client.force_login(user)
    response = _connect(client, sim, slug="ours")
    team = Team.objects.get(slug="ours")
    assert response["Location"] == reverse("teams:settings", args=["ours"])
    assert sum(sim.request_counts().values()) == 1  # the token, tried once
    assert team.get_token() == sim.rest_token and team.time_zone == "Europe/Paris"
    assert Membership.objects.get(team=team).user == user
    assert Membership.objects.get(team=team).role == Role.OWNER
    event = AuditEvent.objects.get(action=AuditAction.TEAM_CREATE)
    assert (event.team, event.actor, event.outcome) == (team, user, Outcome.OK)
    assert sim.rest_token not in event.message
    assert client.get(reverse("teams:settings", args=["ours"])).status_code == 200


def test_a_domains_team_is_tried_by_its_info(client, people, sim):
    client.force_login(people["superuser"])
    response = _connect(
        client,
        sim,
        name=sim.domains_team,
        dialect="domains",
        base_url=sim.domains_base_url,
        token=sim.domains_token,
    )
    assert response.status_code == 302
    assert Team.objects.get().dialect == "domains"
    assert sum(sim.request_counts().values()) == 1


def _refused(response, field: str) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert not Team.objects.exists() and not Membership.objects.exists()
    return errors[field][0]


def test_a_bad_token_is_a_clear_error_on_the_token_and_nothing_is_saved(client, people, sim):
    client.force_login(people["superuser"])
    bad = "not-the-right-token-0123456789"
    response = _connect(client, sim, token=bad)
    message = _refused(response, "token")
    assert message.startswith("Daily refused this API token.")
    assert bad not in response.content.decode()  # the token is never shown again
    event = AuditEvent.objects.get(action=AuditAction.TEAM_CREATE)
    assert (event.team, event.outcome, event.error_type) == (None, Outcome.FAILED, "AuthError")
    assert bad not in event.message and sim.rest_domain in event.message


def test_a_host_the_operator_did_not_allow_is_refused_before_any_call(client, people, sim):
    client.force_login(people["superuser"])
    response = _connect(client, sim, base_url="https://evil.example.com/v1")
    message = _refused(response, "base_url")
    assert message.startswith("This host is not one of the allowed API hosts: ")
    assert "(DAILY_API_HOSTS)" in message
    assert sum(sim.request_counts().values()) == 0  # the token went nowhere


def test_a_token_of_another_domain_is_an_error_on_the_name(client, people, sim):
    client.force_login(people["superuser"])
    message = _refused(_connect(client, sim, name="someone-else"), "name")
    assert message == (
        f"This token belongs to the Daily domain “{sim.rest_domain}”: enter that name."
    )


def test_daily_unreachable_says_so_and_saves_nothing(client, people, sim):
    client.force_login(people["superuser"])
    sim.faults(p_drop=1.0)
    response = _connect(client, sim)
    assert response.status_code == 200
    (message,) = response.context["form"].non_field_errors()
    assert "could not be reached" in message and "enter the token again" in message
    assert not Team.objects.exists()
