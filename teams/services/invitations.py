"""Invitations: how an owner adds someone to a team without learning who has an account.

The owner gives an email address and a role; the dashboard emails a link. Whoever opens it
accepts with the login they have, or creates one, and becomes a member with that role. The
owner's page says "Invitation sent" whatever accounts exist: it never looks them up.

The link carries a random token; the database keeps only its SHA-256 digest. A token works
once, until it expires (INVITATION_DAYS) or is revoked; sending again makes a new token, so
the earlier link stops working. Every send, resend, revocation and acceptance is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_noop

from teams import mail
from teams.audit import Refused, User, english, perform_local
from teams.models import AuditAction, Invitation, Membership, Role, Team
from teams.permissions import Permission

# Builds the absolute accept link from a token (the view knows the site's address).
LinkFor = Callable[[str], str]

# Refusals are translated where shown (`Refused.shown`); the audit log keeps them in English.
NOT_SENT = gettext_noop(
    "The invitation to %(email)s could not be sent. %(reason)s Nothing was saved; try again."
)
MEANWHILE = gettext_noop("The invitation to %(email)s was accepted or revoked meanwhile.")
NOT_VALID = gettext_noop("This invitation link is not valid any more.")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalize(email: str) -> str:
    return BaseUserManager.normalize_email(email.strip())


def pending(team: Team) -> list[Invitation]:
    """The team's open invitations, newest first (expired ones too, marked by the page)."""
    return list(
        Invitation.objects.filter(team=team, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-sent_at", "-id")
    )


def _send_mail(invitation: Invitation, token: str, link_for: LinkFor, actor: User) -> None:
    inviter = actor.get_username() if actor is not None and actor.is_authenticated else ""
    context = {
        "team": invitation.team,
        "role": Role(invitation.role).label,
        "inviter": inviter,
        "link": link_for(token),
        "expires_at": invitation.expires_at,
    }
    try:
        mail.send("teams/email/invitation", [invitation.email], context)
    except mail.MailError as exc:
        raise Refused(
            NOT_SENT, {"email": invitation.email, "reason": exc.message}, translated=("reason",)
        ) from None


def invite(
    *, actor: User, team: Team, email: str, role: Role, link_for: LinkFor, request_id: str = ""
) -> Invitation:
    """Invite `email` with `role`; an open invitation to the same address is renewed."""
    address = normalize(email)
    now = timezone.now()

    def operation() -> Invitation:
        token = new_token()
        invitation = (
            Invitation.objects.select_for_update()
            .annotate(lower=Lower("email"))
            .filter(team=team, lower=address.lower())
            .filter(accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation(team=team, email=address)
        invitation.role = role
        invitation.token_hash = digest(token)
        invitation.invited_by = actor if actor is not None and actor.is_authenticated else None
        invitation.sent_at = now
        invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:  # the same address invited at the same instant elsewhere
            raise Refused(
                gettext_noop("%(email)s was invited a moment ago; see the list below."),
                {"email": address},
            ) from None
        _send_mail(invitation, token, link_for, actor)
        return invitation

    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.INVITATION_SEND,
        target=f"{address} ({english(Role(role).label)})",
        operation=operation,
        request_id=request_id,
    )


def _open_invitation(team: Team, invitation_id: int) -> Invitation:
    return Invitation.objects.get(
        pk=invitation_id, team=team, accepted_at__isnull=True, revoked_at__isnull=True
    )


def resend(
    *, actor: User, team: Team, invitation_id: int, link_for: LinkFor, request_id: str = ""
) -> Invitation:
    """Send an open invitation again with a new link (the old one stops working) and a new
    expiry. Raises Invitation.DoesNotExist for one that is not open in this team."""
    invitation = _open_invitation(team, invitation_id)
    now = timezone.now()

    def operation() -> Invitation:
        current = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if current is None:
            raise Refused(MEANWHILE, {"email": invitation.email})
        token = new_token()
        current.token_hash = digest(token)
        current.sent_at = now
        current.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
        current.save(update_fields=["token_hash", "sent_at", "expires_at"])
        _send_mail(current, token, link_for, actor)
        return current

    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.INVITATION_SEND,
        target=f"{invitation.email} ({english(Role(invitation.role).label)})",
        operation=operation,
        message="sent again with a new link",
        request_id=request_id,
    )


def revoke(*, actor: User, team: Team, invitation_id: int, request_id: str = "") -> Invitation:
    """Revoke an open invitation: its link stops working at once."""
    invitation = _open_invitation(team, invitation_id)

    def operation() -> Invitation:
        changed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not changed:
            raise Refused(MEANWHILE, {"email": invitation.email})
        return invitation

    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.INVITATION_REVOKE,
        target=f"{invitation.email} ({english(Role(invitation.role).label)})",
        operation=operation,
        request_id=request_id,
    )


# -- the invitee's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    invitation: Invitation

    @property
    def team(self) -> Team:
        return self.invitation.team

    @property
    def role(self) -> Role:
        return Role(self.invitation.role)


def find(token: str) -> Found | None:
    """The open, unexpired invitation of this token, or None (unknown, used, revoked,
    expired: the invitee is told the same thing in every case)."""
    if not token or len(token) > 200:
        return None
    invitation = (
        Invitation.objects.select_related("team")
        .filter(token_hash=digest(token), accepted_at__isnull=True, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )
    return Found(invitation) if invitation else None


def accept(*, token: str, user: AbstractBaseUser, request_id: str = "") -> Membership:
    """Make `user` a member with the invitation's role, using the invitation up.

    Refused (and audited) when the link is no longer valid or the user is already a member
    of the team; the invitation then stays open for the right login.
    """
    found = find(token)
    if found is None:
        raise Refused(NOT_VALID)
    invitation = found.invitation

    def operation() -> Membership:
        used = Invitation.objects.filter(
            pk=invitation.pk,
            token_hash=digest(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if not used:
            raise Refused(NOT_VALID)
        try:
            with transaction.atomic():
                return Membership.objects.create(team=found.team, user=user, role=found.role)
        except IntegrityError:
            raise Refused(
                gettext_noop(
                    "%(user)s is already a member of %(team)s. "
                    "Log in with another account to accept this invitation."
                ),
                {"user": user.get_username(), "team": found.team.name},
            ) from None

    return perform_local(
        actor=user,
        team=found.team,
        permission=None,  # the link is the permission
        action=AuditAction.INVITATION_ACCEPT,
        target=f"{user.get_username()} ({english(found.role.label)})",
        operation=operation,
        message=f"invitation sent to {invitation.email}",
        request_id=request_id,
    )


def sign_up_and_accept(
    *, token: str, username: str, password: str, request_id: str = ""
) -> Membership:
    """Create a login for the invitee (the invitation's address as its email) and accept,
    in one transaction: no login is left behind if the invitation is no longer valid."""
    found = find(token)
    if found is None:
        raise Refused(NOT_VALID)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    username=username, email=found.invitation.email, password=password
                )
        except IntegrityError:
            raise Refused(
                gettext_noop("The username %(username)s was just taken; choose another."),
                {"username": username},
            ) from None
        return accept(token=token, user=user, request_id=request_id)
