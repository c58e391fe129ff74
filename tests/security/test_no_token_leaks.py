"""No API token in any log record, page, header, cookie or stored row (DESIGN.md, rule 2).

A simulator of its own accepts only recognisable canary tokens ("sk-LEAKCANARY-<random>"),
the teams point at it, and the main flows run through the test client: overview, rooms
(list, create, privacy, properties, delete, bulk), a meeting token, users and a removal,
the audit log and its CSV, settings with a good and a bad token and the connection test,
a sync (ok and refused), the webhook, the admin. Every log record of every logger at DEBUG
(daily, urllib3, requests, django, celery...) and every answer is kept; then the canaries
are searched everywhere, the database included.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance.sync import sync_team
from attendance.tasks import sync_team_task
from daily import DailyError
from rooms import bulk
from teams.models import Dialect, Membership, Role
from tests.factories import PASSWORD, make_member, team_on
from tests.support.receiver import running_receiver
from tests.support.second_factor import verify_session
from tests.support.simulator import SimulatorProcess, real_now_minute

pytestmark = pytest.mark.django_db

MARK = "LEAKCANARY"
REST_TOKEN = f"sk-{MARK}-rest-{secrets.token_hex(12)}"
DOMAINS_TOKEN = f"sk-{MARK}-domains-{secrets.token_hex(12)}"
WRONG_TOKEN = f"sk-{MARK}-wrong-{secrets.token_hex(12)}"
LOGGERS = ("", "daily", "urllib3", "requests", "django", "django.request", "celery", "teams")


@pytest.fixture(scope="module")
def canary_sim() -> Iterator[SimulatorProcess]:
    sim = SimulatorProcess().start(
        "--rest-token",
        REST_TOKEN,
        "--domains-token",
        DOMAINS_TOKEN,
        now=real_now_minute(),
        frozen=True,
        rate_limits=False,
    )
    yield sim
    sim.stop()


class Recorder:
    """Every answer the flows got, as text: status, headers, cookies and body."""

    def __init__(self) -> None:
        self.answers: list[tuple[str, str]] = []

    def keep(self, label: str, response) -> None:
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        parts = [
            str(response.status_code),
            repr(dict(response.headers)),
            response.cookies.output(),
            body.decode("utf-8", "replace"),
        ]
        self.answers.append((label, "\n".join(parts)))
        return response


def _record_text(record: logging.LogRecord) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    text = formatter.format(record)  # message, args, traceback and stack
    fields = {k: v for k, v in record.__dict__.items() if k not in ("msg", "args")}
    return f"{text}\n{record.msg!r}\n{record.args!r}\n{fields!r}"


def _database_text() -> str:
    """Every text and JSON column of every row the apps and Django keep."""
    chunks = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and f.attname not in ("token_encrypted", "secret_encrypted", "session_data")
        ]
        if names:
            for row in model.objects.values_list(*names):
                chunks.append(repr(row))
    return "\n".join(chunks)


def test_no_api_token_appears_in_logs_pages_or_the_database(canary_sim, caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    sim = canary_sim
    sim.reset()
    rest = team_on(sim, Dialect.REST, time_zone="Europe/Paris")
    domains = team_on(sim, Dialect.DOMAINS)
    owner = make_member(rest, Role.OWNER, username="owner")

    Membership.objects.create(user=owner, team=domains, role=Role.OWNER)
    rec = Recorder()
    client = Client(raise_request_exception=False)
    rec.keep("login", client.post(reverse("login"), {"username": "owner", "password": PASSWORD}))
    r, d = rest.slug, domains.slug

    def get(url_name, *args, **params):
        return rec.keep(f"GET {url_name}", client.get(reverse(url_name, args=args), params))

    def post(url_name, *args, data=None):
        return rec.keep(f"POST {url_name}", client.post(reverse(url_name, args=args), data or {}))

    # Overview, rooms and what a room offers.
    for slug in (r, d):
        get("dashboard:overview", slug)
        get("rooms:list", slug)
    post("rooms:create", r, data={"name": "leak-check", "privacy": "private"})
    post("rooms:create", d, data={"name": "leak-check", "privacy": "org"})
    post("rooms:privacy", r, "leak-check", data={"privacy": "public"})
    get("rooms:detail", r, "leak-check")
    get("rooms:properties", r, "leak-check")
    post("rooms:properties", r, "leak-check", data={"enable_chat": "on"})
    rec.keep(
        "GET embed", client.get(reverse("rooms:embed", args=[r, "leak-check"]), {"name": "Ana"})
    )
    # A meeting token: shown once to the person who asked, and nowhere else.
    exp = (timezone.now() + timedelta(hours=1)).astimezone(rest.tz).strftime("%Y-%m-%dT%H:%M")
    token_page = post("rooms:token", r, data={"room": "leak-check", "exp": exp, "user_id": "u1"})
    assert token_page.status_code == 200
    meeting_token = token_page.context["token"]
    assert meeting_token
    # Bulk: preview, start, the worker's run of it, the job and the jobs pages.
    post("rooms:bulk_preview", r, data={"action": "delete", "rooms": ["leak-check"]})
    started = post("rooms:bulk_start", r, data={"action": "delete", "rooms": ["leak-check"]})
    job_id = started["Location"].rstrip("/").rsplit("/", 1)[-1]
    bulk.run_job(int(job_id))
    get("rooms:bulk_job", r, job_id)
    get("rooms:bulk_jobs", r)
    post("rooms:delete", d, "leak-check")
    # Users, and a removal from the domains team.
    get("dashboard:users", d)
    get("dashboard:user_remove", d, email="zoe@example.com")
    post("dashboard:user_remove", d, data={"email": "zoe@example.com"})
    post("dashboard:user_remove", d, data={"email": "nobody@example.com"})
    get("dashboard:users", r)
    # Settings: a wrong token, the connection test, the right token back, the test again.
    get("teams:settings", r)
    form = {
        "name": rest.name,
        "dialect": rest.dialect,
        "base_url": rest.base_url,
        "time_zone": rest.time_zone,
        "sync_enabled": "on",
        "sync_interval": "300",
    }
    post("teams:settings", r, data={**form, "token": WRONG_TOKEN})
    post("teams:test_connection", r)
    get("dashboard:overview", r)
    get("rooms:list", r)
    post("teams:settings", r, data={**form, "name": "bad name!", "token": REST_TOKEN})
    post("teams:settings", r, data={**form, "token": REST_TOKEN})
    post("teams:test_connection", r)
    # A sync that Daily refuses, then one that works; the Celery task as well.
    domains.set_token(WRONG_TOKEN)
    domains.save()
    with pytest.raises(DailyError):
        sync_team(domains, since=timezone.now() - timedelta(hours=2))
    sync_team_task.apply(args=[domains.pk, "manual"])
    domains.set_token(DOMAINS_TOKEN)
    domains.save()
    sync_team(domains, since=timezone.now() - timedelta(hours=2))
    sync_team_task.apply(args=[rest.pk, "manual"])
    post("attendance:sync_now", r)
    get("attendance:sync_history", r)
    get("attendance:sync_history", d)
    # The webhook: register, check, a signed delivery, remove.
    with running_receiver() as receiver:  # answers Daily's test request with 200
        post("attendance:webhook_register", r, data={"url": receiver.url})
    post("attendance:webhook_check", r)
    get("attendance:sync_history", r)
    post("attendance:webhook_remove", r)
    # Reports, the audit log and its export.
    get("attendance:meetings", d)
    get("attendance:meetings_csv", d)
    get("teams:audit", r)
    get("teams:audit_export", r)
    get("teams:audit", d)
    # The admin, as a superuser, on the team with the token.
    root = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    admin = Client(raise_request_exception=False)
    admin.force_login(root)
    verify_session(admin, root)  # the admin asks for a second factor
    for url in (
        reverse("admin:teams_team_changelist"),
        reverse("admin:teams_team_change", args=[rest.pk]),
        reverse("admin:teams_auditevent_changelist"),
        reverse("admin:attendance_syncrun_changelist"),
    ):
        rec.keep(f"GET {url}", admin.get(url))

    assert not [label for label, text in rec.answers if text.startswith("500")]
    assert len(rec.answers) > 40 and len(caplog.records) > 40
    secrets_ = {
        "REST token": REST_TOKEN,
        "domains token": DOMAINS_TOKEN,
        "wrong token": WRONG_TOKEN,
        "token marker": MARK,
    }
    leaks = []
    for label, text in rec.answers:
        leaks += [f"{what} in the answer to {label}" for what, s in secrets_.items() if s in text]
    for record in caplog.records:
        text = _record_text(record)
        leaks += [
            f"{what} in a log record of {record.name}: {record.getMessage()[:200]}"
            for what, s in {**secrets_, "meeting token": meeting_token}.items()
            if s in text
        ]
    stored = _database_text()
    leaks += [f"{what} in the database" for what, s in secrets_.items() if s in stored]
    assert meeting_token not in stored, "the meeting token was stored"
    assert not leaks, "\n".join(leaks)
    # The flows did what they say (otherwise finding nothing proves little).
    names = {record.name.split(".")[0] for record in caplog.records}
    assert {"daily", "urllib3", "django", "celery"} <= names, names
    assert any("401" in r.getMessage() for r in caplog.records if r.name == "daily")


def test_template_debug_logging_stays_off_even_at_debug_level(caplog):
    """django.template at DEBUG logs the whole context of every missing variable, such as
    the page that shows a new meeting token; settings keep it at INFO whatever LOG_LEVEL."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    assert not logging.getLogger("django.template").isEnabledFor(logging.DEBUG)
