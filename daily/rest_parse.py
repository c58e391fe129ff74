"""Readers for the REST dialect's JSON. Lenient: extra keys ignored, optional keys optional.

A required field that is missing or of the wrong type raises ParseError; optional fields of
the wrong type are treated as absent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from daily.enums import Privacy
from daily.errors import ParseError
from daily.frozen import construct
from daily.properties import RoomProperties
from daily.shapes import first, obj, opt_bool, opt_int, opt_text, opt_time, text
from daily.timeutil import add_seconds, parse_time
from daily.types import (
    DomainConfig,
    Meeting,
    Participant,
    PresenceParticipant,
    Room,
    Webhook,
)

log = logging.getLogger("daily")


def room(data: object, url_for: Callable[[str], str]) -> Room:
    item = obj(data, "a room")
    name = text(item, "name", "a room")
    privacy = None
    raw_privacy = item.get("privacy")
    if isinstance(raw_privacy, str):
        try:
            privacy = Privacy.parse(raw_privacy)
        except ValueError:
            log.warning("REST room: unknown privacy value, shown as unknown")
    config = item.get("config")
    if config is not None and not isinstance(config, dict):
        log.warning("REST room: config is not an object, treated as all defaults")
        config = None
    url = opt_text(item.get("url"))
    return construct(
        Room,
        {
            "name": name,
            "privacy": privacy,
            "url": url if url is not None else url_for(name),
            "id": opt_text(item.get("id")),
            "created_at": opt_time(item.get("created_at")),
            "api_created": opt_bool(item.get("api_created")),
            "dial_in_pin": None,
            "properties": RoomProperties.from_config(config),
        },
    )


def participant(data: object) -> Participant:
    item = obj(data, "a participant")
    session = text(item, "participant_id", "a participant")
    join = parse_time(item.get("join_time"), field="join_time")
    duration = opt_int(item.get("duration"))
    return construct(
        Participant,
        {
            "session_key": session,
            "user_id": opt_text(item.get("user_id")),
            "user_name": opt_text(item.get("user_name")),
            "email": None,
            "join": join,
            "leave": None if duration is None else add_seconds(join, duration, field="duration"),
            "duration": duration,
        },
    )


def meeting(data: object, participants: list[Participant] | None = None) -> Meeting:
    """A meeting; pass `participants` to replace the inline list (see RestClient)."""
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
    end = None if ongoing or duration is None else add_seconds(start, duration, field="duration")
    return construct(
        Meeting,
        {
            "key": meeting_id,
            "upstream_id": meeting_id,
            "room": text(item, "room", "a meeting"),
            "start": start,
            "end": end,
            "ongoing": ongoing,
            "duration": duration,
            "max_participants": opt_int(item.get("max_participants")),
            "participants": participants,
        },
    )


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
                construct(
                    PresenceParticipant,
                    {
                        "room": room_value or str(room_name),
                        "session_id": session,
                        "user_id": opt_text(first(item, "userId", "user_id")),
                        "user_name": opt_text(first(item, "userName", "user_name")),
                        "join_time": parse_time(
                            first(item, "joinTime", "join_time"), field="joinTime"
                        ),
                        "duration": opt_int(item.get("duration")),
                    },
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
    )
