"""Email settings from the environment (dailyadmin/email_settings.py): EMAIL_URL in each
of its forms, the SMTP variables, the console default, and never the password in a message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dailyadmin.email_settings import CONSOLE, FILE, LOCMEM, SMTP, describe, email_settings

BASE = Path("/srv/dailyadmin")


def parse(**environ: str) -> dict:
    return email_settings(environ, base_dir=BASE)


def test_nothing_set_prints_mail_on_the_console():
    config = parse()
    assert config["EMAIL_BACKEND"] == CONSOLE
    assert config["DEFAULT_FROM_EMAIL"] == config["SERVER_EMAIL"] == "dailyadmin@localhost"


def test_an_smtp_url_with_starttls_and_an_encoded_password():
    config = parse(
        EMAIL_URL="smtp://mailer%40example.com:p%40ss%3Aw0rd@mail.example.com:2525/?tls=True"
    )
    assert config == {
        **config,
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer@example.com",
        "EMAIL_HOST_PASSWORD": "p@ss:w0rd",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.com", 25, False, False),
        ("smtp+tls://u:p@mail.example.com", 587, True, False),
        ("submission://u:p@mail.example.com", 587, True, False),
        ("smtps://u:p@mail.example.com", 465, False, True),
        ("smtp+ssl://u:p@mail.example.com:4650", 4650, False, True),
        ("SMTP://mail.example.com/?ssl=1&timeout=3", 25, False, True),
    ],
)
def test_each_smtp_scheme_has_its_port_and_security(url, port, tls, ssl):
    config = parse(EMAIL_URL=url)
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )


def test_the_other_backends_by_url():
    assert parse(EMAIL_URL="console://")["EMAIL_BACKEND"] == CONSOLE
    assert parse(EMAIL_URL="locmem://")["EMAIL_BACKEND"] == LOCMEM
    absolute = parse(EMAIL_URL="file:///var/mail/dash")
    assert absolute["EMAIL_BACKEND"] == FILE and absolute["EMAIL_FILE_PATH"] == "/var/mail/dash"
    relative = parse(EMAIL_URL="file://var/mail")
    assert relative["EMAIL_FILE_PATH"] == str(BASE / "var/mail")


def test_the_smtp_variables_default_to_starttls_on_587():
    config = parse(EMAIL_HOST="mail.example.com", EMAIL_HOST_USER="u", EMAIL_HOST_PASSWORD="pw")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (
        587,
        True,
        False,
    )
    ssl = parse(EMAIL_HOST="mail.example.com", EMAIL_USE_SSL="1")
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_TLS"], ssl["EMAIL_USE_SSL"]) == (465, False, True)
    plain = parse(EMAIL_HOST="relay", EMAIL_PORT="25", EMAIL_USE_TLS="0")
    assert (plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"]) == (25, False)


def test_the_sender_comes_from_default_from_email():
    config = parse(EMAIL_URL="console://", DEFAULT_FROM_EMAIL="Dash <dash@example.com>")
    assert config["DEFAULT_FROM_EMAIL"] == config["SERVER_EMAIL"] == "Dash <dash@example.com>"


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"EMAIL_URL": "imap://u:s3cret@mail.example.com"}, "must start with one of"),
        ({"EMAIL_URL": "smtp://u:s3cret@mail.example.com:port"}, "port must be a number"),
        ({"EMAIL_URL": "smtp://u:s3cret@/"}, "names no mail server"),
        ({"EMAIL_URL": "smtp://u:s3cret@h/?tls=perhaps"}, "tls must be"),
        ({"EMAIL_URL": "smtp://u:s3cret@h/?verify=0"}, "unknown option 'verify'"),
        ({"EMAIL_URL": "smtps://u:s3cret@h/?tls=1"}, "not both"),
        ({"EMAIL_URL": "file://"}, "needs a folder"),
        ({"EMAIL_URL": "smtp://u:s3cret@h", "EMAIL_HOST": "h"}, "EMAIL_URL or EMAIL_HOST"),
        ({"EMAIL_HOST": "h", "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_PORT": "x"}, "EMAIL_PORT"),
    ],
)
def test_a_bad_setting_is_named_and_the_password_never_repeated(environ, says):
    with pytest.raises(ImproperlyConfigured) as info:
        parse(**environ)
    assert says in str(info.value)
    assert "s3cret" not in str(info.value)


def test_the_description_of_where_mail_goes_has_no_password():
    config = parse(EMAIL_URL="smtps://u:s3cret@mail.example.com")
    assert describe(config) == "sent by SMTP to mail.example.com:465 (TLS)"
    assert "printed" in describe(parse())
    assert describe(parse(EMAIL_URL="file:///tmp/m")) == "written to /tmp/m, one file per message"


def test_the_settings_keep_the_parts_not_the_url(tmp_path):
    """In a process of its own: settings are read once per process."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dailyadmin.settings';"
        "django.setup(); from django.conf import settings as s;"
        "from django.views.debug import SafeExceptionReporterFilter as F;"
        "shown = repr(F().get_safe_settings());"
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL, 's3cret' in shown,"
        " hasattr(s, 'EMAIL_URL'))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "DAILYADMIN_VAR_DIR": str(tmp_path),
        "EMAIL_URL": "smtps://u:s3cret@mail.example.com",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == ["mail.example.com", "465", "True", "False", "False"]
