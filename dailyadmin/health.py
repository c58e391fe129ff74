"""Liveness and readiness.

`/healthz` is liveness: the process answers, nothing else is touched (a load balancer or
an orchestrator restarts a process that stops answering it, so it must not fail because
the database is down: restarting would not help).

`/readyz` is readiness: the database answers, the cache stores and reads, the Celery
broker answers, and no migration of this code is left unapplied. 200 with every check
"ok"; otherwise 503 naming what failed, with the error's class only (never its text,
which can hold a host name, a user or a password). The image's HEALTHCHECK uses it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)
OK = "ok"
# Once this process saw every migration applied it stops asking (its code cannot change
# under it); until then every readiness check looks again.
_migrated = False


class NotReady(Exception):
    pass


def check_database() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A connection kept from before an outage is dropped, not reused by the next check
        # (Django also drops unusable connections when a request starts and ends).
        if not connection.in_atomic_block:
            connection.close()
        raise


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise NotReady("the cache did not return what was stored")


def check_broker() -> None:
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")
    if not folder or not Path(folder).is_dir():
        raise NotReady("the broker's queue folder is missing")


def check_migrations() -> None:
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise NotReady(f"{len(pending)} migration(s) not applied")
    _migrated = True


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != OK:
            results[name] = "not checked: the database failed"
            continue
        try:
            check()
        except NotReady as exc:
            results[name] = str(exc)
        except Exception as exc:
            log.warning("readiness: %s failed (%s)", name, type(exc).__name__)
            results[name] = type(exc).__name__
        else:
            results[name] = OK
    failed = [name for name, result in results.items() if result != OK]
    body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)
