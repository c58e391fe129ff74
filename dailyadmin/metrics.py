"""`/metrics`: Prometheus text format, for a scraper holding METRICS_KEY.

What it exposes (docs/operations.md lists every metric):
- the counters and histograms of teams/metrics.py, summed over every process that wrote
  them (gunicorn workers, Celery workers) from the multiprocess directory;
- gauges read at scrape time from the database and the broker: sync lag per team, the
  Celery queue's depth, bulk jobs by state, each REST team's webhook state.

Access: `Authorization: Bearer <METRICS_KEY>`, or Basic with METRICS_KEY as the password
(any user name), both of which Prometheus's scrape config speaks. Without METRICS_KEY
configured the endpoint answers 404, exactly like a URL that does not exist: an
unprotected metrics page would tell anyone the team names and how busy they are, and a
401 would only advertise that the endpoint is there to be guessed at.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from teams import metrics as counters

log = logging.getLogger(__name__)


def _authorized(request: HttpRequest, key: str) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    scheme, credentials = scheme.lower(), credentials.strip()
    if scheme == "bearer":
        given = credentials
    elif scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        given = decoded.partition(":")[2]
    else:
        return False
    return hmac.compare_digest(given.encode(), key.encode())


class StateCollector(Collector):
    """Gauges of the present state, one query each, read when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        for read in (self._sync, self._bulk, self._webhooks, self._queue):
            try:
                yield from read()
            except Exception:  # one unreadable source must not hide the other metrics
                log.exception("metrics: %s could not be read", read.__name__.strip("_"))

    @staticmethod
    def _sync() -> Iterator[Metric]:
        from attendance.models import SyncState

        now = timezone.now()
        since_success = GaugeMetricFamily(
            "dailyadmin_sync_seconds_since_success",
            "Seconds since the team's last successful attendance sync.",
            labels=["team"],
        )
        lag = GaugeMetricFamily(
            "dailyadmin_sync_lag_seconds",
            "Seconds between now and the team's sync watermark (everything before it is synced).",
            labels=["team"],
        )
        blocked = GaugeMetricFamily(
            "dailyadmin_sync_blocked_by_auth",
            "1 when Daily refused the team's token and its sync waits for a new one.",
            labels=["team"],
        )
        rows = SyncState.objects.values_list(
            "team__slug", "last_success_at", "watermark", "blocked_by_auth"
        )
        for slug, success, watermark, is_blocked in rows:
            if success is not None:
                since_success.add_metric([slug], (now - success).total_seconds())
            if watermark is not None:
                lag.add_metric([slug], (now - watermark).total_seconds())
            blocked.add_metric([slug], 1.0 if is_blocked else 0.0)
        yield from (since_success, lag, blocked)

    @staticmethod
    def _bulk() -> Iterator[Metric]:
        from rooms.models import BulkJob, BulkJobState

        jobs = GaugeMetricFamily(
            "dailyadmin_bulk_jobs", "Bulk actions on rooms, by state.", labels=["state"]
        )
        counts = dict(BulkJob.objects.values_list("state").annotate(n=Count("id")))
        for state in BulkJobState.values:
            jobs.add_metric([state], float(counts.get(state, 0)))
        yield jobs

    @staticmethod
    def _webhooks() -> Iterator[Metric]:
        from attendance.models import WebhookEndpoint

        failed = GaugeMetricFamily(
            "dailyadmin_webhook_failed_deliveries",
            "Failed deliveries Daily reported for the team's webhook at the last check.",
            labels=["team"],
        )
        state = GaugeMetricFamily(
            "dailyadmin_webhook_state",
            "1 for the state Daily reported for the team's webhook (ACTIVE, FAILED…).",
            labels=["team", "state"],
        )
        rows = WebhookEndpoint.objects.values_list("team__slug", "state", "failed_count")
        for slug, webhook_state, failed_count in rows:
            failed.add_metric([slug], float(failed_count))
            state.add_metric([slug, webhook_state or "unknown"], 1.0)
        yield from (failed, state)

    @staticmethod
    def _queue() -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "dailyadmin_celery_queue_length",
            "Tasks waiting in the Celery queue (not yet taken by a worker).",
            labels=["queue"],
        )
        depth.add_metric(["celery"], float(queue_length()))
        yield depth


def queue_length(queue: str = "celery") -> int:
    """Messages waiting in `queue`: a Redis list, or the filesystem broker's files."""
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)
        try:
            return int(client.llen(queue))
        finally:
            client.close()
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")
    return sum(1 for _ in Path(folder).glob("*.msg")) if folder else 0


def registry() -> CollectorRegistry:
    reg = CollectorRegistry(auto_describe=True)
    MultiProcessCollector(reg, path=str(settings.METRICS_DIR))
    reg.register(StateCollector())
    return reg


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    key = settings.METRICS_KEY
    if not key:
        raise Http404
    if not _authorized(request, key):
        response = HttpResponse("Authentication required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Basic realm="metrics", charset="UTF-8"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Counts every answer by URL name and status class, and times it; webhook requests
    are also counted as deliveries (accepted or refused)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # Unresolved URLs (404s of any path) share one label: paths never become labels.
        view = (match.view_name if match is not None else "") or "unmatched"
        if view == "metrics":
            return response
        status = f"{response.status_code // 100}xx"
        method = request.method if request.method in _METHODS else "other"
        counters.HTTP_REQUESTS.labels(view, method, status).inc()
        counters.HTTP_LATENCY.labels(view).observe(time.monotonic() - started)
        if view == "daily_webhook":
            outcome = "accepted" if 200 <= response.status_code < 300 else "refused"
            counters.WEBHOOK_DELIVERIES.labels(outcome).inc()
        return response


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
