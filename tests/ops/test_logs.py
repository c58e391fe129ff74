"""Logs: one JSON object per line with the request id, the team and the user (text in
development); the request id is the proxy's or one made here, and the audit log gets it."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from dailyadmin import logs
from teams.views.common import request_id
from tests.factories import make_user
from tests.ops.support import REPO


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    logger = logging.getLogger("tests.ops.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def _through_middleware(request: HttpRequest, view) -> HttpResponse:
    middleware = logs.RequestContextMiddleware(lambda r: view(r, middleware))
    return middleware(request)


@pytest.mark.django_db
def test_a_record_of_a_request_carries_its_id_team_and_user(json_lines):
    request = RequestFactory().get("/t/acme/", HTTP_X_REQUEST_ID="req-123abc")
    request._cached_user = make_user("ann")

    def view(request, middleware):
        middleware.process_view(request, None, (), {"team_slug": "acme"})
        logging.getLogger("tests.ops.logs").warning("Sync of %s failed: %s", "acme", "Zoë")
        return HttpResponse("ok")

    access = logging.getLogger("dailyadmin.access")
    access.addHandler(logging.getLogger("tests.ops.logs").handlers[-1])
    try:
        response = _through_middleware(request, view)
    finally:
        access.removeHandler(logging.getLogger("tests.ops.logs").handlers[-1])
    lines = json_lines.getvalue().splitlines()
    assert len(lines) == 2
    entry = json.loads(lines[0])
    assert entry["message"] == "Sync of acme failed: Zoë"
    assert (entry["level"], entry["logger"]) == ("WARNING", "tests.ops.logs")
    assert (entry["request_id"], entry["team"], entry["user"]) == ("req-123abc", "acme", "ann")
    assert entry["time"].endswith("+00:00")
    assert response["X-Request-ID"] == "req-123abc"
    line = json.loads(lines[1])  # the access log's line for the request, in context too
    assert line["logger"] == "dailyadmin.access" and line["message"].startswith("GET /t/acme/ 200")
    assert (line["request_id"], line["team"], line["user"]) == ("req-123abc", "acme", "ann")


def test_without_a_usable_request_id_one_is_made_and_the_audit_log_gets_the_same(json_lines):
    seen: dict[str, str] = {}
    for given in (None, "bad id with spaces\n{}"):
        extra = {} if given is None else {"HTTP_X_REQUEST_ID": given}
        request = RequestFactory().get("/", **extra)

        def view(request, middleware):
            seen["audit"] = request_id(request)  # what teams' services write to the log
            logging.getLogger("tests.ops.logs").info("hello")
            return HttpResponse("ok")

        response = _through_middleware(request, view)
        made = response["X-Request-ID"]
        assert len(made) == 32 and made != given
        assert seen["audit"] == made
        assert json.loads(json_lines.getvalue().splitlines()[-1])["request_id"] == made


def test_a_traceback_stays_inside_its_one_line(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("tests.ops.logs").exception("it failed")
    lines = json_lines.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert "ValueError: boom" in entry["exception"]
    assert "request_id" not in entry  # outside a request: no empty fields


def test_a_celery_task_binds_its_name_and_id(json_lines):
    with logs.bound(task="attendance.tasks.sync_team_task", task_id="t-1"):
        logging.getLogger("tests.ops.logs").info("syncing")
    entry = json.loads(json_lines.getvalue())
    assert (entry["task"], entry["task_id"]) == ("attendance.tasks.sync_team_task", "t-1")


def _log_line(tmp_path, **env: str) -> str:
    script = "import django; django.setup(); import logging; logging.getLogger('x').warning('hi')"
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": ".",
            "DJANGO_SETTINGS_MODULE": "dailyadmin.settings",
            "DAILYADMIN_VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": "log-format-test-" + "k" * 50,
            "FIELD_ENCRYPTION_KEY": "Sq0QmLrdvM6oEwnMbKV9bGtZXIYTK6WT5ZQkDB0V7a0=",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.strip().splitlines()[-1]


def test_production_logs_json_and_development_text_unless_log_format_says(tmp_path):
    assert json.loads(_log_line(tmp_path, DEBUG="0"))["message"] == "hi"
    assert _log_line(tmp_path, DEBUG="1").endswith(" WARNING x hi")
    assert _log_line(tmp_path, DEBUG="0", LOG_FORMAT="text").endswith(" WARNING x hi")


@pytest.mark.django_db
def test_the_access_log_names_the_url_pattern_never_a_token_in_the_path(client, caplog):
    secret = "single-use-token-0123456789abcdef"
    with caplog.at_level(logging.INFO, logger="dailyadmin.access"):
        client.get(f"/account/reset/MQ/{secret}/?next=/secret-search")
    lines = [r.getMessage() for r in caplog.records if r.name == "dailyadmin.access"]
    assert lines and lines[-1].startswith("GET /account/reset/<uidb64>/<token>/ ")
    assert not any(secret in line or "secret-search" in line for line in lines)


def test_djangos_request_records_name_the_url_pattern_never_the_path():
    # django.utils.log.log_response: logger.warning("%s: %s", reason, request.path,
    # extra={"status_code": ..., "request": request}) for every 4xx/5xx answer.
    from django.urls import resolve

    secret = "single-use-token-0123456789abcdef"
    request = RequestFactory().get(f"/invitation/{secret}/")
    request.resolver_match = resolve(request.path)
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", request.path), None
    )
    record.request = request
    record.status_code = 404
    assert logs.ContextFilter().filter(record)
    assert record.getMessage() == "Not Found: /invitation/<str:token>/"
