"""Daily's JSON read into `daily.types`, for both dialects. Lenient: extra keys ignored,
optional keys optional.

A required field that is missing or of the wrong type raises ParseError; an optional field
of the wrong type is treated as absent. The generic readers come first, then the REST
dialect's objects, then the domains dialect's. Each reader takes one object: a listing is
a comprehension of them (the first bad item raises).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from daily.domain_config import DomainProperties
from daily.enums import Privacy, TeamRole
from daily.errors import ParseError
from daily.properties import RoomProperties
from daily.timeutil import TimeMemo, add_seconds, duration_between, parse_time
from daily.types import (
    HIPAA_USER_ID,
    DomainConfig,
    Meeting,
    Participant,
    PresenceParticipant,
    Room,
    TeamUser,
    Webhook,
)

log = logging.getLogger("daily")

# -- JSON of uncertain shape ------------------------------------------------------------


def obj(data: object, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ParseError(f"{what} is not an object")
    return data


def text(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ParseError(f"{what} has no {key}")
    return value


def opt_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def opt_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def opt_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def opt_time(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_time(value, field="time")
    except ParseError:
        return None


def first(data: dict[str, Any], *keys: str) -> Any:
    """The first present (non-None) of several spellings of one field."""
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def listing(data: object, what: str, *keys: str) -> list[Any]:
    """A list body, or the list under one of `keys` (e.g. `data` of a page)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), list):
                return data[key]
    raise ParseError(f"{what} is not a list")


def true_flag(value: object) -> bool:
    """`deleted`/`updated` arrive as true or "true"; anything else is not a success."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _not_hipaa(user_id: str | None) -> str | None:
    # A HIPAA domain's mask, nobody in particular (daily/types.py).
    return None if user_id == HIPAA_USER_ID else user_id


def room_privacy(value: object, what: str) -> Privacy | None:
    """A room's privacy as Daily sent it; None (shown as unknown) when absent or a value
    this dashboard does not know, which is logged without the value."""
    if not isinstance(value, str):
        return None
    try:
        return Privacy.parse(value)
    except ValueError:
        log.warning("%s: unknown privacy value, shown as unknown", what)
        return None


# -- REST ---------------------------------------------------------------------------------


def room(data: object, url_for: Callable[[str], str]) -> Room:
    """A REST room; `url_for(name)` when Daily sent no `url`."""
    item = obj(data, "a room")
    name = text(item, "name", "a room")
    privacy = room_privacy(item.get("privacy"), "REST room")
    config = item.get("config")
    if config is not None and not isinstance(config, dict):
        log.warning("REST room: config is not an object, treated as all defaults")
        config = None
    url = opt_text(item.get("url"))
    return Room(
        name=name,
        privacy=privacy,
        url=url if url is not None else url_for(name),
        id=opt_text(item.get("id")),
        created_at=opt_time(item.get("created_at")),
        api_created=opt_bool(item.get("api_created")),
        dial_in_pin=None,
        properties=RoomProperties.from_config(config),
    )


def participant(data: object) -> Participant:
    """A REST participant session: `leave` is join + duration (see `still_in_at`)."""
    item = obj(data, "a participant")
    session = text(item, "participant_id", "a participant")
    join = parse_time(item.get("join_time"), field="join_time")
    duration = opt_int(item.get("duration"))
    return Participant(
        session_key=session,
        user_id=_not_hipaa(opt_text(item.get("user_id"))),
        user_name=opt_text(item.get("user_name")),
        email=None,
        join=join,
        leave=None if duration is None else add_seconds(join, duration, field="duration"),
        duration=duration,
    )


def meeting(data: object, participants: list[Participant] | None = None) -> Meeting:
    """A REST meeting; pass `participants` to replace the inline list (see RestClient)."""
    item = obj(data, "a meeting")
    meeting_id = text(item, "id", "a meeting")
    start = parse_time(item.get("start_time"), field="start_time")
    duration = opt_int(item.get("duration"))
    ongoing = item.get("ongoing") is True
    if participants is None:
        raw = item.get("participants") or []
        if not isinstance(raw, list):
            raise ParseError("participants is not a list")
        participants = [participant(p) for p in raw]
    if ongoing:
        participants = still_in_at(start, duration, participants)
    end = None if ongoing or duration is None else add_seconds(start, duration, field="duration")
    return Meeting(
        key=meeting_id,
        upstream_id=meeting_id,
        room=text(item, "room", "a meeting"),
        start=start,
        end=end,
        ongoing=ongoing,
        duration=duration,
        max_participants=opt_int(item.get("max_participants")),
        participants=participants,
    )


def still_in(meeting: Meeting, participants: list[Participant]) -> list[Participant]:
    """`participants` as they stand in `meeting`: see `still_in_at`."""
    if not meeting.ongoing:
        return participants
    return still_in_at(meeting.start, meeting.duration, participants)


def still_in_at(
    start: datetime, duration: int | None, participants: list[Participant]
) -> list[Participant]:
    """Mark who is still in an ongoing meeting: their `leave` becomes None.

    Reference: docs.daily.co/reference/rest-api/meetings: `duration` "will always contain
    valid data", so someone still in has the time so far, not null, and join + duration is
    no leave time. "Still in" is the meeting being ongoing and the participant present,
    i.e. their time reaching the meeting's time so far (start + its duration; a later
    answer of the participants endpoint only reaches further); someone whose time stops
    earlier has left. Without the meeting's duration, everyone counts as
    present (the next sync, once the meeting ended, has the real leaves).

    Times lie on a ~15 s grid, so someone who left within the current step cannot be told
    from someone still in; the sync revisits an ongoing meeting until it ends, and then
    sees that leave.
    """
    now = None if duration is None else start.timestamp() + duration
    result = []
    for p in participants:
        if p.leave is not None and (now is None or p.leave.timestamp() >= now):
            p = replace(p, leave=None)
        result.append(p)
    return result


def presence(data: object) -> list[PresenceParticipant]:
    body = obj(data, "presence")
    # Tolerate a `{total_count, data: {...}}` wrapper. A room named "data" holds a list,
    # never an object, so the two shapes cannot be confused.
    if isinstance(body.get("data"), dict) and not isinstance(body.get("total_count"), list):
        body = body["data"]
    result = []
    for room_name, entries in body.items():
        if not isinstance(entries, list):
            raise ParseError("a presence room is not a list")
        for entry in entries:
            item = obj(entry, "a presence entry")
            session = first(item, "id", "session_id")
            if not isinstance(session, str) or not session:
                raise ParseError("a presence entry has no id")
            room_value = opt_text(item.get("room"))
            result.append(
                PresenceParticipant(
                    room=room_value or str(room_name),
                    session_id=session,
                    user_id=_not_hipaa(opt_text(first(item, "userId", "user_id"))),
                    user_name=opt_text(first(item, "userName", "user_name")),
                    join_time=parse_time(first(item, "joinTime", "join_time"), field="joinTime"),
                    duration=opt_int(item.get("duration")),
                )
            )
    return result


def webhook(data: object) -> Webhook:
    item = obj(data, "a webhook")
    webhook_id = first(item, "uuid", "id")
    if not isinstance(webhook_id, str) or not webhook_id:
        raise ParseError("a webhook has no uuid")
    events = first(item, "eventTypes", "event_types") or []
    if not isinstance(events, list):
        events = []
    return Webhook(
        id=webhook_id,
        url=text(item, "url", "a webhook"),
        event_types=[e for e in events if isinstance(e, str)],
        hmac=opt_text(item.get("hmac")),
        state=opt_text(item.get("state")),
        failed_count=opt_int(first(item, "failed_count", "failedCount")),
    )


def domain(data: object) -> DomainConfig:
    item = obj(data, "the domain")
    config = item.get("config")
    domain_id = item.get("domain_id")
    return DomainConfig(
        domain_name=text(item, "domain_name", "the domain"),
        domain_id=(
            str(domain_id)
            if isinstance(domain_id, str | int)
            and not isinstance(domain_id, bool)
            and domain_id != ""
            else None
        ),
        config=dict(config) if isinstance(config, dict) else {},
        properties=DomainProperties.from_config(config if isinstance(config, dict) else None),
    )


# -- domains --------------------------------------------------------------------------------


def pin(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        # The 2018 OpenAPI file types dialInPIN as a string of 6 digits ('^\\d{6}'): a PIN
        # sent as a number has lost its leading zeros, which are part of what people dial.
        return f"{value:06d}"
    return None


def domains_room(data: object, url_for: Callable[[str], str]) -> Room:
    """A room of the domains team info: no ids, times or properties; a PIN maybe."""
    if not isinstance(data, dict):
        raise ParseError("a room has no name")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ParseError("a room has no name")
    privacy = room_privacy(data.get("privacy"), "domains room")
    return Room(
        name=name,
        privacy=privacy,
        url=url_for(name),
        dial_in_pin=pin(data.get("dialInPIN")),
        properties=RoomProperties.all_defaults(),
    )


def domains_user(key: object, value: object) -> TeamUser:
    """A team user: `users` is keyed by email (`key`), or a list (`key` None)."""
    if not isinstance(value, dict):
        raise ParseError("a user is not an object")
    email = value.get("email")
    if not isinstance(email, str) or not email:
        email = key
    if not isinstance(email, str) or not email:
        raise ParseError("a user has no email")
    name = value.get("name")
    avatar = value.get("avatarSrc")
    role_raw = value.get("role")
    try:
        role = TeamRole(role_raw)
    except ValueError:
        # An unknown role gets the lesser one: never show someone as an owner by guess.
        log.warning("domains team info: unknown user role, treating as member")
        role = TeamRole.MEMBER
    return TeamUser(
        email=email,
        name=name if isinstance(name, str) and name else None,
        avatar_url=avatar if isinstance(avatar, str) and avatar else None,
        role=role,
    )


def domains_participant(data: object, times: TimeMemo) -> Participant:
    """A domains participant session, keyed by email and join time (no ids here)."""
    if not isinstance(data, dict):
        raise ParseError("a participant is not an object")
    email = data.get("email")
    if not isinstance(email, str) or not email.strip():
        # No email means not logged in, which is what "guest" says.
        email = "guest"
    join, join_iso = times.read(data.get("mtgJoin"), "mtgJoin")
    leave = times.read_optional(data.get("mtgLeave"), "mtgLeave")
    # Undocumented, but the docs say ?name= "will also be part of the attendance data":
    # use a name when one is present, never rely on it.
    name = data.get("name")
    if not isinstance(name, str):
        name = data.get("userName")
    return Participant(
        session_key=f"{email}|{join_iso}",
        user_id=None,
        user_name=name if isinstance(name, str) and name else None,
        email=email,
        join=join,
        leave=leave,
        duration=duration_between(join, leave),
    )


def domains_meeting(data: object, times: TimeMemo) -> Meeting:
    """A domains meeting, keyed by room and start; `times` is shared by one answer."""
    if not isinstance(data, dict):
        raise ParseError("a meeting is not an object")
    room_name = data.get("room")
    if not isinstance(room_name, str) or not room_name:
        raise ParseError("a meeting has no room")
    start, start_iso = times.read(data.get("mtgStart"), "mtgStart")
    end = times.read_optional(data.get("mtgEnd"), "mtgEnd")
    participants = data.get("participants") or []
    if not isinstance(participants, list):
        raise ParseError("participants is not a list")
    return Meeting(
        key=f"{room_name}@{start_iso}",
        upstream_id=None,
        room=room_name,
        start=start,
        end=end,
        ongoing=end is None,
        duration=duration_between(start, end),
        max_participants=None,
        participants=[domains_participant(p, times) for p in participants],
    )
