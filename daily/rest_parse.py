"""Readers for the REST dialect's JSON. Lenient: extra keys ignored, optional keys optional.

A required field that is missing or of the wrong type raises ParseError; optional fields of
the wrong type are treated as absent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from daily.domain_config import DomainProperties
from daily.enums import PRIVACY_WORDS, Privacy
from daily.errors import ParseError
from daily.frozen import construct
from daily.properties import RoomProperties
from daily.shapes import first, obj, opt_int, opt_text, opt_time, text
from daily.timeutil import (
    EARLIEST,
    EPOCH_EARLIEST,
    EPOCH_LATEST,
    LATEST,
    add_seconds,
    parse_time,
)
from daily.types import (
    HIPAA_USER_ID,
    DomainConfig,
    Meeting,
    Participant,
    PresenceParticipant,
    Room,
    Webhook,
)

log = logging.getLogger("daily")

fromisoformat = datetime.fromisoformat
fromtimestamp = datetime.fromtimestamp
new_object = object.__new__
set_dict = object.__setattr__
ROOM_DEFAULTS = RoomProperties.all_defaults()
from_config = RoomProperties.from_config


def room(
    data: object, url_for: Callable[[str], str], configs: dict[Any, RoomProperties] | None = None
) -> Room:
    """One room (see `room_list`)."""
    return room_list([data], url_for, configs)[0]


def room_list(
    items: list[object],
    url_for: Callable[[str], str],
    configs: dict[Any, RoomProperties] | None = None,
) -> list[Room]:
    """`[room(item, url_for) for item in items]`, in one loop (list_rooms reads thousands).

    `configs` is a RoomProperties.from_config memo shared by one listing. The checks of
    obj, text, opt_text, opt_time and Privacy.parse are inlined for the usual shapes;
    tests/unit/daily/test_parser_equivalence.py checks every result, error and warning
    against the plain version.
    """
    result: list[Room] = []
    append = result.append
    for data in items:
        if not isinstance(data, dict):
            raise ParseError("a room is not an object")
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise ParseError("a room has no name")
        privacy = None
        raw_privacy = data.get("privacy")
        if isinstance(raw_privacy, str):
            # The exact wire words first: Privacy.parse would strip and lower them as is.
            privacy = PRIVACY_WORDS.get(raw_privacy) if type(raw_privacy) is str else None
            if privacy is None:
                try:
                    privacy = Privacy.parse(raw_privacy)
                except ValueError:
                    log.warning("REST room: unknown privacy value, shown as unknown")
        config = data.get("config")
        if config is not None and not isinstance(config, dict):
            log.warning("REST room: config is not an object, treated as all defaults")
            config = None
        url = data.get("url")
        room_id = data.get("id")
        created = data.get("created_at")
        if type(created) is str and created:
            # parse_time's ISO fast path; anything else (or an error) goes through opt_time.
            try:
                moment = fromisoformat(created)
            except ValueError:
                created = opt_time(created)
            else:
                created = (
                    moment
                    if moment.tzinfo is UTC and EARLIEST <= moment <= LATEST
                    else opt_time(created)
                )
        else:
            created = opt_time(created)
        api_created = data.get("api_created")
        instance = new_object(Room)
        set_dict(
            instance,
            "__dict__",
            {
                "name": name,
                "privacy": privacy,
                "url": url if isinstance(url, str) and url else url_for(name),
                "id": room_id if isinstance(room_id, str) and room_id else None,
                "created_at": created,
                "api_created": api_created if isinstance(api_created, bool) else None,
                "dial_in_pin": None,
                "properties": ROOM_DEFAULTS if not config else from_config(config, configs),
            },
        )
        append(instance)
    return result


def participant(data: object, times: dict[int, datetime] | None = None) -> Participant:
    """One participant (see `participant_list`)."""
    return participant_list([data], times)[0]


def participant_list(
    items: list[object], times: dict[int, datetime] | None = None
) -> list[Participant]:
    """`[participant(item) for item in items]`, in one loop (thousands per answer).

    `times` memoizes whole unix seconds within one answer: whole seconds in range (what
    Daily sends) are read with integer comparisons and each distinct second becomes one
    shared datetime; any other value goes the general way (parse_time, add_seconds),
    which gives the same results and errors. The first bad item raises, as in a list
    comprehension.
    """
    if times is None:
        times = {}
    result: list[Participant] = []
    append = result.append
    for data in items:
        if not isinstance(data, dict):
            raise ParseError("a participant is not an object")
        session = data.get("participant_id")
        if not isinstance(session, str) or not session:
            raise ParseError("a participant has no participant_id")
        raw_join = data.get("join_time")
        duration = data.get("duration")
        if type(duration) is not int:
            duration = opt_int(duration)
        if type(raw_join) is int and EPOCH_EARLIEST <= raw_join <= EPOCH_LATEST:
            join = times.get(raw_join)
            if join is None:
                join = times[raw_join] = fromtimestamp(raw_join, UTC)
            if duration is None:
                leave = None
            else:
                raw_leave = raw_join + duration
                if EPOCH_EARLIEST <= raw_leave <= EPOCH_LATEST:
                    leave = times.get(raw_leave)
                    if leave is None:
                        leave = times[raw_leave] = fromtimestamp(raw_leave, UTC)
                else:
                    leave = add_seconds(join, duration, field="duration")
        else:
            join = parse_time(raw_join, field="join_time")
            leave = None if duration is None else add_seconds(join, duration, field="duration")
        user_id = data.get("user_id")
        if user_id == HIPAA_USER_ID:
            user_id = None  # a HIPAA domain's mask, nobody in particular (daily/types.py)
        user_name = data.get("user_name")
        instance = new_object(Participant)
        set_dict(
            instance,
            "__dict__",
            {
                "session_key": session,
                "user_id": user_id if isinstance(user_id, str) and user_id else None,
                "user_name": user_name if isinstance(user_name, str) and user_name else None,
                "email": None,
                "join": join,
                "leave": leave,
                "duration": duration,
            },
        )
        append(instance)
    return result


def meeting(
    data: object,
    participants: list[Participant] | None = None,
    times: dict[int, datetime] | None = None,
) -> Meeting:
    """A meeting; pass `participants` to replace the inline list (see RestClient).

    `times` is shared by the meetings of one answer (see `participant`).
    """
    # obj(), text() and opt_int() inlined, in the same order (which error comes first).
    if not isinstance(data, dict):
        raise ParseError("a meeting is not an object")
    meeting_id = data.get("id")
    if not isinstance(meeting_id, str) or not meeting_id:
        raise ParseError("a meeting has no id")
    if times is None:
        times = {}
    raw_start = data.get("start_time")
    if type(raw_start) is int and EPOCH_EARLIEST <= raw_start <= EPOCH_LATEST:
        start = times.get(raw_start)
        if start is None:
            start = times[raw_start] = fromtimestamp(raw_start, UTC)
    else:
        start = parse_time(raw_start, field="start_time")
        raw_start = None
    duration = data.get("duration")
    if type(duration) is not int:
        duration = opt_int(duration)
    ongoing = data.get("ongoing") is True
    if participants is None:
        raw = data.get("participants") or []
        if not isinstance(raw, list):
            raise ParseError("participants is not a list")
        participants = participant_list(raw, times)
    if ongoing:
        participants = still_in_at(start, duration, participants)
    if ongoing or duration is None:
        end = None
    elif raw_start is not None and EPOCH_EARLIEST <= raw_start + duration <= EPOCH_LATEST:
        end = times.get(raw_start + duration)
        if end is None:
            end = times[raw_start + duration] = fromtimestamp(raw_start + duration, UTC)
    else:
        end = add_seconds(start, duration, field="duration")
    room_name = data.get("room")
    if not isinstance(room_name, str) or not room_name:
        raise ParseError("a meeting has no room")
    peak = data.get("max_participants")
    instance = new_object(Meeting)
    set_dict(
        instance,
        "__dict__",
        {
            "key": meeting_id,
            "upstream_id": meeting_id,
            "room": room_name,
            "start": start,
            "end": end,
            "ongoing": ongoing,
            "duration": duration,
            "max_participants": peak if type(peak) is int else opt_int(peak),
            "participants": participants,
        },
    )
    return instance


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
                construct(
                    PresenceParticipant,
                    {
                        "room": room_value or str(room_name),
                        "session_id": session,
                        "user_id": _not_hipaa(opt_text(first(item, "userId", "user_id"))),
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
        properties=DomainProperties.from_config(config if isinstance(config, dict) else None),
    )


def _not_hipaa(user_id: str | None) -> str | None:
    return None if user_id == HIPAA_USER_ID else user_id
