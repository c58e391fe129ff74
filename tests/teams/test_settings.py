"""Team settings (owners): name, API, base URL, token, time zone, sync; test connection;
and adding a team. The token is write-only: never echoed, logged or audited."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from attendance.models import SyncState
from teams.models import AuditAction, AuditEvent, Dialect, Membership, Outcome, Role, Team
from tests.factories import make_team

pytestmark = pytest.mark.django_db

SECRET = "tok-RECOGNISABLE-7f3a9c2e1b"


def _form(team: Team, **changes) -> dict:
    data = {
        "name": team.name,
        "dialect": team.dialect,
        "base_url": team.base_url,
        "token": "",
        "time_zone": team.time_zone,
        "sync_enabled": "on" if team.sync_enabled else "",
        "sync_interval": team.sync_interval,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _settings_url(team: Team) -> str:
    return reverse("teams:settings", args=[team.slug])


def test_the_settings_page_shows_the_token_masked_and_never_prefills_it(login):
    team = make_team(token="sk-live-abcdefghijklmnop")
    body = login(team, Role.OWNER).get(_settings_url(team)).content.decode()
    assert "••••••••mnop" in body
    assert "abcdefghijkl" not in body
    assert 'type="password" name="token"' in body and 'name="token" value' not in body


def test_replacing_the_token_stores_it_and_shows_only_the_new_mask(login):
    team = make_team(token="sk-old-token-000000")
    owner = login(team, Role.OWNER)
    response = owner.post(
        _settings_url(team), _form(team, token="sk-new-token-123456"), follow=True
    )
    body = response.content.decode()
    assert "Saved: API token." in body
    assert "••••••••3456" in body and "sk-new-token" not in body
    team.refresh_from_db()
    assert team.get_token() == "sk-new-token-123456"
    event = AuditEvent.objects.get(action=AuditAction.CREDENTIALS_CHANGE)
    assert event.outcome == Outcome.OK and event.message == "API token replaced"


def test_an_empty_token_keeps_the_current_one(login):
    team = make_team(token="sk-keep-me-please-1")
    owner = login(team, Role.OWNER)
    response = owner.post(_settings_url(team), _form(team, time_zone="Europe/Berlin"), follow=True)
    assert "Saved: time zone." in response.content.decode()
    team.refresh_from_db()
    assert team.get_token() == "sk-keep-me-please-1"
    assert team.time_zone == "Europe/Berlin"
    assert not AuditEvent.objects.filter(action=AuditAction.CREDENTIALS_CHANGE).exists()


def test_saving_without_a_change_says_nothing_changed(login):
    team = make_team()
    response = login(team, Role.OWNER).post(_settings_url(team), _form(team), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_bad_time_zone_gets_a_message_and_changes_nothing(login):
    team = make_team(time_zone="UTC")
    response = login(team, Role.OWNER).post(
        _settings_url(team), _form(team, time_zone="Mars/Olympus")
    )
    assert response.status_code == 200
    assert "“Mars/Olympus” is not a time zone." in response.content.decode()
    team.refresh_from_db()
    assert team.time_zone == "UTC"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("base_url", "https://user:pw@api.example.test/v1", "no user name, password"),
        ("base_url", "ftp://api.example.test/", "Use an http or https URL."),
        ("name", "not a name!", "letters, digits and dashes"),
        ("sync_interval", "5", "greater than or equal to 30"),
        ("token", "has spaces in it", "spaces or characters"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(login, field, value, message):
    team = make_team()
    before = Team.objects.values().get(pk=team.pk)
    response = login(team, Role.OWNER).post(_settings_url(team), _form(team, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Team.objects.values().get(pk=team.pk) == before


def test_changing_the_api_and_base_url_is_audited_with_what_changed(login):
    team = make_team(dialect=Dialect.REST, base_url="https://api.daily.co/v1")
    owner = login(team, Role.OWNER)
    # A new host and API: the token must come with them (tests/security/test_api_hosts.py).
    owner.post(
        _settings_url(team),
        _form(team, dialect="domains", base_url="https://prod-ks.pluot.blue/", token=SECRET),
    )
    team.refresh_from_db()
    assert team.dialect == Dialect.DOMAINS and team.base_url == "https://prod-ks.pluot.blue/"
    event = AuditEvent.objects.get(action=AuditAction.TEAM_UPDATE)
    assert "dialect: rest → domains" in event.message
    assert "base url: https://api.daily.co/v1 → https://prod-ks.pluot.blue/" in event.message


def test_a_new_token_lets_a_sync_blocked_by_a_bad_token_try_again(login):
    team = make_team()
    SyncState.objects.create(team=team, blocked_by_auth=True)
    login(team, Role.OWNER).post(_settings_url(team), _form(team, token="sk-fixed-token-0001"))
    assert not SyncState.objects.get(team=team).blocked_by_auth


def test_the_token_appears_in_no_page_no_audit_event_and_no_log(login, caplog, sim):
    caplog.set_level(logging.DEBUG)
    team = make_team(
        sim.domains_team,
        dialect=Dialect.DOMAINS,
        base_url=sim.domains_base_url,
        token=sim.domains_token,
    )
    owner = login(team, Role.OWNER)
    bodies = []
    # Rejected with another field's error: the form comes back, without the token.
    bodies.append(owner.post(_settings_url(team), _form(team, token=SECRET, time_zone="Nope/Nope")))
    bodies.append(
        owner.post(_settings_url(team), _form(team, token=SECRET, name="demo-team"), follow=True)
    )
    team.refresh_from_db()
    assert team.get_token() == SECRET  # it was stored...
    # ...and Daily refuses it: the failure path must not leak it either.
    bodies.append(owner.post(reverse("teams:test_connection", args=[team.slug])))
    for name in (
        "teams:settings",
        "dashboard:overview",
        "dashboard:users",
        "teams:audit",
        "teams:audit_export",
    ):
        bodies.append(owner.get(reverse(name, args=[team.slug])))
    for response in bodies:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in content
        assert SECRET[-12:].encode() not in content
    for event in AuditEvent.objects.all():
        assert SECRET not in " ".join(str(v) for v in event.__dict__.values())
    assert AuditEvent.objects.filter(action=AuditAction.CREDENTIALS_CHANGE).exists()
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)


def test_test_connection_reports_what_a_domains_team_answered(domains_team, login):
    response = login(domains_team, Role.OWNER).post(
        reverse("teams:test_connection", args=[domains_team.slug]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Connected. Daily answered for team demo-team: 40 rooms, 25 users" in body
    assert "<html" not in body  # htmx gets the result partial only
    assert not AuditEvent.objects.exists()  # read-only: nothing to audit


def test_test_connection_reports_what_a_rest_domain_answered(rest_team, login):
    body = (
        login(rest_team, Role.OWNER)
        .post(reverse("teams:test_connection", args=[rest_team.slug]))
        .content.decode()
    )
    assert "Connected. Daily answered for domain demo-rest:" in body
    assert "<html" in body  # without htmx: the whole settings page with the result


def test_test_connection_with_a_bad_token_says_to_check_the_token(domains_team, login):
    domains_team.set_token("sk-wrong-token-000")
    domains_team.save()
    body = (
        login(domains_team, Role.OWNER)
        .post(reverse("teams:test_connection", args=[domains_team.slug]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Authentication failed" in body and "Check the token" in body


def test_test_connection_to_nowhere_says_it_could_not_reach_it(login):
    team = make_team(base_url="http://127.0.0.1:9/v1")  # the discard port: refused at once
    body = (
        login(team, Role.OWNER)
        .post(reverse("teams:test_connection", args=[team.slug]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "The Daily API at http://127.0.0.1:9/v1 could not be reached." in body


def test_a_superuser_adds_a_team_and_becomes_its_owner(client, django_user_model, monkeypatch):
    # Daily's own API is not reached from the tests: its answer is taken as a yes here
    # (tests/teams/test_team_connect.py tries tokens against the simulator).
    from teams.services import team_settings

    monkeypatch.setattr(team_settings, "_try_token", lambda team: None)
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    response = client.post(
        reverse("team_create"),
        {
            "name": "Acme-Video",
            "dialect": "rest",
            "base_url": "",
            "token": SECRET,
            "time_zone": "Europe/Paris",
        },
    )
    team = Team.objects.get(slug="acme-video")
    assert response["Location"] == reverse("teams:settings", args=[team.slug])
    assert team.base_url == "https://api.daily.co/v1" and team.get_token() == SECRET
    assert Membership.objects.get(team=team, user=root).role == Role.OWNER
    event = AuditEvent.objects.get(action=AuditAction.TEAM_CREATE)
    assert event.team == team and SECRET not in event.message


def test_adding_a_team_with_a_taken_address_or_no_token_explains(client, django_user_model):
    make_team("acme")
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    response = client.post(
        reverse("team_create"), {"name": "acme", "dialect": "rest", "time_zone": "UTC"}
    )
    body = response.content.decode()
    assert "A team already uses the address acme." in body
    assert "This field is required." in body
    assert Team.objects.count() == 1
