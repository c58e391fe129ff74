"""Secrets from files: every setting reads NAME or, when unset, the file NAME_FILE names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dailyadmin.env import env_bool, env_int, env_list, env_str, env_url, env_value

REPO = Path(__file__).resolve().parents[2]


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_value_comes_from_the_file_named_by_name_file_without_its_trailing_newline(tmp_path):
    path = _secret(tmp_path, "key", "s3cret-value\n")
    assert env_str("SECRET_KEY", environ={"SECRET_KEY_FILE": path}) == "s3cret-value"
    assert env_value("SECRET_KEY", environ={"SECRET_KEY_FILE": path}) == "s3cret-value"


def test_the_variable_itself_still_works_and_unset_means_the_default():
    assert env_str("SECRET_KEY", "d", environ={"SECRET_KEY": "plain"}) == "plain"
    assert env_str("SECRET_KEY", "d", environ={}) == "d"
    assert env_value("SECRET_KEY", environ={}) is None


def test_every_typed_reader_honours_the_file(tmp_path):
    assert env_bool("X", False, environ={"X_FILE": _secret(tmp_path, "b", "yes\n")}) is True
    assert env_int("X", 1, environ={"X_FILE": _secret(tmp_path, "i", "42\n")}) == 42
    keys = _secret(tmp_path, "l", "k1,k2\n")
    assert env_list("FIELD_ENCRYPTION_KEY", [], environ={"FIELD_ENCRYPTION_KEY_FILE": keys}) == [
        "k1",
        "k2",
    ]
    url = _secret(tmp_path, "u", "postgres://u:pw@db/x\n")
    assert env_url("DATABASE_URL", ("postgres",), environ={"DATABASE_URL_FILE": url}) == (
        "postgres://u:pw@db/x"
    )


def test_setting_both_the_variable_and_its_file_is_refused(tmp_path):
    path = _secret(tmp_path, "key", "from-file")
    with pytest.raises(ImproperlyConfigured, match="set SECRET_KEY or SECRET_KEY_FILE, not both"):
        env_str("SECRET_KEY", environ={"SECRET_KEY": "x", "SECRET_KEY_FILE": path})


def test_an_unreadable_file_names_the_variable_and_the_path_never_a_content(tmp_path):
    missing = str(tmp_path / "nope")
    with pytest.raises(ImproperlyConfigured) as info:
        env_str("SENTRY_DSN", environ={"SENTRY_DSN_FILE": missing})
    assert "SENTRY_DSN_FILE" in str(info.value)
    assert missing in str(info.value)


def test_the_settings_take_every_secret_from_files(tmp_path):
    """The production settings, in a clean interpreter, with each secret only in a file."""
    from cryptography.fernet import Fernet

    fernet = Fernet.generate_key().decode()
    secrets = {
        "SECRET_KEY": "file-secret-key-" + "x" * 50,
        "FIELD_ENCRYPTION_KEY": fernet,
        "DATABASE_URL": "postgres://dailyadmin:db-pass-from-file@db.example:5432/dailyadmin",
        "REDIS_URL": "redis://:redis-pass-from-file@redis.example:6379/3",
        "METRICS_KEY": "metrics-key-from-file",
        "SENTRY_DSN": "http://public@127.0.0.1:9/1",
    }
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": ".",
        "DEBUG": "0",
        "DAILYADMIN_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "dailyadmin.settings",
    }
    for name, value in secrets.items():
        env[f"{name}_FILE"] = _secret(tmp_path, name.lower(), value + "\n")
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SECRET_KEY, s.FIELD_ENCRYPTION_KEYS, "
        "s.DATABASES['default']['PASSWORD'], s.REDIS_URL, s.METRICS_KEY, s.SENTRY_DSN]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == [
        secrets["SECRET_KEY"],
        [fernet],
        "db-pass-from-file",
        secrets["REDIS_URL"],
        secrets["METRICS_KEY"],
        secrets["SENTRY_DSN"],
    ]


def test_the_email_url_comes_from_a_file_too(tmp_path):
    from dailyadmin.email_settings import email_settings

    path = _secret(tmp_path, "email", "smtp://mailer:smtp-pass-from-file@smtp.example.com:587\n")
    config = email_settings({"EMAIL_URL_FILE": path}, base_dir=tmp_path)
    assert config["EMAIL_HOST"] == "smtp.example.com"
    assert config["EMAIL_HOST_PASSWORD"] == "smtp-pass-from-file"
