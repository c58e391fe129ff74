"""A team's requirement that its owners and admins use a second factor.

`covered(user, team_slug)` answers on every team page, so the common case costs nothing:
the teams with the requirement on are a small map (slug to id) kept in the cache, and only
on those teams are the person's role and devices looked up. The map is forgotten whenever a
policy or a team changes.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from teams.models import Membership, Role, Team
from twofactor.models import SecondFactorPolicy

_KEY = "twofactor:policy-teams"
_TIMEOUT = 300
COVERED_ROLES = (Role.OWNER, Role.ADMIN)


def required_teams() -> dict[str, int]:
    """The teams whose owners and admins must use a second factor, by slug."""
    teams = cache.get(_KEY)
    if teams is None:
        ids = list(
            SecondFactorPolicy.objects.filter(required=True).values_list("team_id", flat=True)
        )
        teams = dict(Team.objects.filter(pk__in=ids).values_list("slug", "pk")) if ids else {}
        cache.set(_KEY, teams, _TIMEOUT)
    return teams


def forget(**_kwargs) -> None:
    # Now, and again after the commit: a request in between may have read the old rows.
    cache.delete(_KEY)
    transaction.on_commit(lambda: cache.delete(_KEY))


def connect_signals() -> None:
    for model in (SecondFactorPolicy, Team):
        post_save.connect(forget, sender=model, dispatch_uid=f"twofactor-forget-{model.__name__}")
        post_delete.connect(
            forget, sender=model, dispatch_uid=f"twofactor-forget-del-{model.__name__}"
        )


def is_required(team: Team) -> bool:
    return team.slug in required_teams()


def covered(user, team_slug: str) -> bool:
    """Whether `user` must use a second factor on the pages of the team `team_slug`."""
    if not getattr(user, "is_authenticated", False):
        return False
    team_id = required_teams().get(team_slug)
    if team_id is None:
        return False
    if user.is_superuser:  # acts as an owner everywhere
        return True
    return Membership.objects.filter(user=user, team_id=team_id, role__in=COVERED_ROLES).exists()


def set_required(team: Team, required: bool) -> bool:
    """Store the requirement; return whether it changed."""
    policy, _ = SecondFactorPolicy.objects.get_or_create(team=team)
    if policy.required == required:
        return False
    policy.required = required
    policy.save(update_fields=["required", "updated_at"])
    return True
