"""Shared fixtures, and the rule for tests that need a real service.

A test marked `postgres`, `redis` or `browser` skips with its reason when the
service is absent on a developer's machine. Under CI (the `CI` variable set),
an absent service fails the run instead: CI must test against the real thing.
"""

from __future__ import annotations

import functools
import os
import shutil

import pytest
from django.conf import settings

pytest_plugins = ["tests.support.simulator", "tests.support.oidc_provider"]

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


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI nothing may be skipped: a skipped test is a test CI did not run."""
    if IN_CI and _skipped and exitstatus == pytest.ExitCode.OK:
        print(f"\nCI: {len(_skipped)} test(s) skipped, which CI does not allow:")
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    """The session's simulator with rate limits off, in its seeded state for this test,
    and reset again afterwards so faults and changes never leak into another test."""
    simulator_fast.reset()
    simulator_fast.clear_faults()
    simulator_fast.clear_request_counts()
    yield simulator_fast
    simulator_fast.reset()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_retry_sleeps(monkeypatch):
    """daily/ backs off before retrying a GET or DELETE; tests need no real waiting."""
    import teams.daily_client

    real = teams.daily_client.make_client
    monkeypatch.setattr(
        teams.daily_client, "make_client", functools.partial(real, sleep=lambda _s: None)
    )


@pytest.fixture
def login():
    """A client logged in as a new member of `team` with `role` (or as `user`)."""
    from django.test import Client

    from tests.factories import make_member

    def make(team=None, role=None, *, user=None) -> Client:
        if user is None:
            assert team is not None and role is not None
            user = make_member(team, role)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make
