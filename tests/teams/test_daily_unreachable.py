"""When Daily cannot be reached: only a page that asked Daily while it was drawn says so
(as an alert, with a retry); the pages that read what the worker stored show it and state
the worker's last failure as a note; and the failure is said once, not "could not reach
… (could not be reached)"."""

from __future__ import annotations

import re

import pytest
from django.utils.html import strip_tags

from attendance.sync import sync_team
from daily import Unavailable
from rooms import mirror, tasks
from teams.models import Role
from teams.services.errors import describe

pytestmark = pytest.mark.django_db

ALERT = re.compile(r'<div[^>]*role="alert"[^>]*>(.*?)</div>', re.S)
NOTE = re.compile(r'<div[^>]*id="mirror-note"[^>]*>(.*?)</div>', re.S)
# The pages that read the database only (the rooms mirror, attendance, the audit log).
READS_STORED = ("", "users/", "rooms/", "attendance/meetings/", "settings/", "audit/")


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html)).strip()


@pytest.fixture
def no_worker(monkeypatch) -> None:
    for task in (tasks.fill_task, tasks.refresh_task):
        monkeypatch.setattr(task, "delay_on_commit", lambda *args, **kwargs: None)


@pytest.mark.parametrize("team_fixture", ["rest_team", "domains_team"])
def test_only_a_page_that_asked_daily_alerts_and_says_it_once(
    request, team_fixture, sim, login, no_worker
):
    team = request.getfixturevalue(team_fixture)
    assert mirror.fill(team)
    sim.faults(p_drop=1.0)  # every connection dropped: Daily cannot be reached
    with pytest.raises(Unavailable):
        mirror.refresh(team)  # the worker's refresh, as the worker runs it
    with pytest.raises(Unavailable):
        sync_team(team)  # and the attendance sync
    client = login(team, Role.OWNER)

    for path in READS_STORED:
        body = client.get(f"/t/{team.slug}/{path}").content.decode()
        assert ALERT.findall(body) == [], path
    for path in ("", "rooms/") + (("users/",) if team_fixture == "domains_team" else ()):
        body = client.get(f"/t/{team.slug}/{path}").content.decode()
        (note,) = NOTE.findall(body)
        text = _words(note)
        assert f"The Daily API at {team.base_url} could not be reached." in text, path
        assert text.lower().count("reach") == 1, text
        assert "GET /" not in text and "Try again" in body
        assert "Try again in a moment" not in text  # the note has its own button

    # The sync's failure, in words, where its figures are shown (the freshness line).
    for path in ("", "attendance/meetings/"):
        body = client.get(f"/t/{team.slug}/{path}").content.decode()
        freshness = _words(re.search(r'<p class="freshness".*?</p>', body, re.S)[0])
        assert (
            f"The last sync failed: The Daily API at {team.base_url} could not be reached. "
            "The next sync tries again."
        ) in freshness, freshness
        assert "Unavailable" not in freshness and "POST /" not in freshness

    # The room's page reads it from Daily while it is drawn: that failure is an alert.
    body = client.get(f"/t/{team.slug}/rooms/r/lobby/").content.decode()
    (alert,) = ALERT.findall(body)
    text = _words(alert)
    assert "The Daily API could not be reached. Try again in a moment." in text
    assert text.lower().count("reach") == 1, text


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("Daily could not be reached.", "The Daily API at {url} could not be reached."),
        ("Daily did not answer in time.", "The Daily API at {url} did not answer in time."),
        ("Daily is unavailable right now.", "The Daily API at {url} is unavailable right now."),
        (
            "Daily request failed (SSLError).",
            "The request to the Daily API at {url} failed (SSLError).",
        ),
        ("server-error", "The Daily API at {url} did not give a usable answer (server-error)."),
    ],
)
def test_an_unreachable_daily_is_said_once(rest_team, message, said):
    text = describe(Unavailable(message, method="GET", path="/rooms"), rest_team)
    assert text == said.format(url=rest_team.base_url) + " Try again in a moment."
    assert "GET" not in text
