"""Rooms: the mutations (each through `teams.audit.perform`), and presence.

Reads of a team's rooms (and a domains team's users and invite link) come from the
mirror the worker keeps (`rooms.mirror`, read with SQL by `rooms.listing`), never from
Daily in a page view. Presence (who is in a room now) is one Daily call per team, cached
for `settings.DAILY_PRESENCE_CACHE_SECONDS`.

Invalidation. Every mutation calls `invalidate(team)`, which moves the team to a new cache
generation. A slow read that started before the mutation writes its (stale) answer under
the old generation, where nobody looks, so it cannot bring back what the mutation changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache

from daily import (
    Capability,
    DailyClient,
    MeetingTokenProperties,
    NotFound,
    PresenceParticipant,
    Privacy,
    Room,
    RoomProperties,
)
from daily import Dialect as DailyDialect
from daily import validation as daily_validation
from daily.enums import CAPABILITIES, PRIVACY_CHOICES
from rooms import mirror
from teams.audit import perform
from teams.daily_client import client_for
from teams.models import AuditAction, Team
from teams.permissions import Permission

T = TypeVar("T")
User = AbstractBaseUser | AnonymousUser

_PREFIX = "dailyadmin:rooms"


# -- capabilities (a static mapping by dialect: no client needed to draw a page) -----------


def dialect_of(team: Team) -> DailyDialect:
    return DailyDialect(team.dialect)


def capabilities(team: Team) -> frozenset[Capability]:
    return CAPABILITIES[dialect_of(team)]


def supports(team: Team, capability: Capability) -> bool:
    return capability in capabilities(team)


def privacy_choices(team: Team) -> tuple[Privacy, ...]:
    return PRIVACY_CHOICES[dialect_of(team)]


def check_room_name(team: Team, name: object, *, field: str = "name") -> str:
    """Daily's own name rules for this team's dialect (raises daily.InvalidInput)."""
    dialect = dialect_of(team)
    return daily_validation.room_name(
        name,
        dialect=dialect,
        team=team.name if dialect is DailyDialect.DOMAINS else None,
        field=field,
    )


# -- cache ---------------------------------------------------------------------------------


def _generation(team: Team) -> str:
    return cache.get(f"{_PREFIX}:{team.pk}:generation") or "0"


def _key(team: Team, what: str) -> str:
    # updated_at: a change of credentials, base URL or dialect starts from a clean slate.
    stamp = int(team.updated_at.timestamp()) if team.updated_at else 0
    return f"{_PREFIX}:{team.pk}:{_generation(team)}:{stamp}:{what}"


def invalidate(team: Team) -> None:
    """Forget the team's cached Daily answers. Every mutation calls this."""
    cache.set(f"{_PREFIX}:{team.pk}:generation", str(time.time_ns()), None)


# -- reads ---------------------------------------------------------------------------------


def _fetch(team: Team, call: Callable[[DailyClient], T]) -> T:
    with client_for(team) as client:
        return call(client)


def team_presence(team: Team) -> list[PresenceParticipant]:
    """Who is in which room now (rest): one Daily call for every room, reused for
    DAILY_PRESENCE_CACHE_SECONDS (an eject, like any mutation, forgets it at once)."""
    key = _key(team, "presence")
    people = cache.get(key)
    if people is None:
        people = _fetch(team, lambda c: c.presence())
        cache.set(key, people, settings.DAILY_PRESENCE_CACHE_SECONDS)
    return people


def presence(team: Team, room: str) -> list[PresenceParticipant]:
    """Who is in `room` now (rest), as of at most DAILY_PRESENCE_CACHE_SECONDS ago."""
    people = team_presence(team)
    return sorted((p for p in people if p.room == room), key=lambda p: p.join_time)


# -- mutations -----------------------------------------------------------------------------


def _mutate(
    *,
    actor: User,
    team: Team,
    action: AuditAction,
    target: str,
    operation: Callable[[DailyClient], T],
    request_id: str = "",
) -> T:
    try:
        return perform(
            actor=actor,
            team=team,
            permission=Permission.MANAGE_ROOMS,
            action=action,
            target=target,
            operation=operation,
            request_id=request_id,
        )
    finally:
        # Also after a failure: a timed-out call may still have changed something.
        invalidate(team)


def create_room(
    *,
    actor: User,
    team: Team,
    name: str | None,
    privacy: Privacy | None,
    properties: RoomProperties | None,
    request_id: str = "",
) -> Room:
    room = _mutate(
        actor=actor,
        team=team,
        action=AuditAction.ROOM_CREATE,
        target=name or "(name chosen by Daily)",
        operation=lambda c: c.create_room(name, privacy, properties),
        request_id=request_id,
    )
    # Write-through: the mirror has Daily's answer now, so the list shows it at once.
    mirror.store_room(team, room)
    return room


def set_privacy(
    *, actor: User, team: Team, room: str, privacy: Privacy, request_id: str = ""
) -> Room | None:
    """Change a room's privacy. Returns the room as Daily now has it where Daily says so
    (rest); None on domains, whose answer is only `{updated: true}`."""

    def operation(client: DailyClient) -> Room | None:
        if client.supports(Capability.ROOM_PROPERTIES):
            return client.update_room(room, privacy=privacy)
        client.set_privacy(room, privacy)
        return None

    changed = _mutate(
        actor=actor,
        team=team,
        action=AuditAction.ROOM_PRIVACY,
        target=f"{room} to {privacy.label}",
        operation=operation,
        request_id=request_id,
    )
    if changed is not None:
        mirror.store_room(team, changed)
    else:
        mirror.store_privacy(team, room, privacy)
    return changed


def update_properties(
    *, actor: User, team: Team, room: str, properties: RoomProperties, request_id: str = ""
) -> Room:
    changed = ", ".join(sorted(properties.set_fields())) or "nothing"
    updated = _mutate(
        actor=actor,
        team=team,
        action=AuditAction.ROOM_UPDATE,
        target=f"{room}: {changed}",
        operation=lambda c: c.update_room(room, properties=properties),
        request_id=request_id,
    )
    mirror.store_room(team, updated)
    return updated


def delete_room(*, actor: User, team: Team, room: str, request_id: str = "") -> None:
    try:
        _mutate(
            actor=actor,
            team=team,
            action=AuditAction.ROOM_DELETE,
            target=room,
            operation=lambda c: c.delete_room(room),
            request_id=request_id,
        )
    except NotFound:
        # Daily has no such room: neither may the list.
        mirror.forget_room(team, room)
        raise
    mirror.forget_room(team, room)


def eject(
    *, actor: User, team: Team, room: str, session_id: str, who: str, request_id: str = ""
) -> list[str]:
    return _mutate(
        actor=actor,
        team=team,
        action=AuditAction.PARTICIPANT_EJECT,
        target=f"{who} from room {room}",
        operation=lambda c: c.eject(room, session_ids=[session_id]),
        request_id=request_id,
    )


def issue_token(
    *, actor: User, team: Team, properties: MeetingTokenProperties, request_id: str = ""
) -> str:
    """A meeting token. The audit event names the room and the user, never the token."""
    who = properties.user_name or properties.user_id or "an unnamed user"
    return perform(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_ROOMS,
        action=AuditAction.TOKEN_ISSUE,
        target=f"room {properties.room_name} for user {who}",
        operation=lambda c: c.create_meeting_token(properties),
        request_id=request_id,
    )


# -- messages ------------------------------------------------------------------------------
