"""Secure by default: DEBUG is off unless asked for, and then every process refuses to start
without its own secrets (naming the variable, never showing a value); error reports never
show a token or a webhook secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils.module_loading import import_string
from django.views.debug import ExceptionReporter

from daily import make_client
from dailyadmin import keys
from teams import crypto
from teams.models import Team
from tests.factories import make_team, make_user

REPO = Path(__file__).resolve().parents[2]
TOKEN = "sk-canary-REPORTS-7f3a9c2e1b5d4a6c"
SECRETS = ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY")


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This machine's environment without DEBUG or any secret (nor *_FILE forms of them)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CI", "DJANGO_SETTINGS_MODULE")
        and key.removesuffix("_FILE") not in SECRETS
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dailyadmin.settings",
        DAILYADMIN_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=90, check=False
    )


# -- refusing to start ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["-c", "import django; django.setup()"],
        ["manage.py", "check", "--deploy"],
        ["-m", "celery", "-A", "dailyadmin", "worker", "--pool", "solo"],
    ],
    ids=["django.setup", "check --deploy", "celery worker"],
)
def test_with_debug_unset_and_no_secret_key_the_process_refuses_to_start(tmp_path, command):
    result = _run([sys.executable, *command], _production_env(tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_gunicorn_refuses_to_start_with_debug_unset_and_no_secret_key(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = [str(gunicorn), "dailyadmin.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]
    result = _run(args, _production_env(tmp_path))
    assert result.returncode != 0 and "Worker failed to boot" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_public_development_key_is_refused_outside_debug(tmp_path):
    env = _production_env(tmp_path, SECRET_KEY=keys.DEV_SECRET_KEY)
    result = _run([sys.executable, "-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is the public development key" in result.stderr


def test_debug_on_still_starts_with_the_development_keys(tmp_path):
    env = _production_env(tmp_path, DEBUG="1")
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_debug_defaults_to_off(tmp_path):
    secret = Fernet.generate_key().decode()
    env = _production_env(tmp_path, SECRET_KEY="s" * 50, FIELD_ENCRYPTION_KEY=secret)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_an_encryption_key_derived_from_a_secret_key_is_refused_outside_debug():
    for derived_from in (keys.DEV_SECRET_KEY, "my-own-secret-key-" * 3):
        environ = {"FIELD_ENCRYPTION_KEY": keys.derived_key(derived_from)}
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY must not be derived"):
            keys.field_encryption_keys(False, "my-own-secret-key-" * 3, environ=environ)
    # In development, deriving it is the default.
    assert keys.field_encryption_keys(True, keys.DEV_SECRET_KEY, environ={}) == [
        keys.derived_key(keys.DEV_SECRET_KEY)
    ]


def test_every_fernet_key_is_checked_at_start_up_without_showing_it():
    good, bad = Fernet.generate_key().decode(), "not-a-fernet-key-SHOWN-NOWHERE"
    with pytest.raises(ImproperlyConfigured) as caught:
        keys.field_encryption_keys(
            False, "s" * 50, environ={"FIELD_ENCRYPTION_KEY": f"{good},{bad}"}
        )
    assert "FIELD_ENCRYPTION_KEY: key 2 of 2 is not a Fernet key" in str(caught.value)
    assert bad not in str(caught.value) and good not in str(caught.value)
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY must be set"):
        keys.field_encryption_keys(False, "s" * 50, environ={})
    assert keys.field_encryption_keys(False, "s" * 50, environ={"FIELD_ENCRYPTION_KEY": good})


def test_the_demo_refuses_to_run_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo")


def test_make_run_turns_debug_on():
    recipe = (REPO / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "DEBUG=1" in recipe and "manage.py demo" in recipe


# -- error reports -------------------------------------------------------------------------


def _report(exc: BaseException, reporter_filter: str, settings, request=None) -> str:
    """The report of `exc` with every frame's local variables (the HTML that Django mails to
    ADMINS and that the technical 500 page shows), with DEBUG off, through `reporter_filter`."""
    settings.DEBUG = False
    request = request or RequestFactory().get("/")
    reporter = ExceptionReporter(request, type(exc), exc, exc.__traceback__, is_email=True)
    # Django caches the default filter; the one under test is set on the reporter itself.
    reporter.filter = import_string(reporter_filter)()
    html = reporter.get_traceback_html()
    assert "<h2>Local Vars</h2>" in html  # frames are reported with their variables
    return html


OURS = "dailyadmin.reporting.SecretsReporterFilter"
_GENERATED: list[str] = []
DJANGOS = "django.views.debug.SafeExceptionReporterFilter"


def _raise_in(monkeypatch, target, name: str) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("forced")

    monkeypatch.setattr(target, name, boom)


@pytest.mark.django_db
@pytest.mark.parametrize("reporter_filter", [OURS, DJANGOS])
def test_a_failure_while_storing_a_token_shows_no_token(monkeypatch, settings, reporter_filter):
    _raise_in(monkeypatch, crypto, "_current")
    team = Team(name="acme", slug="acme", dialect="rest", base_url="https://api.daily.co/v1")
    with pytest.raises(RuntimeError) as caught:
        team.set_token(TOKEN)
    report = _report(caught.value, reporter_filter, settings)
    assert "set_token" in report and "encrypt" in report  # the frames are there...
    assert TOKEN not in report  # ...their secrets are not


@pytest.mark.django_db
@pytest.mark.parametrize("reporter_filter", [OURS, DJANGOS])
def test_a_failure_while_building_a_client_shows_no_token(monkeypatch, settings, reporter_filter):
    import teams.daily_client

    team = make_team(token=TOKEN)
    # Fails once the token is decrypted, in a call that is not given the token.
    _raise_in(monkeypatch, teams.daily_client, "pacer_for")
    with pytest.raises(RuntimeError) as caught:
        teams.daily_client.client_for(team)
    report = _report(caught.value, reporter_filter, settings)
    assert "client_for" in report and TOKEN not in report


@pytest.mark.django_db
@pytest.mark.parametrize("reporter_filter", [OURS, DJANGOS])
def test_a_failure_while_saving_settings_shows_no_token(monkeypatch, settings, reporter_filter):
    from teams.services import team_settings

    team = make_team(token="sk-old-token-0123456789")
    owner = make_user("owner", is_superuser=True)
    _raise_in(monkeypatch, team_settings, "perform_local")
    with pytest.raises(RuntimeError) as caught:  # (no local of this frame holds the token)
        team_settings.update_team(
            actor=owner, team=team, data={"time_zone": "Europe/Paris", "token": TOKEN}
        )
    report = _report(caught.value, reporter_filter, settings)
    assert "update_team" in report and TOKEN not in report


@pytest.mark.django_db
@pytest.mark.parametrize("reporter_filter", [OURS, DJANGOS])
def test_a_failure_while_registering_a_webhook_shows_no_secret(
    monkeypatch, settings, reporter_filter
):
    from attendance import webhooks
    from attendance.models import WebhookEndpoint

    team = make_team(token=TOKEN)
    _raise_in(monkeypatch, webhooks, "perform")
    with pytest.raises(RuntimeError) as caught:
        webhooks.register(team, None, "https://dash.example/webhooks/daily/acme/")
    report = _report(caught.value, reporter_filter, settings)
    assert "register" in report
    # The secret was stored (encrypted) before Daily was asked, then removed again.
    assert not WebhookEndpoint.objects.exists()
    # The secret generated for Daily, kept out of this test's own frame (which is reported).
    real = webhooks.new_secret
    monkeypatch.setattr(webhooks, "new_secret", lambda: _GENERATED.append(real()) or _GENERATED[-1])
    with pytest.raises(RuntimeError) as caught:
        webhooks.register(team, None, "https://dash.example/webhooks/daily/acme/")
    report = _report(caught.value, reporter_filter, settings)
    assert _GENERATED and _GENERATED[-1] not in report


@pytest.mark.django_db
@pytest.mark.parametrize("reporter_filter", [OURS, DJANGOS])
def test_a_failure_in_the_settings_view_shows_neither_the_posted_nor_a_stored_token(
    monkeypatch, settings, reporter_filter
):
    from teams.models import Role
    from teams.services import team_settings
    from teams.views import team_settings as views
    from tests.factories import make_member

    team = make_team(token="sk-stored-token-0123456789")
    request = RequestFactory().post(
        f"/t/{team.slug}/settings/",
        {
            "name": team.name,
            "dialect": "rest",
            "base_url": team.base_url,
            "token": TOKEN,
            "time_zone": "UTC",
            "sync_interval": 300,
        },
    )
    request.user = make_member(team, Role.OWNER)
    _raise_in(monkeypatch, team_settings, "perform_local")  # inside update_team
    with pytest.raises(RuntimeError) as caught:
        views.settings(request, team_slug=team.slug)
    report = _report(caught.value, reporter_filter, settings, request)
    assert 'id="post-info"' in report and "&#x27;********************&#x27;" in report
    assert TOKEN not in report and "sk-stored-token-0123456789" not in report


def test_a_failure_inside_the_http_layer_shows_no_authorization_header(monkeypatch, settings):
    # daily/ cannot be marked (it imports no Django) and requests and urllib3 carry the
    # header in their own frames: the project's filter hides it by name, at any depth.
    _raise_in(monkeypatch, requests.adapters.HTTPAdapter, "send")
    client = make_client("rest", "https://api.daily.co/v1", TOKEN, max_retries=0)
    with pytest.raises(RuntimeError) as caught:
        client.domain_config()
    report = _report(caught.value, OURS, settings)
    assert "_send_once" in report and "sessions.py" in report  # requests' frames, shown
    assert TOKEN not in report
    # Django's own filter alone would show it: the reason for the project's.
    assert TOKEN in _report(caught.value, DJANGOS, settings)


def test_the_project_uses_its_filter():
    from django.conf import settings as django_settings
    from django.views.debug import get_default_exception_reporter_filter

    assert django_settings.DEFAULT_EXCEPTION_REPORTER_FILTER == OURS
    assert type(get_default_exception_reporter_filter()).__name__ == "SecretsReporterFilter"
