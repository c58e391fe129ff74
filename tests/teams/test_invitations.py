"""Invitations: an owner invites an address with a role; the link works once, until it
expires or is revoked; the invitee accepts with their login or a new one. The owner's page
never tells whether the address has an account."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teams.models import AuditAction, AuditEvent, Invitation, Membership, Outcome, Role
from teams.services import invitations
from tests.factories import PASSWORD, make_member, make_team, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/invitation/([^\s/]+)/")
NEW_PASSWORD = "a-long-unusual-pass-42"


@pytest.fixture
def team():
    return make_team("acme")


@pytest.fixture
def owner_client(team, login):
    return login(team, Role.OWNER)


def _invite(client, team, email="new@example.com", role="admin", follow=False):
    url = reverse("teams:member_invite", args=[team.slug])
    return client.post(url, {"email": email, "role": role}, follow=follow)


def _token_of(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def _open(client: Client, token: str):
    """Follow the emailed link as the invitee does: to the accept page."""
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("invitation_accept")
    return client.get(reverse("invitation_accept"))


def test_an_owner_invites_an_address_and_it_gets_a_link(team, owner_client):
    response = _invite(owner_client, team, "New@Example.COM", follow=True)
    assert "Invitation sent to New@example.com." in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["New@example.com"]
    assert "acme" in message.subject and "as admin" in message.body
    token = _token_of(message)
    invitation = Invitation.objects.get(team=team)
    # Only the digest is stored; the token itself is nowhere in the database.
    assert invitation.token_hash == invitations.digest(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_SEND)
    assert event.outcome == Outcome.OK and event.target == "New@example.com (Admin)"
    assert token not in f"{event.target} {event.message}"
    assert "New@example.com" in response.content.decode()  # listed as open


def test_the_owner_learns_nothing_about_accounts_from_an_invitation(team, owner_client):
    make_user("bob", email="bob@example.com")
    existing = _invite(owner_client, team, "bob@example.com")
    unknown = _invite(owner_client, team, "zq81@example.com")
    assert (existing.status_code, existing["Location"]) == (
        unknown.status_code,
        unknown["Location"],
    )
    page = owner_client.get(reverse("teams:members", args=[team.slug]))
    body = page.content.decode()
    # Both are said sent and listed as open invitations, alike.
    assert body.count("bob@example.com") == body.count("zq81@example.com") == 3
    assert body.replace("bob@", "X@").count("X@example.com") == 3
    bodies = [LINK.sub("LINK", m.body).replace(m.to[0], "ADDRESS") for m in mail.outbox]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    # Not even a member of the team is told apart.
    member = make_member(team, Role.MANAGER, username="mel")
    member.email = "mel@example.com"
    member.save()
    again = _invite(owner_client, team, "mel@example.com", follow=True)
    assert "Invitation sent to mel@example.com." in again.content.decode()


def test_a_logged_in_user_accepts_once_and_becomes_a_member(team, owner_client, login):
    _invite(owner_client, team, "bob@example.com", role="manager")
    token = _token_of(mail.outbox[0])
    bob = make_user("bob", email="bob@example.com")
    client = login(user=bob)
    page = _open(client, token)
    assert page.status_code == 200 and "Accept as bob" in page.content.decode()
    response = client.post(reverse("invitation_accept"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:overview", args=[team.slug])
    assert Membership.objects.get(team=team, user=bob).role == Role.MANAGER
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == bob and invitation.accepted_at is not None
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPT)
    assert event.actor == bob and event.outcome == Outcome.OK
    assert event.target == "bob (Manager)" and "bob@example.com" in event.message
    # Single use: the link now says it does not work, to anyone.
    again = _open(login(user=make_user()), token)
    assert again.status_code == 404 and "does not work" in again.content.decode()


def test_a_visitor_creates_a_login_and_joins(team, owner_client):
    _invite(owner_client, team, "new@example.com", role="admin")
    token = _token_of(mail.outbox[0])
    visitor = Client()
    page = _open(visitor, token)
    assert "Create my login and join" in page.content.decode()
    response = visitor.post(
        reverse("invitation_accept"),
        {"username": "nina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("dashboard:overview", args=[team.slug])
    nina = get_user_model().objects.get(username="nina")
    assert nina.email == "new@example.com" and nina.check_password(NEW_PASSWORD)
    assert Membership.objects.get(team=team, user=nina).role == Role.ADMIN
    # Logged in as the new login.
    assert visitor.get(reverse("dashboard:overview", args=[team.slug])).status_code == 200


def test_a_weak_password_or_a_taken_username_is_explained_and_creates_nothing(team, owner_client):
    make_user("taken")
    _invite(owner_client, team)
    visitor = Client()
    _open(visitor, _token_of(mail.outbox[0]))
    weak = visitor.post(
        reverse("invitation_accept"), {"username": "nina", "password1": "123", "password2": "123"}
    )
    assert weak.status_code == 200 and "This password is too short" in weak.content.decode()
    taken = visitor.post(
        reverse("invitation_accept"),
        {"username": "taken", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "already exists" in taken.content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()
    assert Membership.objects.filter(team=team).count() == 1
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_user_logs_in_from_the_invitation_then_accepts(team, owner_client):
    _invite(owner_client, team, "bob@example.com")
    token = _token_of(mail.outbox[0])
    bob = make_user("bob", email="bob@example.com")
    visitor = Client()
    page = _open(visitor, token)
    login_url = f"{reverse('login')}?next={reverse('invitation_accept')}"
    assert login_url in page.content.decode()
    response = visitor.post(
        login_url, {"username": "bob", "password": PASSWORD, "next": reverse("invitation_accept")}
    )
    assert response["Location"] == reverse("invitation_accept")
    # The invitation survived the login (the token is in the session, not the URL).
    assert "Accept as bob" in visitor.get(reverse("invitation_accept")).content.decode()
    visitor.post(reverse("invitation_accept"))
    assert Membership.objects.filter(team=team, user=bob).exists()


def test_an_expired_link_does_not_work(team, owner_client):
    _invite(owner_client, team)
    token = _token_of(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    visitor = Client()
    assert _open(visitor, token).status_code == 404
    response = visitor.post(
        reverse("invitation_accept"),
        {"username": "late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert not get_user_model().objects.filter(username="late").exists()
    # The owner sees it as expired, with a way to send it again.
    page = owner_client.get(reverse("teams:members", args=[team.slug])).content.decode()
    assert "expired" in page and "Send again" in page


def test_a_revoked_link_stops_working_and_the_revocation_is_audited(team, owner_client):
    _invite(owner_client, team)
    token = _token_of(mail.outbox[0])
    visitor = Client()
    assert _open(visitor, token).status_code == 200  # opened before the revocation
    invitation = Invitation.objects.get()
    url = reverse("teams:invitation_revoke", args=[team.slug, invitation.pk])
    response = owner_client.post(url, follow=True)
    assert "The invitation to new@example.com is revoked." in response.content.decode()
    assert visitor.get(reverse("invitation_accept")).status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_REVOKE)
    assert event.outcome == Outcome.OK and event.target == "new@example.com (Admin)"
    # Revoked is not open: revoking or resending again is a 404.
    assert owner_client.post(url).status_code == 404


def test_sending_again_replaces_the_link(team, owner_client, login):
    _invite(owner_client, team)
    first = _token_of(mail.outbox[0])
    invitation = Invitation.objects.get()
    url = reverse("teams:invitation_resend", args=[team.slug, invitation.pk])
    owner_client.post(url)
    second = _token_of(mail.outbox[1])
    assert first != second and Invitation.objects.count() == 1
    assert _open(Client(), first).status_code == 404
    client = login(user=make_user("bob"))
    assert _open(client, second).status_code == 200
    events = AuditEvent.objects.filter(action=AuditAction.INVITATION_SEND).order_by("pk")
    assert [e.message for e in events] == ["", "sent again with a new link"]


def test_inviting_an_invited_address_again_renews_the_one_invitation(team, owner_client):
    _invite(owner_client, team, "new@example.com", role="manager")
    _invite(owner_client, team, "NEW@example.com", role="owner")
    invitation = Invitation.objects.get()
    assert invitation.role == Role.OWNER
    assert _open(Client(), _token_of(mail.outbox[0])).status_code == 404
    assert _open(Client(), _token_of(mail.outbox[1])).status_code == 200


def test_a_member_already_in_the_team_is_told_and_the_invitation_stays_open(
    team, owner_client, login
):
    _invite(owner_client, team)
    dan = make_member(team, Role.MANAGER, username="dan")
    client = login(user=dan)
    _open(client, _token_of(mail.outbox[0]))
    response = client.post(reverse("invitation_accept"), follow=True)
    assert "dan is already a member of acme" in response.content.decode()
    assert Membership.objects.get(team=team, user=dan).role == Role.MANAGER
    assert Invitation.objects.get().accepted_at is None
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPT)
    assert event.outcome == Outcome.FAILED and event.error_type == "Refused"


def test_an_unknown_token_or_none_answers_the_invalid_page(client):
    assert _open(client, "not-a-token").status_code == 404
    fresh = Client()
    response = fresh.get(reverse("invitation_accept"))
    assert response.status_code == 404 and "does not work" in response.content.decode()


def test_an_invitation_of_another_team_cannot_be_revoked_through_this_one(team, owner_client):
    other = make_team("other")
    theirs_owner = make_member(other, Role.OWNER)
    invitation = invitations.invite(
        actor=theirs_owner,
        team=other,
        email="x@example.com",
        role=Role.ADMIN,
        link_for=lambda t: f"http://testserver/invitation/{t}/",
    )
    for name in ("invitation_revoke", "invitation_resend"):
        url = reverse(f"teams:{name}", args=[team.slug, invitation.pk])
        assert owner_client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_bad_address_is_explained_and_sends_nothing(team, owner_client):
    response = _invite(owner_client, team, "not an address")
    assert response.status_code == 200 and "valid email address" in response.content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_server_that_cannot_be_reached_saves_nothing_and_says_so(
    team, owner_client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    response = _invite(owner_client, team, follow=True)
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert not Invitation.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_SEND)
    assert event.outcome == Outcome.FAILED and event.error_type == "Refused"


def test_the_members_page_reads_invitations_in_constant_queries(team, owner_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert owner_client.get(reverse("teams:members", args=[team.slug])).status_code == 200
        return len(ctx)

    _invite(owner_client, team, "a@example.com")
    few = queries()
    for i in range(6):
        _invite(owner_client, team, f"b{i}@example.com")
        make_member(team, Role.MANAGER)
    assert queries() == few
