"""Attendance digests: the period in the team's time zone, once per period with two
senders at once, the content and its CSV, unsubscribing logged out, subscribing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.db import connection
from django.urls import reverse

from teams import mail
from teams.models import AuditEvent, Role, UserPreference
from tests.attendance.reports_support import meeting, session, utc
from tests.factories import make_member, make_team
from usage import digests
from usage.models import DigestDelivery, DigestSubscription, Period, UsagePrice

pytestmark = pytest.mark.django_db

# Auckland is UTC+13 in December: its Monday 00:30 is Sunday 11:30 in UTC.
TZ = "Pacific/Auckland"


def _subscribe(team, role=Role.MANAGER, **extra) -> DigestSubscription:
    user = make_member(team, role)
    user.email = f"{user.username}@example.com"
    user.save()
    values = {"period": Period.WEEKLY, "rooms": [], "threshold": 50} | extra
    return digests.subscribe(actor=user, team=team, **values)


def _created(sub: DigestSubscription, moment: dt.datetime) -> DigestSubscription:
    DigestSubscription.objects.filter(pk=sub.pk).update(created_at=moment)
    sub.refresh_from_db()
    return sub


@pytest.fixture
def week():
    """A team in Auckland with meetings around the end of the week of 1-7 Dec 2025."""
    team = make_team("digest-team", time_zone=TZ)
    # Wednesday 3 Dec, 10:00 local (2 Dec 21:00 UTC): ann stays 50 of 60 minutes, ben 20.
    a = meeting(team, "standup", utc(2025, 12, 2, 21), utc(2025, 12, 2, 22))
    session(a, "ann@example.com", a.start, a.start + dt.timedelta(minutes=50), name="Ann")
    session(a, "ben@example.com", a.start, a.start + dt.timedelta(minutes=20), name="Ben")
    session(a, "guest", a.start, a.start + dt.timedelta(minutes=10), guest=True)
    # Sunday 7 Dec, 23:00 local (10:00 UTC): in the week.
    b = meeting(team, "retro", utc(2025, 12, 7, 10), utc(2025, 12, 7, 10, 30))
    session(b, "ann@example.com", b.start, b.end, name="Ann")
    # Monday 8 Dec, 00:10 local (7 Dec 11:10 UTC): Sunday in UTC, but the next week here.
    c = meeting(team, "retro", utc(2025, 12, 7, 11, 10), utc(2025, 12, 7, 11, 40))
    session(c, "cat@example.com", c.start, c.end)
    return team


def test_the_digest_waits_for_the_end_of_the_week_in_the_team_time_zone(week):
    sub = _created(_subscribe(week), utc(2025, 12, 2, 12))  # Tuesday 2 Dec, local
    sunday_night = utc(2025, 12, 7, 10, 59)  # Sunday 23:59 in Auckland
    assert digests.send_one(sub, sunday_night) is False
    assert django_mail.outbox == []
    monday = utc(2025, 12, 7, 11, 30)  # Monday 00:30 in Auckland, Sunday 11:30 UTC
    assert digests.send_one(sub, monday) is True
    [message] = django_mail.outbox
    assert "1 Dec 2025" in message.subject
    body = message.body
    # The week's two meetings, not Monday's (Sunday in UTC).
    assert "Meetings (2):" in body
    assert "Sun 7 Dec, 23:00  retro  30 min" in body and "00:10" not in body
    assert "cat@example.com" not in body
    # A second run of the same period sends nothing.
    assert digests.send_one(sub, monday + dt.timedelta(hours=1)) is False
    assert len(django_mail.outbox) == 1
    assert DigestDelivery.objects.get(subscription=sub).period_start == dt.date(2025, 12, 1)


def test_a_new_subscription_gets_no_digest_of_a_period_that_ended_before_it(week):
    sub = _created(_subscribe(week), utc(2025, 12, 7, 12))  # Monday 8 Dec, local
    assert digests.send_one(sub, utc(2025, 12, 8, 12)) is False
    assert django_mail.outbox == []


def test_the_digest_lists_people_under_the_threshold_usage_and_attaches_the_csv(week):
    UsagePrice.objects.create(team=week, per_minute=Decimal("0.01"), currency="USD")
    sub = _created(_subscribe(week, threshold=80), utc(2025, 12, 1, 0))
    assert digests.send_one(sub, utc(2025, 12, 8))
    [message] = django_mail.outbox
    body = message.body
    # Ann: 80 of 90 minutes (89%); Ben: 20 of 60 (33%), the only one under 80%.
    assert "People under 80% attendance (1 of 2):" in body
    assert "- Ben <ben@example.com>: 33% over 1 meeting" in body
    # Usage: 50 + 20 + 10 (the guest) + 30 = 110 participant-minutes, at 0.01.
    assert "Usage: 110.0 participant-minutes, about 1.10 USD." in body
    [(name, content, mimetype)] = message.attachments
    assert name == "attendance-digest-team-20251201-20251207.csv" and mimetype == "text/csv"
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows == [
        list(digests.CSV_HEADER),
        ["Ann", "ann@example.com", "2", "80.0", "88.9", ""],
        ["Ben", "ben@example.com", "1", "20.0", "33.3", "yes"],
    ]


def test_the_digest_of_chosen_rooms_counts_those_rooms_only(week):
    sub = _created(_subscribe(week, rooms=["retro"]), utc(2025, 12, 1, 0))
    assert digests.send_one(sub, utc(2025, 12, 8))
    body = django_mail.outbox[0].body
    assert "rooms: retro" in body and "Meetings (1):" in body
    assert "Usage: 30.0 participant-minutes." in body
    assert "Ben" not in body


def test_the_unsubscribe_link_works_logged_out_in_one_click(week, client):
    sub = _created(_subscribe(week), utc(2025, 12, 1, 0))
    assert digests.send_one(sub, utc(2025, 12, 8))
    [message] = django_mail.outbox
    url = re.search(r"To stop these emails: (\S+)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.removeprefix(settings.DASHBOARD_URL)
    # Opening the link changes nothing (a scanner following it unsubscribes nobody).
    page = client.get(path)
    assert page.status_code == 200 and b"Unsubscribe</button>" in page.content
    assert DigestSubscription.objects.filter(pk=sub.pk).exists()
    # A wrong token: nothing changes.
    assert b"no longer valid" in client.post(path[:-3] + "00/").content
    assert DigestSubscription.objects.filter(pk=sub.pk).exists()
    # The button (or a mail client's one-click POST, without CSRF token): unsubscribed.
    csrf_client = client_class_enforcing_csrf()
    done = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert not DigestSubscription.objects.filter(pk=sub.pk).exists()
    event = AuditEvent.objects.get(action="digest.unsubscribe")
    assert event.actor == sub.user and event.outcome == "ok"
    assert b"no longer valid" in client.post(path).content


def client_class_enforcing_csrf():
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def test_a_mail_failure_leaves_the_digest_for_the_next_run(week, monkeypatch):
    sub = _created(_subscribe(week), utc(2025, 12, 1, 0))

    def refuse(*args, **kwargs):
        raise mail.MailError()

    monkeypatch.setattr(mail, "send", refuse)
    assert digests.send_due(utc(2025, 12, 8)) == {"sent": 0, "failed": 1}
    monkeypatch.undo()
    assert digests.send_due(utc(2025, 12, 8)) == {"sent": 1, "failed": 0}
    assert len(django_mail.outbox) == 1
    assert DigestDelivery.objects.get(subscription=sub).sent_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("retry", [False, True])
def test_two_senders_at_once_send_one_digest(monkeypatch, retry):
    """Fresh, the period's row is inserted by both (one waits on the other's key); on a
    retry (an earlier attempt failed), the row exists unsent and the lock decides."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")
    team = make_team("digest-race", time_zone=TZ)
    m = meeting(team, "standup", utc(2025, 12, 2, 21), utc(2025, 12, 2, 22))
    session(m, "ann@example.com", m.start, m.end)
    sub = _created(_subscribe(team), utc(2025, 12, 1, 0))
    if retry:
        DigestDelivery.objects.create(subscription=sub, period_start=dt.date(2025, 12, 1))
    real = mail.send

    def slow(*args, **kwargs):
        time.sleep(0.5)  # both senders are inside the claim at once
        return real(*args, **kwargs)

    monkeypatch.setattr(mail, "send", slow)
    barrier = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            barrier.wait()
            results.append(digests.send_due(utc(2025, 12, 8))["sent"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(results) == [0, 1]
    assert len(django_mail.outbox) == 1
    assert DigestDelivery.objects.filter(subscription=sub).count() == 1


def test_a_manager_subscribes_with_rooms_and_unsubscribes_on_the_page(week, client):
    user = make_member(week, Role.MANAGER)
    user.email = "mia@example.com"
    user.save()
    client.force_login(user)
    url = reverse("usage:digests", args=[week.slug])
    bad = client.post(url, {"period": "weekly", "rooms": ["nope"], "threshold": "50"})
    assert bad.status_code == 200 and b"Select a valid choice" in bad.content
    bad = client.post(url, {"period": "daily", "threshold": "500"})
    assert bad.status_code == 200 and not DigestSubscription.objects.exists()
    ok = client.post(url, {"period": "monthly", "rooms": ["retro"], "threshold": "75"})
    assert ok.status_code == 302
    sub = DigestSubscription.objects.get(user=user)
    assert (sub.period, sub.rooms, sub.threshold) == ("monthly", ["retro"], 75)
    assert AuditEvent.objects.filter(action="digest.subscribe", actor=user).exists()
    page = client.get(url).content.decode()
    assert "every room" not in page.split("digest-subscriptions")[1].split("</table>")[0]
    # Someone else's subscription cannot be removed through one's own form.
    other = _subscribe(week, role=Role.OWNER)
    client.post(reverse("usage:digest_delete", args=[week.slug]), {"subscription": other.pk})
    assert DigestSubscription.objects.filter(pk=other.pk).exists()
    client.post(reverse("usage:digest_delete", args=[week.slug]), {"subscription": sub.pk})
    assert not DigestSubscription.objects.filter(pk=sub.pk).exists()


def test_beat_sends_the_digests():
    entry = settings.CELERY_BEAT_SCHEDULE["usage-send-digests"]
    assert entry["task"] == "usage.tasks.send_due_digests"
    from dailyadmin.celery import app

    app.loader.import_default_modules()
    assert "usage.tasks.send_due_digests" in app.tasks


def _prefers(sub: DigestSubscription, language: str) -> DigestSubscription:
    UserPreference.objects.update_or_create(user=sub.user, defaults={"language": language})
    return sub


def test_each_digest_is_in_its_subscribers_language(week):
    """The worker has no request: each digest is in the language its subscriber chose."""
    german = _prefers(_created(_subscribe(week, threshold=80), utc(2025, 12, 1, 0)), "de")
    english = _prefers(_created(_subscribe(week, threshold=80), utc(2025, 12, 1, 0)), "en")
    digests.send_due(utc(2025, 12, 8))
    by_address = {m.to[0]: m for m in django_mail.outbox}
    assert set(by_address) == {german.user.email, english.user.email}

    de = by_address[german.user.email]
    assert de.subject == "[dailyadmin] digest-team: Anwesenheit der Woche ab 1. Dez. 2025"
    assert "Anwesenheitsbericht von digest-team, 1. Dez. 2025 bis 7. Dez. 2025" in de.body
    assert "Besprechungen (2):" in de.body
    assert "So 7. Dez., 23:00  retro  30 Min." in de.body
    assert "Personen unter 80 % Anwesenheit (1 von 2):" in de.body
    assert "- Ben <ben@example.com>: 33 % in 1 Besprechung" in de.body
    assert "Um diese E-Mails abzubestellen: " in de.body
    assert "Meetings" not in de.body and "To stop" not in de.body
    # The attached CSV stays English in every language.
    [(_, content, _)] = de.attachments
    assert content.lstrip("\ufeff").startswith("Person,Identity,Meetings")

    en = by_address[english.user.email]
    assert en.subject == "[dailyadmin] digest-team: attendance week of 1 Dec 2025"
    assert "Meetings (2):" in en.body and "Sun 7 Dec, 23:00  retro  30 min" in en.body
    assert "- Ben <ben@example.com>: 33% over 1 meeting" in en.body
    assert "Besprechungen" not in en.body


def test_a_subscriber_with_no_language_gets_the_sites_language(week, settings):
    sub = _created(_subscribe(week), utc(2025, 12, 1, 0))
    assert not UserPreference.objects.filter(user=sub.user).exists()
    settings.LANGUAGE_CODE = "de"
    assert digests.send_one(sub, utc(2025, 12, 8))
    assert "Besprechungen (2):" in django_mail.outbox[0].body
    settings.LANGUAGE_CODE = "en"
    # A language the dashboard no longer offers: the site's too.
    _prefers(sub, "fr")
    DigestDelivery.objects.all().delete()
    assert digests.send_one(sub, utc(2025, 12, 8))
    assert "Meetings (2):" in django_mail.outbox[1].body
