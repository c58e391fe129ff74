from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from dailyadmin.env import env_bool, env_int, env_list, env_url


def test_env_bool_reads_the_usual_spellings():
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True


def test_env_bool_names_the_variable_when_malformed():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_env_int_rejects_non_numbers_and_values_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="DAILY_SYNC_INTERVAL must be a whole number"):
        env_int("DAILY_SYNC_INTERVAL", 300, environ={"DAILY_SYNC_INTERVAL": "5m"})
    with pytest.raises(ImproperlyConfigured, match="at least 30"):
        env_int("DAILY_SYNC_INTERVAL", 300, minimum=30, environ={"DAILY_SYNC_INTERVAL": "1"})
    assert env_int("N", 7, environ={"N": " 12 "}) == 12


def test_env_list_splits_on_commas():
    assert env_list("H", [], environ={"H": "a.example, b.example,"}) == ["a.example", "b.example"]


def test_env_url_refuses_an_unknown_scheme_without_echoing_the_value():
    with pytest.raises(ImproperlyConfigured) as info:
        env_url("DATABASE_URL", ("postgres",), environ={"DATABASE_URL": "mysql://u:s3cret@h/db"})
    assert "DATABASE_URL" in str(info.value)
    assert "s3cret" not in str(info.value)


def _settings_error(**env: str) -> str:
    """Import the settings in a clean interpreter with `env` and return stderr."""
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": "."}
    proc = subprocess.run(
        [sys.executable, "-c", "import dailyadmin.settings"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.stderr if proc.returncode else ""


def test_settings_fail_with_a_clear_message_for_a_malformed_database_url():
    assert "DATABASE_URL is not a valid URL" in _settings_error(DEBUG="1", DATABASE_URL="nonsense")


def test_settings_require_secrets_outside_debug():
    assert "SECRET_KEY must be set" in _settings_error(DEBUG="0")
    assert "FIELD_ENCRYPTION_KEY must be set" in _settings_error(DEBUG="0", SECRET_KEY="x" * 50)


def test_settings_use_sqlite_and_a_file_broker_with_nothing_configured():
    code = (
        "import dailyadmin.settings as s;"
        "print(s.DATABASES['default']['ENGINE']);print(s.CELERY_BROKER_URL);"
        "print(s.CACHES['default']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ".", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]


def test_settings_switch_to_postgres_and_redis_from_the_environment():
    code = (
        "import dailyadmin.settings as s;"
        "print(s.DATABASES['default']['ENGINE']);print(s.CELERY_BROKER_URL);"
        "print(s.CACHES['default']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": ".",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == [
        "django.db.backends.postgresql",
        "redis://127.0.0.1:6379/3",
        "dailyadmin.cache.RedisCache",
    ]
