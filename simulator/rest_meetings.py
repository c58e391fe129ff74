"""Rest dialect: meetings, participants, presence and eject.

- `GET /meetings`: `timeframe_start <= start_time < timeframe_end` (defaults:
  the start of the generated history, and just after now), newest first
  (start_time, then room name), `limit` <= 100, `starting_after=<meeting id>` goes
  on with older meetings, `ending_before=<id>` with newer ones; `total_count`
  counts every match, not the page. `ongoing=true` keeps ongoing meetings
  only (any other value: no filter). `no_participants=true` leaves the
  `participants` key out. Inline participants stop at the first 100 by
  join_time: use `/meetings/<id>/participants` for the rest.
- `GET /meetings/<id>/participants`: join_time ascending (then
  participant_id), `joined_after` / `joined_before` take a participant_id
  as cursor; past the last participant the answer is a 404 (not-found), as
  Daily documents, never an empty `data`.
- A participant still in the meeting has the time so far as `duration`, like
  an ongoing meeting's `duration`: "still in" is `ongoing` plus presence.
- `user_id`: a token's user id, else null or the session id; with the
  domain's `hipaa` flag on, a non-UUID user id reads `"hipaa"`.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from simulator.clock import iso_ms
from simulator.formats import rest_meeting, rest_participant
from simulator.observe import Key, SeenMeeting, World, plan_key
from simulator.rest_rooms import live_room, page_limit
from simulator.web import Request, Response, Route, invalid, not_found

if TYPE_CHECKING:
    from simulator.app import Simulator

EJECT_MAX = 100


def _int_param(req: Request, key: str) -> int | None:
    raw = req.query.get(key)
    if raw is None or raw == "":
        return None
    try:
        return int(float(raw))
    except ValueError:
        raise invalid(f"{key} must be a unix timestamp in seconds") from None


def _flag(req: Request, key: str) -> bool:
    return req.query.get(key, "").lower() in ("true", "1")


def _cursor(sim: Simulator, world: World, meeting_id: str, param: str) -> Key:
    plan = sim.history.plan_by_id(sim.rest.name, meeting_id)
    if plan is None or not world.visible(plan):
        raise invalid(f"{param}: no meeting with id {meeting_id}")
    return plan_key(plan)


def list_meetings(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/meetings/list-meetings
    world = sim.world()
    team = sim.rest.name
    limit = page_limit(req)
    start = _int_param(req, "timeframe_start")
    end = _int_param(req, "timeframe_end")
    start = start if start is not None else 0
    end = end if end is not None else int(world.now) + 1
    room = req.query.get("room") or None
    ongoing_only = _flag(req, "ongoing")
    with_participants = not _flag(req, "no_participants")
    after, before = req.query.get("starting_after"), req.query.get("ending_before")
    below = _cursor(sim, world, after, "starting_after") if after else None
    above = _cursor(sim, world, before, "ending_before") if before else None

    if ongoing_only:
        # Meetings end within their UTC day: only today's can still be going on.
        start = max(start, int(world.now // 86400 * 86400))
        matches = [
            p
            for p in world.plans(team, start, end, room=room, newest_first=True)
            if world.is_ongoing(p)
        ]
        total = len(matches)
        if below is not None:
            matches = [p for p in matches if plan_key(p) < below]
        if above is not None:
            matches = [p for p in matches if plan_key(p) > above][-limit:]
        page = matches[:limit]
    else:
        total = world.count(team, start, end, room=room)
        if above is not None:
            # The `limit` meetings just newer than the cursor, still shown newest first.
            newer = world.plans(team, start, end, room=room, above=above)
            page = list(islice(newer, limit))[::-1]
        else:
            older = world.plans(team, start, end, room=room, newest_first=True, below=below)
            page = list(islice(older, limit))
    data = []
    for plan in page:
        seen = world.observe(plan)
        if seen is not None:
            data.append(
                rest_meeting(seen, world.now, participants=with_participants, hipaa=sim.rest.hipaa)
            )
    return Response(body={"total_count": total, "data": data})


def _seen(sim: Simulator, meeting_id: str) -> tuple[World, SeenMeeting]:
    world = sim.world()
    plan = sim.history.plan_by_id(sim.rest.name, meeting_id)
    seen = world.observe(plan) if plan is not None else None
    if seen is None:
        raise not_found(f"meeting {meeting_id} not found")
    return world, seen


def get_meeting(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/meetings/get-meeting-information
    world, seen = _seen(sim, req.params["id"])
    return Response(body=rest_meeting(seen, world.now, hipaa=sim.rest.hipaa))


def participants(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/meetings/get-meeting-participants
    # "In order to paginate, you can use the `joined_after` field using the last
    # participant id in the list. Once there are no more users remaining, you'll receive a
    # `404` from the endpoint." So a page past the last participant is a 404, never an
    # empty `data`; `joined_before` past the first one likewise.
    world, seen = _seen(sim, req.params["id"])
    limit = page_limit(req)
    ordered = seen.sessions  # already join_time ascending, then participant_id
    ids = [ss.s.pid for ss in ordered]
    after, before = req.query.get("joined_after"), req.query.get("joined_before")
    for key, value in (("joined_after", after), ("joined_before", before)):
        if value and value not in ids:
            raise invalid(f"{key}: no participant {value} in this meeting")
    if after:
        chosen = ordered[ids.index(after) + 1 :][:limit]
    elif before:
        chosen = ordered[: ids.index(before)][-limit:]
    else:
        chosen = ordered[:limit]
    if not chosen:
        raise not_found("no more participants in this meeting")
    hipaa = sim.rest.hipaa
    return Response(body={"data": [rest_participant(ss, world.now, hipaa) for ss in chosen]})


def _live_sessions(world: World, team: str, room: str | None = None) -> list[SeenMeeting]:
    """Ongoing meetings (rooms are never in two meetings at once)."""
    out = []
    now = world.now
    # Meetings start and end within their UTC day, so today's plans hold every live one.
    for plan in world.plans(team, now - 86400, now + 1, room=room):
        if not world.is_ongoing(plan):
            continue
        seen = world.observe(plan)
        if seen is not None and seen.ongoing:
            out.append(seen)
    return out


def presence(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/presence
    world = sim.world()
    now = world.now
    body: dict[str, list[dict[str, Any]]] = {}
    for seen in _live_sessions(world, sim.rest.name):
        for ss in seen.sessions:
            if ss.leave is not None:
                continue
            body.setdefault(seen.plan.room, []).append(
                {
                    "room": seen.plan.room,
                    "id": ss.s.pid,
                    "userId": ss.s.user_id,
                    "userName": ss.s.user_name,
                    "joinTime": iso_ms(ss.s.join),
                    "duration": int(now - ss.s.join),
                }
            )
    return Response(body=body)


def eject(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/rooms/eject (POST /rooms/:name/eject)
    room = live_room(sim, req.params["name"])
    body = req.json_object()
    for key in body:
        if key not in ("ids", "user_ids", "ban"):
            raise invalid(f"unknown parameter: {key}")
    ids, user_ids = body.get("ids", []), body.get("user_ids", [])
    for key, value in (("ids", ids), ("user_ids", user_ids)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid(f"{key} must be an array of strings")
        if len(value) > EJECT_MAX:
            raise invalid(f"{key}: at most {EJECT_MAX}")
    ban = body.get("ban", False)
    if not isinstance(ban, bool):
        raise invalid("ban must be a boolean")
    if not ids and not user_ids:
        raise invalid("give ids or user_ids")
    world = sim.world()
    now = world.now
    ejected: list[str] = []
    for seen in _live_sessions(world, sim.rest.name, room=room.name):
        for ss in seen.sessions:
            if ss.leave is not None:
                continue
            if ss.s.pid in ids or (ss.s.user_id is not None and ss.s.user_id in user_ids):
                sim.state.ejections.setdefault(seen.plan.id, {})[ss.s.pid] = now
                ejected.append(ss.s.pid)
                if ban and ss.s.user_id is not None:
                    sim.state.bans.setdefault(seen.plan.id, {})[ss.s.user_id] = now
        if ban:
            for user_id in user_ids:
                sim.state.bans.setdefault(seen.plan.id, {})[user_id] = now
    return Response(body={"ejectedIds": ejected})


ROUTES: list[Route[Simulator]] = [
    Route("GET", "/v1/meetings", list_meetings, "rest"),
    Route("GET", "/v1/meetings/{id}", get_meeting, "rest"),
    Route("GET", "/v1/meetings/{id}/participants", participants, "rest"),
    Route("GET", "/v1/presence", presence, "rest"),
    Route("POST", "/v1/rooms/{name}/eject", eject, "rest"),
]
