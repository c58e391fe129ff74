"""Meetings as each dialect shows them, and the ground-truth shape built from the same values.

The truth endpoint (`/_sim/truth`) reuses these functions, so "truth equals
what the API serves" holds by construction of the values, while the API's
paging, caps and windows are exercised separately.
"""

from __future__ import annotations

import re
from typing import Any

from simulator.clock import floor_minute, iso_minute
from simulator.observe import SeenMeeting, SeenSession

INLINE_PARTICIPANTS_CAP = 100  # rest: more than this -> GET /meetings/<id>/participants
HIPAA_USER_ID = "hipaa"
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def domains_meeting(seen: SeenMeeting, team: str) -> dict[str, Any]:
    return {
        "domain": team,
        "room": seen.plan.room,
        "mtgStart": iso_minute(seen.plan.start),
        "mtgEnd": None if seen.end is None else iso_minute(seen.end),
        "participants": [
            {
                "email": ss.s.email,
                "mtgJoin": iso_minute(ss.s.join),
                "mtgLeave": None if ss.leave is None else iso_minute(ss.leave),
            }
            for ss in seen.sessions
        ],
    }


def rest_duration(seen: SeenMeeting, now: float) -> int:
    if seen.end is not None:
        return seen.end - seen.plan.start
    # Ongoing: the duration so far, at the API's 15-second granularity.
    return max(0, int(now - seen.plan.start) // 15 * 15)


def rest_user_id(ss: SeenSession, hipaa: bool = False) -> str | None:
    """The `user_id` the meetings endpoints report for a session.

    Reference: docs.daily.co/reference/rest-api/meetings ("`user_id` and `user_name`
    fields will be `null` if that information is not available for the participant")
    and docs.daily.co/reference/daily-js/instance-methods/participants (user_id
    "Defaults to session_id if not set via token"): without a token user_id, half the
    sessions (by their id) report null and half their own session id.
    Reference: docs.daily.co/reference/rest-api/meeting-tokens/config, `user_id`: "For
    domains configured for HIPAA compliance, if the `user_id` value is a UUID ... the UUID
    will be returned ... Otherwise, the string `hipaa` will be returned".
    """
    user_id = ss.s.user_id
    if user_id is None:
        user_id = None if int(ss.s.pid[-1], 16) % 2 == 0 else ss.s.pid
    if hipaa and user_id is not None and not UUID_RE.fullmatch(user_id):
        return HIPAA_USER_ID
    return user_id


def rest_participant(ss: SeenSession, now: float, hipaa: bool = False) -> dict[str, Any]:
    if ss.leave is not None:
        duration = ss.leave - ss.s.join
    else:
        # Reference: docs.daily.co/reference/rest-api/meetings: "`join_time`, `duration`,
        # and `participant_id` will always contain valid data": someone still in has the
        # time so far (on the 15-second grid), never null.
        duration = max(0, int(now - ss.s.join) // 15 * 15)
    return {
        "user_id": rest_user_id(ss, hipaa),
        "user_name": ss.s.user_name,
        "participant_id": ss.s.pid,
        "join_time": ss.s.join,
        "duration": duration,
    }


def rest_meeting(
    seen: SeenMeeting, now: float, participants: bool = True, hipaa: bool = False
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": seen.plan.id,
        "room": seen.plan.room,
        "start_time": seen.plan.start,
        "duration": rest_duration(seen, now),
        "ongoing": seen.ongoing,
        "max_participants": seen.peak(now),
    }
    if participants:
        body["participants"] = [
            rest_participant(ss, now, hipaa) for ss in seen.sessions[:INLINE_PARTICIPANTS_CAP]
        ]
    return body


def truth_meeting(
    seen: SeenMeeting, dialect: str, now: float, hipaa: bool = False
) -> dict[str, Any]:
    if dialect == "domains":
        start = floor_minute(seen.plan.start)
        parts = []
        for ss in seen.sessions:
            join = floor_minute(ss.s.join)
            leave = None if ss.leave is None else floor_minute(ss.leave)
            parts.append(
                {
                    "session_key": f"{ss.s.email}|{iso_minute(ss.s.join)}",
                    "email": ss.s.email,
                    "user_id": None,
                    "user_name": None,
                    "participant_id": None,
                    "join": join,
                    "leave": leave,
                    "duration": None if leave is None else leave - join,
                }
            )
        return {
            "key": f"{seen.plan.room}@{iso_minute(seen.plan.start)}",
            "id": None,
            "room": seen.plan.room,
            "start": start,
            "end": None if seen.end is None else floor_minute(seen.end),
            "ongoing": seen.ongoing,
            "max_participants": None,
            "participants": parts,
        }
    parts = []
    for ss in seen.sessions:
        p = rest_participant(ss, now, hipaa)
        parts.append(
            {
                "session_key": p["participant_id"],
                "email": None,
                "user_id": p["user_id"],
                "user_name": p["user_name"],
                "participant_id": p["participant_id"],
                "join": p["join_time"],
                # Still in: no leave yet; `duration` is the time so far, as the API says.
                "leave": None if ss.leave is None else ss.leave,
                "duration": p["duration"],
            }
        )
    duration = rest_duration(seen, now)
    return {
        "key": seen.plan.id,
        "id": seen.plan.id,
        "room": seen.plan.room,
        "start": seen.plan.start,
        "end": None if seen.ongoing else seen.plan.start + duration,
        "ongoing": seen.ongoing,
        "max_participants": seen.peak(now),
        "participants": parts,
    }
