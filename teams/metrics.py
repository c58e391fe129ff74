"""The application's Prometheus metrics, counted in whichever process does the work.

gunicorn's workers and Celery's workers are separate processes, so the counters live in
prometheus_client's multiprocess mode: each process writes its values to files in
`settings.METRICS_DIR`, and `/metrics` (dailyadmin/metrics.py) sums every process's files
at scrape time; a count made in a Celery worker shows at the web server's `/metrics`.
Files are named by host and pid, so containers sharing the directory never share a file.

Gauges of the current state (sync lag, queue depth, bulk jobs, webhook state) are not kept
here: they are read from the database and the broker at scrape time.
"""

from __future__ import annotations

import os
import socket

from django.conf import settings
from prometheus_client import Counter, Histogram, values

from daily.observers import Call, add_observer


def _process_identifier() -> str:
    return f"{socket.gethostname()}_{os.getpid()}"


os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(settings.METRICS_DIR)
# Chosen before the first metric is made; a fork (Celery's prefork pool) starts new files.
values.ValueClass = values.MultiProcessValue(_process_identifier)

DAILY_REQUESTS = Counter(
    "dailyadmin_daily_requests",
    "Requests to the Daily API, every attempt (retries included), by team, route and outcome.",
    ["team", "method", "route", "outcome"],
)
DAILY_LATENCY = Histogram(
    "dailyadmin_daily_request_duration_seconds",
    "Time for one attempt at a request to the Daily API, by route.",
    ["method", "route"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
DAILY_RATE_LIMITED = Counter(
    "dailyadmin_daily_rate_limited",
    "Answers 429 (rate limited) from the Daily API, by team and route.",
    ["team", "method", "route"],
)
WEBHOOK_DELIVERIES = Counter(
    "dailyadmin_webhook_deliveries",
    "Webhook requests received from Daily, by outcome (accepted or refused).",
    ["outcome"],
)
HTTP_REQUESTS = Counter(
    "dailyadmin_http_requests",
    "Requests answered by the dashboard, by URL name, method and status class (2xx, 4xx…).",
    ["view", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "dailyadmin_http_request_duration_seconds",
    "Time to answer a request, by URL name.",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_daily_call(call: Call) -> None:
    """The observer registered with daily.http (teams.apps.TeamsConfig.ready)."""
    DAILY_REQUESTS.labels(call.team, call.method, call.route, call.outcome).inc()
    DAILY_LATENCY.labels(call.method, call.route).observe(call.seconds)
    if call.outcome == "rate_limited":
        DAILY_RATE_LIMITED.labels(call.team, call.method, call.route).inc()


def install() -> None:
    add_observer(observe_daily_call)
