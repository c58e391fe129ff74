"""The role matrix of the dashboard, and the checks every view makes.

The matrix lives here and only here; views ask for a permission, never for a
role, so a change to the matrix is a change to this table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from teams.models import Membership, Role, Team
from teams.signals import team_page_opening


class Permission(enum.StrEnum):
    VIEW_TEAM = "view_team"  # team, rooms, users, invite link
    MANAGE_ROOMS = "manage_rooms"  # create/delete rooms, privacy, properties, tokens, eject
    REMOVE_USERS = "remove_users"  # remove a user from the Daily team
    VIEW_ATTENDANCE = "view_attendance"  # view and export attendance, trigger a sync
    MANAGE_TEAM = "manage_team"  # credentials, dialect, dashboard memberships
    VIEW_AUDIT = "view_audit"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(
        {
            Permission.VIEW_TEAM,
            Permission.MANAGE_ROOMS,
            Permission.REMOVE_USERS,
            Permission.VIEW_ATTENDANCE,
            Permission.VIEW_AUDIT,
        }
    ),
    Role.MANAGER: frozenset({Permission.VIEW_TEAM, Permission.VIEW_ATTENDANCE}),
}


def may_connect_team(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether this person may connect a Daily team from the dashboard, becoming its owner:
    the operator's TEAM_CONNECT_ALLOWED (superusers, staff, or everyone with a login)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    allowed = settings.TEAM_CONNECT_ALLOWED
    return bool(
        user.is_superuser
        or allowed == "everyone"
        or (allowed == "staff" and getattr(user, "is_staff", False))
    )


def role_of(user: AbstractBaseUser | AnonymousUser, team: Team) -> Role | None:
    """The user's role in the team; superusers act as owners everywhere."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.OWNER
    role = (
        Membership.objects.filter(user_id=user.pk, team_id=team.pk)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def has_permission(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in ROLE_PERMISSIONS[role]


def teams_of(user: Any) -> list[tuple[Team, Role]]:
    """The teams a person may open, with their role; superusers see every team as owners."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return [(team, Role.OWNER) for team in Team.objects.order_by("name", "slug")]
    memberships = Membership.objects.filter(user=user).select_related("team").order_by("team__name")
    return [(m.team, Role(m.role)) for m in memberships]


def get_team_for(
    user: AbstractBaseUser | AnonymousUser,
    slug: str,
    permission: Permission,
    teams: list[tuple[Team, Role]] | None = None,
) -> tuple[Team, Role]:
    """The team named by `slug` if the user may act on it.

    A team the user is not a member of answers 404, not 403: the dashboard
    does not reveal which teams exist. A member without the permission gets 403.
    `teams`: the user's `teams_of`, when the caller has it; the team is looked up in it.
    """
    if teams is not None:
        team, role = next(((t, r) for t, r in teams if t.slug == slug), (None, None))
    else:
        team = Team.objects.filter(slug=slug).first()
        role = None if team is None else role_of(user, team)
    if team is None or role is None:
        raise Http404("No such team")
    if not has_permission(role, permission):
        raise PermissionDenied(
            gettext("Your role (%(role)s) cannot do this.") % {"role": role.label}
        )
    return team, role


def ensure_permission(
    user: AbstractBaseUser | AnonymousUser, team: Team, permission: Permission
) -> Role:
    role = role_of(user, team)
    if not has_permission(role, permission):
        raise PermissionDenied(gettext("Your role cannot do this."))
    assert role is not None
    return role


def team_view(permission: Permission) -> Callable:
    """Decorate a view taking ``team_slug``: login, team lookup and role check.

    The view receives ``team`` and ``role`` as keyword arguments in place of
    the slug.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, team_slug: str, *args: Any, **kwargs: Any):
            # A member's teams (the switcher's list) and the role in this one: one query.
            # A superuser's list is every team, read only if the page shows it.
            teams = None if request.user.is_superuser else teams_of(request.user)
            team, role = get_team_for(request.user, team_slug, permission, teams)
            if teams is not None:
                request.switcher_teams = teams  # type: ignore[attr-defined]
            request.team = team  # type: ignore[attr-defined]
            request.team_role = role  # type: ignore[attr-defined]
            for _receiver, answer in team_page_opening.send(
                sender=Team, request=request, team=team, role=role
            ):
                if answer is not None:
                    return answer
            # Times on a team's pages read in the team's time zone, forms included.
            with timezone.override(team.tz):
                return view(request, *args, team=team, role=role, **kwargs)

        wrapper.required_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator
