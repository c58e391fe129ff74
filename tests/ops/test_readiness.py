"""/healthz is liveness, /readyz readiness: 503 naming the database while PostgreSQL cannot
be reached, 200 again once it can. The machine's PostgreSQL is shared, so it is never
stopped: the server under test reaches it through a TCP proxy that the test cuts."""

from __future__ import annotations

import os
import sys

import pytest
import requests
from cryptography.fernet import Fernet
from django.db import connection

from dailyadmin import health
from tests.ops.support import Process, TcpProxy, free_port, wait_for

pytestmark = pytest.mark.django_db


def test_readyz_answers_ok_with_every_check_named(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "migrations"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_names_a_failing_check_without_its_error_text(client, monkeypatch):
    def broken() -> None:
        raise ConnectionError("redis://:hunter2@cache.internal:6379 refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["cache"] == "ConnectionError"
    assert "hunter2" not in response.content.decode()


def test_readyz_reports_unapplied_migrations(client, monkeypatch):
    class Executor:
        def __init__(self, _connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

        def migration_plan(self, _targets):
            return [("teams", "9999_later")]

    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 migration(s) not applied"


def test_healthz_stays_ok_whatever_the_dependencies(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "database", lambda: 1 / 0)
    assert client.get("/healthz").content == b"ok"


@pytest.mark.postgres
@pytest.mark.redis
def test_readyz_is_503_naming_the_database_while_postgresql_is_unreachable_then_200(tmp_path):
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))).start()
    port = free_port()
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "readyz-test-" + "k" * 50,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DAILYADMIN_VAR_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": "json",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "dailyadmin.wsgi", "-b", f"127.0.0.1:{port}"]
    server = Process("gunicorn", [*gunicorn, "--workers", "1", "--threads", "4"], env)
    url = f"http://127.0.0.1:{port}/readyz"
    try:
        wait_for(lambda: requests.get(url, timeout=5).status_code == 200, 30, "ready")
        proxy.stop()
        down = requests.get(url, timeout=15)
        assert down.status_code == 503, down.text
        assert down.json()["failed"] == ["database", "migrations"]
        assert down.json()["checks"]["migrations"] == "not checked: the database failed"
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        proxy.start()
        # Every request from the first one on, whichever thread serves it: a connection
        # the outage broke is replaced, not reused (CONN_HEALTH_CHECKS).
        for _ in range(4):
            back = requests.get(url, timeout=15)
            assert back.status_code == 200, back.text
            assert back.json()["failed"] == []
    finally:
        server.stop()
        proxy.stop()
    assert server.alive() is False, server.output


def test_readyz_names_the_broker_when_redis_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["broker"] == "ConnectionError"
