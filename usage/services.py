"""The usage mutations, each through `teams.audit.perform_local` (audited, ok or refused).

Audit action (a free string in the usage namespace, as recordings' are): "usage.price"."""

from __future__ import annotations

from decimal import Decimal

from teams.audit import User, perform_local
from teams.models import AuditAction, Team
from teams.permissions import Permission
from usage.models import UsagePrice

PRICE_ACTION = AuditAction.USAGE_PRICE
# Setting what the team spends is for owners and admins: the permission they hold over
# what costs money on Daily (rooms, recordings).
SET_PRICE = Permission.MANAGE_ROOMS


def set_price(
    *, actor: User, team: Team, per_minute: Decimal | None, currency: str, request_id: str = ""
) -> UsagePrice | None:
    """Set (or, with None, remove) the team's price per participant-minute."""

    def operation() -> UsagePrice | None:
        if per_minute is None:
            UsagePrice.objects.filter(team=team).delete()
            return None
        price, _ = UsagePrice.objects.update_or_create(
            team=team,
            defaults={"per_minute": per_minute, "currency": currency, "updated_by": actor},
        )
        return price

    message = (
        "price removed" if per_minute is None else f"{per_minute} {currency} per participant-minute"
    )
    return perform_local(
        actor=actor,
        team=team,
        permission=SET_PRICE,
        action=PRICE_ACTION,
        target=team.slug,
        operation=operation,
        request_id=request_id,
        message=message,
    )
