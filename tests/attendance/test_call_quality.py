"""Call quality on the meeting page: on demand, one Daily call then the cache, per
participant figures equal to what Daily's logs API (the simulator) reports, poor flagged."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from attendance import quality
from attendance.models import Meeting
from attendance.sync import sync_team
from teams.models import Dialect, Role
from tests.attendance.helpers import at
from tests.factories import make_team, team_on

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _logs_calls(sim) -> int:
    return sum(n for route, n in sim.request_counts().items() if "/logs" in route)


@pytest.fixture
def synced(fast_sim):
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(days=1))
    fast_sim.clear_request_counts()
    yield team
    for m in Meeting.objects.filter(team=team):
        cache.delete(quality.cache_key(team, m))


def _raw_metrics(sim, meeting: Meeting) -> list[dict]:
    """What Daily's logs API holds for the meeting: the ground truth of the page."""
    reply = requests.get(
        sim.rest_base_url + "/logs",
        params={"mtgSessionId": meeting.upstream_id, "includeMetrics": "true", "limit": 10000},
        headers=sim.rest_headers,
        timeout=10,
    )
    return reply.json()["metrics"]


def _meetings(team):
    return Meeting.objects.filter(team=team, ongoing=False, session_count__gte=3).order_by("start")


def _url(team, meeting) -> str:
    return reverse("attendance:meeting_quality", args=[team.slug, meeting.pk])


def test_the_meeting_page_offers_quality_without_calling_daily(login, synced, fast_sim):
    meeting = _meetings(synced).first()
    page = login(synced, Role.MANAGER).get(
        reverse("attendance:meeting", args=[synced.slug, meeting.pk])
    )
    assert page.status_code == 200 and b"Load call quality" in page.content
    assert _url(synced, meeting).encode() in page.content
    assert _logs_calls(fast_sim) == 0


def test_figures_per_participant_equal_daily_s_and_a_second_view_is_cached(
    login, synced, fast_sim, django_assert_max_num_queries
):
    meeting = _meetings(synced).first()
    client = login(synced, Role.MANAGER)
    with django_assert_max_num_queries(12):
        response = client.get(_url(synced, meeting))
    assert response.status_code == 200 and _logs_calls(fast_sim) == 1
    report = response.context["report"]
    raw = _raw_metrics(fast_sim, meeting)
    assert report.samples == len(raw) > 0
    for p in report.participants:
        mine = [m for m in raw if m["userSessionId"] == p.session_id]
        loss = [m["metrics"]["sfu-recv"]["transport"]["recvPacketsLostPct"] for m in mine]
        rtt = [m["metrics"]["candidate-pair"]["currentRoundTripTime"] * 1000 for m in mine]
        assert p.samples == len(mine)
        assert p.loss.median == pytest.approx(statistics.median(loss))
        assert p.rtt.median == pytest.approx(statistics.median(rtt))
        assert p.poor == (statistics.median(loss) > 5 or statistics.median(rtt) > 400)
    fast_sim.clear_request_counts()
    again = client.get(_url(synced, meeting), **HTMX)  # the partial the page swaps in
    assert again.status_code == 200 and _logs_calls(fast_sim) == 0
    assert again.content.count(b"<tr") == len(report.participants) + 1
    assert b'<section id="call-quality"' in again.content and b"<html" not in again.content


def test_a_poor_participant_is_flagged_with_the_reason(login, synced, fast_sim):
    client = login(synced, Role.ADMIN)
    for meeting in _meetings(synced)[:40]:
        response = client.get(_url(synced, meeting))
        poor = [p for p in response.context["report"].participants if p.poor]
        if poor:
            break
    else:
        pytest.fail("no poor participant in 40 meetings of the simulator's seed")
    assert b"poor</span>" in response.content
    first = poor[0]
    assert response.context["report"].participants[0] == first  # the poor come first
    assert any("packet loss" in r or "round trip" in r for r in first.reasons)


def test_a_domains_team_gets_a_sentence_and_no_call(login, fast_sim):
    team = team_on(fast_sim, Dialect.DOMAINS)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(hours=6))
    meeting = Meeting.objects.filter(team=team).first()
    fast_sim.clear_request_counts()
    response = login(team, Role.MANAGER).get(_url(team, meeting))
    assert response.status_code == 200 and b"only teams on the REST API" in response.content
    assert _logs_calls(fast_sim) == 0


def test_an_upstream_failure_says_so_with_a_retry_and_caches_nothing(login, synced, fast_sim):
    meeting = _meetings(synced).first()
    fast_sim.faults(p_5xx=1.0)
    try:
        response = login(synced, Role.MANAGER).get(_url(synced, meeting), **HTMX)
    finally:
        fast_sim.clear_faults()
    assert response.status_code == 200 and b"Try again" in response.content
    assert cache.get(quality.cache_key(synced, meeting)) is None


def test_a_meeting_of_another_team_is_404(login, synced, fast_sim):
    other = make_team(dialect=Dialect.REST)
    meeting = _meetings(synced).first()
    response = login(other, Role.OWNER).get(_url(other, meeting))
    assert response.status_code == 404
