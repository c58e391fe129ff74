"""Helpers the rooms views share: the room from the URL, partial or page, error context."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from daily import Capability, DailyError, InvalidInput, NotFound, Room
from daily import Dialect as DailyDialect
from rooms import mirror, services
from teams.daily_client import client_for
from teams.models import Role, Team
from teams.permissions import Permission, has_permission
from teams.services.errors import describe


def room_name_or_404(team: Team, name: str) -> str:
    """A room name from the URL, checked with Daily's rules: anything else is a 404."""
    try:
        return services.check_room_name(team, name)
    except InvalidInput:
        raise Http404("No such room") from None


def room_or_404(team: Team, name: str) -> Room:
    """The room as the mirror has it (no Daily call): what a row of the list acts on."""
    row = mirror.rooms(team).filter(name=room_name_or_404(team, name)).first()
    if row is None:
        raise Http404("No such room")
    return mirror.to_room(row)


def fresh_room_or_404(team: Team, name: str) -> Room:
    """The room as Daily has it now (one call), for the detail page; the mirror is brought
    in step when Daily's answer differs from it (changed or deleted elsewhere).
    Upstream failures propagate as DailyError."""
    checked = room_name_or_404(team, name)
    try:
        with client_for(team) as client:
            room = client.get_room(checked)
    except NotFound:
        mirror.forget_room(team, checked)
        raise Http404("No such room") from None
    known = mirror.rooms(team).filter(name=checked).first()
    if known is None or mirror.to_room(known) != room:
        mirror.store_room(team, room)
    return room


def team_context(team: Team, role: Role) -> dict[str, Any]:
    caps = services.capabilities(team)
    return {
        "can_manage": has_permission(role, Permission.MANAGE_ROOMS),
        "has_properties": Capability.ROOM_PROPERTIES in caps,
        "has_tokens": Capability.MEETING_TOKENS in caps,
        "has_presence": Capability.PRESENCE in caps,
        "has_eject": Capability.EJECT in caps,
        "has_dial_in_pin": Capability.DIAL_IN_PIN in caps,
        "privacy_choices": services.privacy_choices(team),
        # The domains team info lists rooms without a creation time.
        "has_created": services.dialect_of(team) is DailyDialect.REST,
    }


def error_context(exc: DailyError, retry_url: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error_message": describe(exc), "retry_url": retry_url, **extra}
