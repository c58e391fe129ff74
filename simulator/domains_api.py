"""The original team API ("domains" dialect), as daily-api/CONTRACT.md describes it.

Every error is an HTTP 200 carrying `{"error": {"message": ...}}` with one of
the MESSAGES below; only faults produce other statuses. Deletes answer the
string `"true"`. Meetings: `mtgStart` in [start, end), oldest first, at most
100 per call with `moreResults`; times truncated to the minute; an ongoing
meeting has `mtgEnd: null` and a participant still in has `mtgLeave: null`.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

from simulator.avatars import avatar_url
from simulator.clock import iso_ms, parse_time
from simulator.formats import domains_meeting
from simulator.state import RoomRecord, new_uuid
from simulator.web import BadJson, Request, Response, Route, domains_error

if TYPE_CHECKING:
    from simulator.app import Simulator

UNAUTHORIZED = "unauthorized: invalid or missing token"
TEAM_NOT_FOUND = "team not found"
ROOM_NOT_FOUND = "room not found"
USER_NOT_FOUND = "user not found"
ROOM_EXISTS = "a room with that name already exists"
NAME_TOO_LONG = "team name plus room name must be 35 characters or less"
INVALID_ROOM_NAME = "invalid room name"
INVALID_PRIVACY = "invalid privacy setting"
INVALID_TIME_RANGE = "invalid time range"
MESSAGES = (
    UNAUTHORIZED,
    TEAM_NOT_FOUND,
    ROOM_NOT_FOUND,
    USER_NOT_FOUND,
    ROOM_EXISTS,
    NAME_TOO_LONG,
    INVALID_ROOM_NAME,
    INVALID_PRIVACY,
    INVALID_TIME_RANGE,
)
PRIVACY = ("public", "org", "private")
NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
MEETINGS_PER_CALL = 100


def _team(sim: Simulator, req: Request) -> tuple[Any, Response | None]:
    team = sim.team(req.params["team"])
    if team is None or team.dialect != "domains":
        return None, domains_error(TEAM_NOT_FOUND)
    return team, None


def _body(req: Request) -> dict[str, Any] | None:
    try:
        return req.json_object()
    except BadJson:
        return None


def _room_json(sim: Simulator, team: str, room: RoomRecord) -> dict[str, Any]:
    # dialInPIN is documented; the rest are realistic extras a lenient client ignores.
    return {
        "name": room.name,
        "dialInPIN": room.dial_in_pin,
        "privacy": room.privacy,
        "created": iso_ms(room.created_at),
        "url": sim.room_url(team, room.name),
    }


def team_info(sim: Simulator, req: Request) -> Response:
    # Reference: domains-api-original.txt, GET /domains/by-name/<team-name>
    team, error = _team(sim, req)
    if error:
        return error
    rooms = sorted(team.rooms.values(), key=lambda r: (r.created_at, r.seq))
    return Response(
        body={
            "name": team.name,
            "teamInviteLink": team.invite_link,
            "rooms": [_room_json(sim, team.name, r) for r in rooms],
            "users": {email: _user_json(req, email, user) for email, user in team.users.items()},
        }
    )


def _user_json(req: Request, email: str, user: dict[str, Any]) -> dict[str, Any]:
    out = dict(user)
    if "avatarSrc" in out:
        # The seed marks who has a picture; it is served here (simulator/avatars.py).
        url = avatar_url(req.headers.get("host"), email)
        if url is None:
            del out["avatarSrc"]
        else:
            out["avatarSrc"] = url
    return out


def create_room(sim: Simulator, req: Request) -> Response:
    # Reference: domains-api-original.txt, POST /domains/by-name/<team-name>/room
    team, error = _team(sim, req)
    if error:
        return error
    body = _body(req)
    name = body.get("name") if body is not None else None
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        return domains_error(INVALID_ROOM_NAME)
    if len(team.name) + len(name) > 35:
        return domains_error(NAME_TOO_LONG)
    privacy = body.get("privacy", "org") if body is not None else "org"
    if privacy not in PRIVACY:
        return domains_error(INVALID_PRIVACY)
    if name in team.rooms:
        return domains_error(ROOM_EXISTS)
    rng = random.Random()
    team.rooms[name] = RoomRecord(
        name=name,
        id=new_uuid(rng),
        privacy=privacy,
        created_at=sim.now(),
        seq=sim.state.next_seq(),
        dial_in_pin=f"{rng.randrange(10**5, 10**6)}",
    )
    return Response(body={"name": name, "dialInPIN": team.rooms[name].dial_in_pin})


def set_privacy(sim: Simulator, req: Request) -> Response:
    # Reference: domains-api-original.txt, POST /domains/by-name/<team-name>/room/<room-name>
    team, error = _team(sim, req)
    if error:
        return error
    room = team.rooms.get(req.params["room"])
    if room is None:
        return domains_error(ROOM_NOT_FOUND)
    body = _body(req)
    privacy = body.get("privacy") if body is not None else None
    if privacy not in PRIVACY:
        return domains_error(INVALID_PRIVACY)
    room.privacy = privacy
    return Response(body={"updated": True})


def delete_room(sim: Simulator, req: Request) -> Response:
    # Reference: domains-api-original.txt, DELETE /domains/by-name/<team-name>/room/<room-name>
    team, error = _team(sim, req)
    if error:
        return error
    name = req.params["room"]
    room = team.rooms.pop(name, None)
    if room is None:
        return domains_error(ROOM_NOT_FOUND)
    if room.seeded and name not in team.deleted:
        team.deleted[name] = sim.now()  # its generated history stops here
    return Response(body={"deleted": "true"})


def remove_user(sim: Simulator, req: Request) -> Response:
    # Reference: domains-api-original.txt, DELETE /domains/by-name/<team-name>/user/<user-email>
    team, error = _team(sim, req)
    if error:
        return error
    if team.users.pop(req.params["email"], None) is None:
        return domains_error(USER_NOT_FOUND)
    return Response(body={"deleted": "true"})


def meetings(sim: Simulator, req: Request) -> Response:
    # Reference: domains-api-original.txt, POST /domains/by-name/<team-name>/meetings
    team, error = _team(sim, req)
    if error:
        return error
    body = _body(req)
    if body is None:
        return domains_error(INVALID_TIME_RANGE)
    start, end = parse_time(body.get("start")), parse_time(body.get("end"))
    if start is None or end is None or start >= end:
        return domains_error(INVALID_TIME_RANGE)
    room = body.get("room")
    if room is not None and not isinstance(room, str):
        return domains_error(INVALID_ROOM_NAME)
    world = sim.world()
    found = []
    more = False
    for plan in world.plans(team.name, start, end, room=room or None, key_minute=True):
        if len(found) == MEETINGS_PER_CALL:
            more = True
            break
        seen = world.observe(plan)
        if seen is not None:
            found.append(domains_meeting(seen, team.name))
    return Response(body={"meetings": found, "moreResults": more})


ROUTES: list[Route[Simulator]] = [
    Route("GET", "/domains/by-name/{team}", team_info, "domains"),
    Route("POST", "/domains/by-name/{team}/room", create_room, "domains"),
    Route("POST", "/domains/by-name/{team}/room/{room}", set_privacy, "domains"),
    Route("DELETE", "/domains/by-name/{team}/room/{room}", delete_room, "domains"),
    Route("DELETE", "/domains/by-name/{team}/user/{email}", remove_user, "domains"),
    Route("POST", "/domains/by-name/{team}/meetings", meetings, "domains"),
]
