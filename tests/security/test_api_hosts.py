"""No owner can send a team's token elsewhere: the allowed API hosts (DAILY_API_HOSTS) are
enforced for every base URL (the settings forms, `add_team`, stored teams at request time)
and at connect time, after DNS resolution. A new host or API needs the token again.

The whole suite lists loopback (pyproject.toml); these tests set Daily's own list. Nothing
here reaches beyond loopback: names are made to resolve by replacing getaddrinfo for them
alone, and a refused host is refused before requests' adapter is even asked to send."""

from __future__ import annotations

import io
import socket

import pytest
import requests
from django.core.management import CommandError, call_command
from django.urls import reverse

from daily import HostNotAllowed
from teams.daily_client import client_for
from teams.forms import TOKEN_AGAIN
from teams.models import AuditAction, AuditEvent, Dialect, Role, Team
from tests.factories import make_team, make_user, team_on

pytestmark = pytest.mark.django_db

DAILY_ONLY = ["api.daily.co", "prod-ks.pluot.blue"]
# The review's reproductions: metadata service, private ranges, a local Redis.
REFUSED = [
    "http://169.254.169.254/",
    "http://10.0.0.1/v1",
    "http://localhost:6379/",
    "http://192.168.1.1/",
]
TOKEN = "sk-hosts-RECOGNISABLE-0123456789"
NOT_LISTED = "not one of the allowed API hosts"


@pytest.fixture(autouse=True)
def daily_only(settings):
    settings.DAILY_API_HOSTS = list(DAILY_ONLY)
    return settings


@pytest.fixture
def sends(monkeypatch) -> list[str]:
    """Every request that reaches requests' transport adapter (i.e. would connect)."""
    seen: list[str] = []
    real = requests.adapters.HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        seen.append(request.url)
        return real(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return seen


def _form(team: Team, **changes) -> dict:
    data = {
        "name": team.name,
        "dialect": team.dialect,
        "base_url": team.base_url,
        "time_zone": team.time_zone,
        "sync_enabled": "on",
        "sync_interval": team.sync_interval,
    }
    data.update(changes)
    return data


def _settings(login, team: Team, **changes):
    owner = login(team, Role.OWNER)
    return owner.post(reverse("teams:settings", args=[team.slug]), _form(team, **changes))


# -- where a base URL comes in -------------------------------------------------------------


@pytest.mark.parametrize("url", REFUSED)
def test_the_settings_form_refuses_a_host_that_is_not_listed(login, url, sends):
    team = make_team(base_url="https://api.daily.co/v1", token=TOKEN)
    response = _settings(login, team, base_url=url, token="sk-new-token-0123456789")
    assert response.status_code == 200
    body = response.content.decode()
    assert NOT_LISTED in body and "api.daily.co, prod-ks.pluot.blue" in body
    team.refresh_from_db()
    assert team.base_url == "https://api.daily.co/v1" and team.get_token() == TOKEN
    assert not AuditEvent.objects.filter(action=AuditAction.TEAM_UPDATE).exists()
    assert sends == []


@pytest.mark.parametrize("url", REFUSED)
def test_the_new_team_form_refuses_a_host_that_is_not_listed(client, url):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        reverse("team_create"),
        {"name": "acme", "dialect": "rest", "base_url": url, "token": TOKEN, "time_zone": "UTC"},
    )
    assert response.status_code == 200 and NOT_LISTED in response.content.decode()
    assert not Team.objects.exists()


def test_the_new_team_form_refuses_dailys_default_when_the_operator_left_it_out(client, daily_only):
    daily_only.DAILY_API_HOSTS = ["prod-ks.pluot.blue"]
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("team_create"),
        {"name": "acme", "dialect": "rest", "base_url": "", "token": TOKEN, "time_zone": "UTC"},
    )
    assert response.status_code == 200 and NOT_LISTED in response.content.decode()
    assert not Team.objects.exists()


@pytest.mark.parametrize("url", REFUSED)
def test_add_team_refuses_a_host_that_is_not_listed(monkeypatch, url):
    monkeypatch.setenv("HOSTS_TEST_TOKEN", TOKEN)
    with pytest.raises(CommandError, match=NOT_LISTED):
        call_command(
            "add_team", "acme", "--dialect", "rest", "--base-url", url,
            "--token-env", "HOSTS_TEST_TOKEN", stdout=io.StringIO(),
        )  # fmt: skip
    assert not Team.objects.exists()


def test_an_explicitly_listed_address_is_accepted_by_the_form_and_add_team(
    login, monkeypatch, daily_only
):
    daily_only.DAILY_API_HOSTS = [*DAILY_ONLY, "127.0.0.1:8765"]
    team = make_team(base_url="https://api.daily.co/v1", token=TOKEN)
    response = _settings(login, team, base_url="http://127.0.0.1:8765/v1", token=TOKEN + "x")
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.base_url == "http://127.0.0.1:8765/v1"
    # Another port of the same address is another host.
    response = _settings(login, team, base_url="http://127.0.0.1:6379/", token=TOKEN)
    assert response.status_code == 200 and NOT_LISTED in response.content.decode()

    monkeypatch.setenv("HOSTS_TEST_TOKEN", TOKEN)
    call_command(
        "add_team", "sim", "--dialect", "rest", "--base-url", "http://127.0.0.1:8765/v1",
        "--token-env", "HOSTS_TEST_TOKEN", stdout=io.StringIO(),
    )  # fmt: skip
    assert Team.objects.get(slug="sim").base_url == "http://127.0.0.1:8765/v1"


# -- a new host or API needs the token again -----------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"base_url": "https://prod-ks.pluot.blue/"},  # another host
        {"base_url": "http://api.daily.co/v1"},  # another scheme
        {"base_url": "https://api.daily.co:8443/v1"},  # another port
        {"dialect": "domains"},  # another API generation
    ],
)
def test_a_new_host_or_api_without_the_token_is_refused_with_a_clear_error(login, changes):
    team = make_team(base_url="https://api.daily.co/v1", token=TOKEN)
    response = _settings(login, team, **changes)
    assert response.status_code == 200 and str(TOKEN_AGAIN) in response.content.decode()
    team.refresh_from_db()
    assert (team.base_url, team.dialect) == ("https://api.daily.co/v1", Dialect.REST)


def test_the_same_host_keeps_the_token_and_a_new_one_comes_with_a_move(login):
    team = make_team(base_url="https://api.daily.co/v1", token=TOKEN)
    assert _settings(login, team, base_url="https://api.daily.co/v2").status_code == 302
    team.refresh_from_db()
    assert team.base_url == "https://api.daily.co/v2" and team.get_token() == TOKEN
    moved = _settings(
        login, team, dialect="domains", base_url="https://prod-ks.pluot.blue/", token="sk-2" * 4
    )
    assert moved.status_code == 302
    team.refresh_from_db()
    assert team.dialect == Dialect.DOMAINS and team.get_token() == "sk-2" * 4


def test_add_team_moving_a_team_to_another_host_needs_the_token(monkeypatch):
    make_team("acme", base_url="https://api.daily.co/v1", token=TOKEN)
    with pytest.raises(CommandError, match="give the token again"):
        call_command(
            "add_team", "acme", "--dialect", "domains", stdout=io.StringIO()
        )  # fmt: skip
    assert Team.objects.get(slug="acme").dialect == Dialect.REST


# -- stored teams, at request time ----------------------------------------------------------


def test_a_stored_team_outside_the_list_is_refused_before_any_connection(login, sends):
    # Saved before the list existed (or before the operator shortened it).
    team = make_team(base_url="http://169.254.169.254/latest/", token=TOKEN)
    with pytest.raises(HostNotAllowed):
        client_for(team)
    body = (
        login(team, Role.OWNER)
        .post(reverse("teams:test_connection", args=[team.slug]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Nothing was sent" in body and "allowed API hosts" in body
    assert sends == []


def test_the_simulator_is_reached_only_when_its_address_is_listed(login, sim, daily_only):
    team = team_on(sim, Dialect.REST)
    url = reverse("teams:test_connection", args=[team.slug])
    owner = login(team, Role.OWNER)
    refused = owner.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Nothing was sent" in refused
    assert sim.request_counts() == {}
    port = sim.url.rsplit(":", 1)[1]
    daily_only.DAILY_API_HOSTS = [*DAILY_ONLY, f"127.0.0.1:{port}"]
    assert "Connected." in owner.post(url, HTTP_HX_REQUEST="true").content.decode()


# -- at connect time, after DNS resolution ------------------------------------------------


def test_a_listed_name_resolving_to_a_private_address_is_refused_at_connect_time(
    login, monkeypatch, daily_only
):
    daily_only.DAILY_API_HOSTS = [*DAILY_ONLY, "evil.test"]
    real = socket.getaddrinfo
    lookups: list[str] = []

    def resolve(host, port, *args, **kwargs):
        if host == "evil.test":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
        return real(host, port, *args, **kwargs)

    connects: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if address[0] == "10.1.2.3":  # never: refused before any socket connects
            connects.append(address)
            raise OSError("refused by the test")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket.socket, "connect", connect)
    team = make_team(base_url="https://evil.test/v1", token=TOKEN)
    body = (
        login(team, Role.OWNER)
        .post(reverse("teams:test_connection", args=[team.slug]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Nothing was sent" in body and "not public" in body
    assert lookups == ["evil.test"]  # resolved once, not retried as a network failure
    assert connects == []


def test_the_forms_say_which_hosts_are_allowed(login, client, daily_only):
    daily_only.DAILY_API_HOSTS = [*DAILY_ONLY, "127.0.0.1:8765"]
    team = make_team(base_url="https://api.daily.co/v1")
    page = login(team, Role.OWNER).get(reverse("teams:settings", args=[team.slug]))
    allowed = "allows API hosts: 127.0.0.1:8765, api.daily.co, prod-ks.pluot.blue."
    assert allowed in page.content.decode()
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert allowed in client.get(reverse("team_create")).content.decode()
