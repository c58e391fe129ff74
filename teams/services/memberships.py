"""Dashboard memberships: who may use a team, with which role.

Every change goes through `teams.audit.perform_local` (role check, change, audit event).
A team never loses its last owner: the owner rows are locked (`select_for_update`) before
they are counted, so two concurrent demotions of the last two owners cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from teams.audit import Refused, User, english, perform_local
from teams.models import AuditAction, Membership, Role, Team
from teams.permissions import Permission, has_permission

# Translated where shown (`Refused.shown`); the audit log keeps them in English.
LAST_OWNER = gettext_noop(
    "%(user)s is the last owner of %(team)s. Make someone else an owner first: "
    "a team always keeps at least one owner."
)
GONE = gettext_noop("%(user)s is no longer a member of %(team)s.")


# The role matrix in words, for the members page (the matrix itself is ROLE_PERMISSIONS).
PERMISSION_LABELS = {
    Permission.VIEW_TEAM: _("View the team, rooms, users and invite link"),
    Permission.MANAGE_ROOMS: _(
        "Create and delete rooms, change privacy and properties, issue tokens"
    ),
    Permission.REMOVE_USERS: _("Remove a user from the Daily team"),
    Permission.VIEW_ATTENDANCE: _("View and export attendance, start a sync"),
    Permission.MANAGE_TEAM: _("Edit the API settings and token, manage dashboard members"),
    Permission.VIEW_AUDIT: _("View the audit log"),
}


@dataclass(frozen=True)
class MembersPage:
    memberships: list[Membership]

    @property
    def sole_owner_id(self) -> int | None:
        """The membership that can be neither demoted nor removed, if there is one."""
        owners = [m.pk for m in self.memberships if m.role == Role.OWNER]
        return owners[0] if len(owners) == 1 else None

    @property
    def matrix(self) -> list[tuple[str, list[bool]]]:
        return [
            (label, [has_permission(role, permission) for role in Role])
            for permission, label in PERMISSION_LABELS.items()
        ]


def members_page(team: Team) -> MembersPage:
    return MembersPage(
        memberships=list(
            Membership.objects.filter(team=team).select_related("user").order_by("user__username")
        )
    )


def _params(membership: Membership, team: Team) -> dict[str, object]:
    return {"user": membership.user.get_username(), "team": team.name}


def _describe(user: AbstractBaseUser, role: Role | str) -> str:
    return f"{user.get_username()} ({english(Role(role).label)})"


def _lock_owners(team: Team) -> list[int]:
    """Lock the team's owner rows and return their ids (call inside a transaction)."""
    return list(
        Membership.objects.select_for_update()
        .filter(team=team, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def change_role(
    *, actor: User, team: Team, membership_id: int, role: Role, request_id: str = ""
) -> Membership:
    """Change a member's role; demoting the last owner is refused."""
    membership = Membership.objects.select_related("user").get(pk=membership_id, team=team)

    def operation() -> Membership:
        with transaction.atomic():
            owners = _lock_owners(team)
            current = Membership.objects.select_for_update().filter(pk=membership.pk).first()
            if current is None:
                raise Refused(GONE, _params(membership, team))
            if current.role == Role.OWNER and role != Role.OWNER and owners == [current.pk]:
                raise Refused(LAST_OWNER, _params(membership, team))
            current.role = role
            current.save(update_fields=["role"])
            current.user = membership.user
            return current

    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.MEMBERSHIP_CHANGE,
        target=_describe(membership.user, role),
        operation=operation,
        message=f"was {english(Role(membership.role).label)}",
        request_id=request_id,
    )


def remove_member(
    *, actor: User, team: Team, membership_id: int, request_id: str = ""
) -> Membership:
    """Remove a member from the dashboard team; removing the last owner is refused."""
    membership = Membership.objects.select_related("user").get(pk=membership_id, team=team)

    def operation() -> None:
        with transaction.atomic():
            owners = _lock_owners(team)
            if owners == [membership.pk]:
                raise Refused(LAST_OWNER, _params(membership, team))
            deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
            if not deleted:
                raise Refused(GONE, _params(membership, team))

    perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.MEMBERSHIP_REMOVE,
        target=_describe(membership.user, membership.role),
        operation=operation,
        request_id=request_id,
    )
    return membership


def set_alert_emails(*, actor: User, team: Team, enabled: bool, request_id: str = "") -> Membership:
    """An owner turns the team's alert emails on or off for themselves."""
    membership = Membership.objects.select_related("user").get(
        team=team, user_id=getattr(actor, "pk", None)
    )

    def operation() -> Membership:
        membership.alert_emails = enabled
        membership.save(update_fields=["alert_emails"])
        return membership

    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.MEMBERSHIP_ALERTS,
        target=membership.user.get_username(),
        operation=operation,
        message="alert emails on" if enabled else "alert emails off",
        request_id=request_id,
    )
