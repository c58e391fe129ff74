"""The overview and the users page while the worker loads the team from Daily (the rooms
mirror is empty or filling), when its last attempt failed, and the "Try again" that asks
it again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from dashboard.services.mirror_status import AUTH_REFUSED, QUEUE_FAILED
from rooms import mirror, tasks
from rooms.models import RoomMirror
from teams.models import Role
from tests.dashboard.conftest import HTMX

pytestmark = pytest.mark.django_db

LOADING = "Loading the team from Daily…"
POLL = "every 3s"  # the region asks again


@pytest.fixture
def queued(monkeypatch) -> list[tuple[str, int]]:
    """The worker's tasks the pages queue (the names and team ids), instead of a broker."""
    sent: list[tuple[str, int]] = []
    for task in (tasks.fill_task, tasks.refresh_task):
        monkeypatch.setattr(
            task, "delay_on_commit", lambda team_id, name=task.name: sent.append((name, team_id))
        )
    return sent


def _overview(client, team, **params):
    return client.get(reverse("dashboard:overview", args=[team.slug]), params)


def _users(client, team, **params):
    return client.get(reverse("dashboard:users", args=[team.slug]), params)


def _failed(team, message, *, state="filling", error_type="Unavailable", **extra):
    RoomMirror.objects.update_or_create(
        team=team,
        defaults={
            "state": state,
            "last_error": message,
            "last_error_type": error_type,
            "last_error_at": timezone.now(),
            **extra,
        },
    )


def test_an_empty_domains_team_is_said_to_be_loading_not_empty(domains_team, login, queued):
    client = login(domains_team, Role.MANAGER)
    body = _overview(client, domains_team).content.decode()
    assert LOADING in body and POLL in body
    assert "Daily reported no invite link" not in body
    assert '<span class="stat-value">—</span>' not in body  # neither rooms nor users
    assert "The invite link appears here once the team is loaded from Daily." in body
    assert 'role="alert"' not in body
    assert queued == [(tasks.fill_task.name, domains_team.pk)]  # the first fill, asked for

    users = _users(client, domains_team).content.decode()
    assert LOADING in users and POLL in users
    assert "0 users" not in users and "Try again" not in users


def test_a_filling_rest_team_shows_how_far_the_fill_has_come(rest_team, login, queued):
    RoomMirror.objects.create(team=rest_team, state="filling", walk_seen=1200, total_count=20000)
    body = _overview(login(rest_team, Role.MANAGER), rest_team).content.decode()
    assert f"{LOADING} 1,200 of 20,000 rooms loaded so far." in body and POLL in body
    assert queued == []  # a fill under way is the worker's: the page asks nothing


def test_once_loaded_the_figures_and_the_invite_link_show_and_polling_stops(
    domains_team, login, queued
):
    client = login(domains_team, Role.MANAGER)
    assert LOADING in _overview(client, domains_team).content.decode()
    assert mirror.fill(domains_team)  # the worker's first fill
    response = client.get(reverse("dashboard:overview", args=[domains_team.slug]), **HTMX)
    body = response.content.decode()
    assert "<html" not in body  # the polling region alone
    assert LOADING not in body and POLL not in body
    overview = response.context["overview"]
    assert (overview.rooms, overview.users) == (40, 25) and overview.invite_link
    assert f'data-copy="{overview.invite_link}"' in body
    users = _users(client, domains_team).content.decode()
    assert "25 users, 3 owners" in users and LOADING not in users and POLL not in users


def test_a_failed_load_shows_its_error_escaped_with_a_retry_and_does_not_poll(
    domains_team, login, queued
):
    _failed(domains_team, "HTTP 503 from <b>upstream</b>")
    client = login(domains_team, Role.MANAGER)
    refresh = reverse("dashboard:refresh", args=[domains_team.slug])
    for page, body in (
        ("overview", _overview(client, domains_team).content.decode()),
        ("users", _users(client, domains_team).content.decode()),
    ):
        assert 'role="alert"' in body and "The team could not be loaded from Daily." in body
        assert "HTTP 503 from &lt;b&gt;upstream&lt;/b&gt;" in body and "<b>upstream" not in body
        assert f'action="{refresh}"' in body and f'name="next" value="{page}"' in body
        assert ">Try again</button>" in body
        assert POLL not in body and LOADING not in body


def test_try_again_resumes_the_fill_and_the_page_waits_for_the_worker(domains_team, login, queued):
    _failed(domains_team, "HTTP 503")
    client = login(domains_team, Role.MANAGER)
    # The page's own fill request was debounced a minute ago: the retry goes past it.
    mirror.debounced(f"{domains_team.pk}:fill", mirror.FILL_DEBOUNCE_SECONDS)
    before = time.time()
    response = client.post(
        reverse("dashboard:refresh", args=[domains_team.slug]), {"next": "users"}
    )
    assert response.status_code == 302
    path, _, query = response["Location"].partition("?")
    assert path == reverse("dashboard:users", args=[domains_team.slug])
    asked = float(query.removeprefix("after="))
    assert before - 0.001 <= asked <= time.time()
    assert queued == [(tasks.fill_task.name, domains_team.pk)]
    # A second click within the debounce queues nothing more.
    client.post(reverse("dashboard:refresh", args=[domains_team.slug]), {"next": "users"})
    assert len(queued) == 1

    waiting = client.get(response["Location"]).content.decode()
    assert "Asked Daily again…" in waiting and POLL in waiting
    assert f'hx-get="{response["Location"]}"' in waiting  # the poll keeps waiting for it
    # The worker answers (the fill lands): the error goes, the users show, polling stops.
    assert mirror.fill(domains_team)
    done = client.get(response["Location"], **HTMX).content.decode()
    assert "25 users, 3 owners" in done and POLL not in done and 'role="alert"' not in done


def test_try_again_on_a_loaded_team_asks_for_a_refresh(rest_team, login, queued):
    assert mirror.fill(rest_team)
    _failed(rest_team, "Daily is limiting the rate", state="ready", error_type="RateLimited")
    client = login(rest_team, Role.MANAGER)
    body = _overview(client, rest_team).content.decode()
    # The figures stay (the mirror is as the last good read left it), with the failure.
    assert "The last refresh from Daily failed." in body
    assert _overview(client, rest_team).context["overview"].rooms == 40
    response = client.post(reverse("dashboard:refresh", args=[rest_team.slug]), {"next": "nowhere"})
    assert response["Location"].startswith(reverse("dashboard:overview", args=[rest_team.slug]))
    assert queued == [(tasks.refresh_task.name, rest_team.pk)]
    # A good refresh since the failure clears it from the pages.
    assert mirror.refresh(rest_team)
    assert 'role="alert"' not in _overview(client, rest_team).content.decode()


def test_a_refused_token_says_to_change_it_and_offers_no_retry(domains_team, login, queued):
    _failed(
        domains_team,
        "invalid token",
        error_type="AuthError",
        last_error_at=timezone.now() + timedelta(seconds=1),
    )
    client = login(domains_team, Role.MANAGER)
    for body in (
        _overview(client, domains_team).content.decode(),
        _users(client, domains_team).content.decode(),
    ):
        assert escape(AUTH_REFUSED) in body and "Try again" not in body and POLL not in body
    client.post(reverse("dashboard:refresh", args=[domains_team.slug]))
    assert queued == []  # nothing is tried until the token changes


def test_a_broker_that_cannot_be_reached_is_said_in_place(domains_team, login, monkeypatch):
    def refuse(team_id):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.fill_task, "delay_on_commit", refuse)
    client = login(domains_team, Role.MANAGER)
    for view in (_overview, _users):
        mirror.clear_debounce(domains_team, "fill")
        response = view(client, domains_team)
        assert response.status_code == 200
        assert QUEUE_FAILED in response.content.decode()
    mirror.clear_debounce(domains_team, "fill")
    response = client.post(reverse("dashboard:refresh", args=[domains_team.slug]))
    assert response.status_code == 302 and "after=" not in response["Location"]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [QUEUE_FAILED]


def test_the_retry_answers_only_post(domains_team, login):
    url = reverse("dashboard:refresh", args=[domains_team.slug])
    assert login(domains_team, Role.MANAGER).get(url).status_code == 405


def test_a_team_without_a_token_says_what_to_do_and_does_not_poll(login, queued):
    from tests.factories import make_team

    team = make_team("no-token", dialect="domains")
    team.token_encrypted = ""
    team.save()
    body = _overview(login(team, Role.MANAGER), team).content.decode()
    assert "This team has no API token yet" in body
    assert LOADING not in body and POLL not in body and queued == []
