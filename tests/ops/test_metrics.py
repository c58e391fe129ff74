"""/metrics: Prometheus text, behind METRICS_KEY, with the Daily calls a sync made."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from attendance.models import SyncState
from attendance.sync import sync_team
from rooms.models import BulkJob
from teams.models import Dialect
from tests.factories import team_on

pytestmark = pytest.mark.django_db
KEY = "metrics-key-for-tests-0123456789"


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name{labels…}` (labels matched as a subset), or 0."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_is_404_without_a_configured_key(settings):
    settings.METRICS_KEY = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_metrics_is_401_without_the_key_or_with_a_wrong_one(settings):
    settings.METRICS_KEY = KEY
    missing = Client().get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Basic")
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    wrong_basic = base64.b64encode(b"prometheus:wrong").decode()
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Basic {wrong_basic}").status_code == 401
    assert KEY not in missing.content.decode()


@pytest.mark.postgres
def test_metrics_with_the_key_lists_the_daily_calls_of_a_sync_and_the_state_gauges(
    settings, fast_sim
):
    settings.METRICS_KEY = KEY
    team = team_on(fast_sim, Dialect.REST)
    client = Client()
    before = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {KEY}").content.decode()
    now = timezone.now()
    sync_team(team, now=now, since=now - timedelta(days=2))

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {KEY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    calls = (
        "dailyadmin_daily_requests_total",
        {"team": team.name, "route": "/meetings", "outcome": "ok"},
    )
    assert _sample(text, calls[0], **calls[1]) > _sample(before, calls[0], **calls[1])
    assert _sample(text, "dailyadmin_daily_request_duration_seconds_count", route="/meetings") > 0
    # Gauges read from the database at scrape time.
    state = SyncState.objects.get(team=team)
    lag = _sample(text, "dailyadmin_sync_seconds_since_success", team=team.slug)
    assert state.last_success_at is not None and 0 <= lag < 600
    assert f'dailyadmin_sync_lag_seconds{{team="{team.slug}"}}' in text
    assert (
        _sample(text, "dailyadmin_bulk_jobs", state="queued")
        == BulkJob.objects.filter(state="queued").count()
    )
    assert 'dailyadmin_celery_queue_length{queue="celery"}' in text
    # Answers of the dashboard itself, by URL name: a path never becomes a label.
    assert _sample(text, "dailyadmin_http_requests_total", view="metrics") == 0
    basic = base64.b64encode(f"prometheus:{KEY}".encode()).decode()
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 200


def test_requests_are_counted_by_url_name_and_status_class(settings):
    settings.METRICS_KEY = KEY
    client = Client()

    def count() -> float:
        text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {KEY}").content.decode()
        return _sample(
            text, "dailyadmin_http_requests_total", view="healthz", method="GET", status="2xx"
        )

    first = count()
    client.get("/healthz")
    client.get("/healthz")
    assert count() == first + 2
    client.get("/no-such-page-xyz/")
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {KEY}").content.decode()
    assert "no-such-page" not in text


def test_answers_made_by_a_middleware_are_counted_too(settings):
    """A POST refused by the CSRF check never reaches its view; it is counted all the same."""
    settings.METRICS_KEY = KEY

    def refused() -> float:
        text = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {KEY}").content.decode()
        return _sample(
            text, "dailyadmin_http_requests_total", view="login", method="POST", status="4xx"
        )

    before = refused()
    assert Client(enforce_csrf_checks=True).post("/login/", {}).status_code == 403
    assert refused() == before + 1
