"""Readers for the domains dialect's JSON that need no client: users, participants, PINs."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from daily.enums import TeamRole
from daily.errors import ParseError
from daily.timeutil import TimeMemo, duration_between
from daily.types import Participant, TeamUser

log = logging.getLogger("daily")
_new_object = object.__new__
_set_attribute = object.__setattr__


def pin(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        # The 2018 OpenAPI file types dialInPIN as a string of 6 digits ('^\\d{6}'): a PIN
        # sent as a number has lost its leading zeros, which are part of what people dial.
        return f"{value:06d}"
    return None


def parse_user(key: object, value: object) -> TeamUser:
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


def seconds_between(start: datetime, start_s: int | None, end: datetime, end_s: int | None) -> int:
    """duration_between(start, end), by integer subtraction when both are whole seconds."""
    if start_s is None or end_s is None:
        return duration_between(start, end)  # type: ignore[return-value]
    return end_s - start_s if end_s > start_s else 0


def parse_participants(items: list[Any], times: TimeMemo) -> list[Participant]:
    """The participants of one domains meeting, in one loop.

    The hottest domains parser (thousands per answer): TimeMemo's entries are read
    directly and durations are integer subtractions when both times are whole seconds;
    test_parser_equivalence.py checks it against the plain version (TimeMemo.read,
    read_optional and duration_between).
    """
    seen = times.seen
    result: list[Participant] = []
    append = result.append
    for item in items:
        if not isinstance(item, dict):
            raise ParseError("a participant is not an object")
        email = item.get("email")
        if not isinstance(email, str) or not email.strip():
            # No email means not logged in, which is what "guest" says.
            email = "guest"
        raw = item.get("mtgJoin")
        known = seen.get(raw) if type(raw) is str else None
        join, join_iso, join_s = known if known is not None else times.entry(raw, "mtgJoin")
        raw = item.get("mtgLeave")
        if raw is None or raw == "":
            leave = duration = None
        else:
            known = seen.get(raw) if type(raw) is str else None
            leave, _, leave_s = known if known is not None else times.entry(raw, "mtgLeave")
            if join_s is None or leave_s is None:
                duration = duration_between(join, leave)
            else:
                duration = leave_s - join_s if leave_s > join_s else 0
        # Undocumented, but the docs say ?name= "will also be part of the attendance
        # data": use a name when one is present, never rely on it.
        name = item.get("name")
        if not isinstance(name, str):
            name = item.get("userName")
        instance = _new_object(Participant)
        _set_attribute(
            instance,
            "__dict__",
            {
                "session_key": f"{email}|{join_iso}",
                "user_id": None,
                "user_name": name if isinstance(name, str) and name else None,
                "email": email,
                "join": join,
                "leave": leave,
                "duration": duration,
            },
        )
        append(instance)
    return result
