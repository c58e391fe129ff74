"""Shared fixtures, and the rule for tests that need a real service.

A test marked `postgres`, `redis` or `browser` skips with its reason when the
service is absent on a developer's machine. Under CI (the `CI` variable set),
an absent service fails the run instead: CI must test against the real thing.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings

pytest_plugins = ["tests.support.simulator"]

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = "/usr/bin/chromium"


def _postgres_reason() -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    return None


def _redis_reason() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "needs Redis: set REDIS_URL=redis://..."
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis at REDIS_URL, which did not answer: {exc}"
    return None


def _browser_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    return None


_CHECKS = {"postgres": _postgres_reason, "redis": _redis_reason, "browser": _browser_reason}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, check in _CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = check()
        if reason is None:
            continue
        if IN_CI:
            pytest.fail(f"CI requires this service: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_cache(settings, tmp_path):
    """Each test gets its own cache so cached Daily answers never leak between tests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fast_sim(simulator_fast):
    """The session's simulator with rate limits off, reset to its seed for this test."""
    simulator_fast.reset()
    simulator_fast.clear_faults()
    simulator_fast.clear_request_counts()
    yield simulator_fast
    simulator_fast.clear_faults()
