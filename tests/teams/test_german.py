"""The teams pages in German (docs/operations.md, "Languages"): their messages, refusals and
labels follow the reader's language, while the audit log keeps its records in English."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse
from django.utils import translation

from teams.models import AuditAction, AuditEvent, Membership, Outcome, Role
from teams.services import audit_log
from tests.factories import make_member, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("acme")


@pytest.fixture
def owner(team, login):
    client = login(team, Role.OWNER)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    return client


def _url(team, name, **kwargs):
    return reverse(f"teams:{name}", kwargs={"team_slug": team.slug, **kwargs})


def test_a_refusal_is_shown_in_german_and_audited_in_english(team, owner):
    me = Membership.objects.get(team=team, user=owner.user)
    response = owner.post(_url(team, "member_role", membership_id=me.pk), {"role": "admin"})
    body = owner.get(response["Location"]).content.decode()
    name = owner.user.get_username()
    assert f"{name} ist der letzte Eigentümer von acme." in body
    assert "is the last owner" not in body
    event = AuditEvent.objects.get(action=AuditAction.MEMBERSHIP_CHANGE)
    assert event.outcome == Outcome.FAILED
    assert event.message == f"{name} is the last owner of acme. " + (
        "Make someone else an owner first: a team always keeps at least one owner."
    )
    assert event.target == f"{name} (Admin)"


def test_a_role_change_is_said_in_german_and_its_audit_event_in_english(team, owner):
    ada = Membership.objects.get(user=make_member(team, Role.MANAGER, username="ada"))
    response = owner.post(_url(team, "member_role", membership_id=ada.pk), {"role": "owner"})
    body = owner.get(response["Location"]).content.decode()
    assert "ada hat jetzt die Rolle Eigentümer in acme." in body
    event = AuditEvent.objects.get(action=AuditAction.MEMBERSHIP_CHANGE)
    assert (event.target, event.message) == ("ada (Owner)", "was Manager")


def test_the_members_page_and_its_role_matrix_are_in_german(team, owner):
    body = owner.get(_url(team, "members")).content.decode()
    for german in ("Dashboard-Mitglieder", "Jemanden einladen", "Rechte der Rollen"):
        assert german in body
    assert "Audit-Protokoll ansehen" in body  # the matrix's labels
    assert '<option value="owner" selected>Eigentümer</option>' in body
    assert "What each role can do" not in body


def test_the_audit_log_shows_its_labels_in_german_and_exports_them_in_english(team, owner):
    ada = Membership.objects.get(user=make_member(team, Role.MANAGER, username="ada"))
    owner.post(_url(team, "member_remove", membership_id=ada.pk))
    body = owner.get(_url(team, "audit")).content.decode()
    assert "Dashboard-Mitglied entfernt" in body and "1 Ereignis" in body
    with translation.override("de"):
        rows = list(audit_log.csv_rows(team, audit_log.Filters()))
    assert rows[0][4] == "Dashboard member removed"


def test_the_settings_page_says_what_changed_in_german(team, owner):
    data = {
        "name": team.name,
        "dialect": team.dialect,
        "base_url": team.base_url,
        "time_zone": "Europe/Berlin",
        "sync_interval": team.sync_interval,
    }
    if team.sync_enabled:
        data["sync_enabled"] = "on"
    response = owner.post(_url(team, "settings"), data, follow=True)
    body = response.content.decode()
    assert "Gespeichert: Zeitzone." in body
    event = AuditEvent.objects.get(action=AuditAction.TEAM_UPDATE)
    assert event.message.startswith("time zone: ")


def test_a_time_zone_that_is_not_one_is_refused_in_german(team, owner):
    data = {"name": team.name, "dialect": team.dialect, "base_url": team.base_url}
    data.update(time_zone="Europe/Pariss", sync_interval=team.sync_interval)
    body = owner.post(_url(team, "settings"), data).content.decode()
    assert "„Europe/Pariss“ ist keine Zeitzone. Meinten Sie Europe/Paris" in body


def test_a_mail_server_that_cannot_be_reached_is_said_in_german(team, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sock.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    data = {"email": "new@example.com", "role": "manager"}
    body = owner.post(_url(team, "member_invite"), data, follow=True).content.decode()
    assert (
        "Die Einladung an new@example.com konnte nicht gesendet werden. "
        "Der Mailserver war nicht erreichbar. Es wurde nichts gespeichert" in body
    )
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_SEND)
    assert event.message == (
        "The invitation to new@example.com could not be sent. "
        "The mail server could not be reached. Nothing was saved; try again."
    )


def test_a_role_that_cannot_open_a_page_is_told_so_in_german(team, login):
    manager = login(team, Role.MANAGER)
    response = manager.get(_url(team, "settings"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 403
    assert "Ihre Rolle (Manager) darf das nicht." in response.content.decode()
