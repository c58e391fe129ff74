"""Typed results of the service layer. Views and tasks never see Daily's raw dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from daily.domain_config import DomainProperties
from daily.enums import Privacy, TeamRole
from daily.properties import RoomProperties

# Logged-out participants on the domains API carry one of these instead of an email.
DOMAINS_GUEST_EMAILS = frozenset({"guest", "Daily.co TV"})
# Reference: docs.daily.co/reference/rest-api/meeting-tokens/config, `user_id`: on a domain
# configured for HIPAA, a user_id that is not a UUID comes back from /meetings as the
# string "hipaa". It names nobody: such a session counts as a guest, never as one person.
HIPAA_USER_ID = "hipaa"


@dataclass(frozen=True)
class Room:
    """A room of either dialect.

    `privacy` is None when Daily did not report it: the domains team-info call lists rooms
    with only a name and a dial-in PIN, so their privacy is unknown there.
    """

    name: str
    privacy: Privacy | None
    url: str
    id: str | None = None
    created_at: datetime | None = None
    api_created: bool | None = None
    dial_in_pin: str | None = None
    # One shared all-defaults instance: RoomProperties is immutable.
    properties: RoomProperties = field(default_factory=RoomProperties.all_defaults)

    @property
    def sip_endpoint(self) -> str | None:
        return self.properties.sip_endpoint


@dataclass(frozen=True)
class RoomSpec:
    """One room of a batch create (REST)."""

    name: str | None = None
    privacy: Privacy | None = None
    properties: RoomProperties | None = None


@dataclass(frozen=True)
class TeamUser:
    email: str
    name: str | None
    avatar_url: str | None
    role: TeamRole


@dataclass(frozen=True)
class TeamInfo:
    name: str
    invite_link: str | None
    rooms: list[Room]
    users: list[TeamUser]


@dataclass(frozen=True)
class Participant:
    """One participant session in a meeting.

    domains: `email` is set (an address, "guest" or "Daily.co TV"); `session_key` is
    f"{email}|{join isoformat}", the natural key (meeting, email, mtgJoin).
    rest: `email` is None; `session_key` is Daily's `participant_id` (the session id);
    `user_id` is None when no meeting token set one (Daily sends null, the session id, or
    "hipaa" then: all three read as None here, so `identity` is the session).
    `leave` is None for someone still in an ongoing meeting (`still_in`). `duration` is
    then the time so far on rest (Daily always sends a number) and None on domains.
    """

    session_key: str
    user_id: str | None
    user_name: str | None
    email: str | None
    join: datetime
    leave: datetime | None
    duration: int | None

    @property
    def still_in(self) -> bool:
        """In the meeting now: the meeting is ongoing and this session has not left."""
        return self.leave is None

    @property
    def is_guest(self) -> bool:
        if self.email is not None:
            return self.email in DOMAINS_GUEST_EMAILS
        # REST: user_id is stable only when the meeting token carried one; otherwise
        # Daily reports null or the session id in its place ("hipaa" on HIPAA domains).
        return not self.user_id or self.user_id == self.session_key or self.user_id == HIPAA_USER_ID

    @property
    def identity(self) -> str:
        """Who this is across meetings: the email (domains), the user id, or the session."""
        if self.email is not None:
            return self.email
        if not self.is_guest and self.user_id:
            return self.user_id
        return f"session:{self.session_key}"


@dataclass(frozen=True)
class Meeting:
    """One meeting (a session of a room).

    `key` is unique per team: Daily's meeting id (rest) or f"{room}@{start isoformat}"
    (domains, whose meetings carry no ids; the natural key is (room, mtgStart)).
    `end` is None while `ongoing`. `max_participants` is Daily's peak count (rest only).
    """

    key: str
    upstream_id: str | None
    room: str
    start: datetime
    end: datetime | None
    ongoing: bool
    duration: int | None
    max_participants: int | None
    participants: list[Participant]

    @property
    def peak_participants(self) -> int:
        """Daily's peak when reported, else the most sessions overlapping at one time."""
        if self.max_participants is not None:
            return self.max_participants
        events: list[tuple[datetime, int]] = []
        for p in self.participants:
            events.append((p.join, 1))
            if p.leave is not None:
                events.append((p.leave, -1))
        # Leaves sort before joins at the same instant: a hand-over is not an overlap.
        events.sort(key=lambda e: (e[0], e[1]))
        peak = current = 0
        for _, delta in events:
            current += delta
            peak = max(peak, current)
        return peak


@dataclass(frozen=True)
class PresenceParticipant:
    room: str
    session_id: str
    user_id: str | None
    user_name: str | None
    join_time: datetime
    duration: int | None


@dataclass(frozen=True)
class DomainConfig:
    domain_name: str
    domain_id: str | None
    # The raw config, as Daily sent it: it may hold secrets (dial-in HMACs), never render it.
    config: dict[str, Any] = field(repr=False)
    # The documented properties, typed (daily.domain_config).
    properties: DomainProperties = field(default_factory=DomainProperties)


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    event_types: list[str]
    # The signing secret stays out of repr() so it cannot leak into logs or error pages.
    hmac: str | None = field(default=None, repr=False)
    state: str | None = None
    failed_count: int | None = None
