"""Control endpoints under `/_sim/` (no auth; the real API has no such prefix).

Ground truth (`GET /_sim/truth`) answers, for one team, every meeting whose
start lies in [start, end) and is visible at now, with *all* its sessions (no
100 cap), in the precision and identity of that team's dialect:

    {team, dialect, now, start, end, meetings: [{key, id, room, start, end,
     ongoing, max_participants, participants: [{session_key, email, user_id,
     user_name, participant_id, join, leave, duration}]}]}

Times are unix-second ints; null where not applicable (ongoing, or a field
the dialect does not have). `key` is the rest meeting id, or `room@mtgStart`
on domains; `session_key` is the participant_id, or `email|mtgJoin`.
Meetings come oldest first. `GET /_sim/truth/counts` gives only the counts.

`POST /_sim/domain-config {"hipaa": true|false}` switches the rest domain's `hipaa`
config flag (shown by `GET /v1/`): with it on, the meetings endpoints report a non-UUID
`user_id` as the string "hipaa" (docs.daily.co/reference/rest-api/meeting-tokens/config,
`user_id`). Real Daily sets this flag per domain on request; `reset` turns it off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.clock import DAY, iso_ms, parse_time
from simulator.formats import truth_meeting
from simulator.web import Request, Response, Route

if TYPE_CHECKING:
    from simulator.app import Simulator


def _error(status: int, message: str) -> Response:
    return Response(status, {"error": message})


def health(sim: Simulator, req: Request) -> Response:
    now = sim.now()
    teams = [
        {"name": t.name, "dialect": t.dialect, "rooms": len(t.rooms)}
        for t in sim.state.teams.values()
    ]
    return Response(
        body={
            "ok": True,
            "now": now,
            "now_iso": iso_ms(now),
            "teams": teams,
            "seed": sim.cfg.seed,
            "scale": sim.cfg.scale,
            "history_start": sim.state.history_start_day * DAY,
        }
    )


def _window(sim: Simulator, req: Request) -> tuple[str, str, float, float] | Response:
    team = sim.team(req.query.get("team", ""))
    if team is None:
        return _error(404, f"unknown team; use one of: {', '.join(sim.state.teams)}")
    start = parse_time(req.query["start"]) if "start" in req.query else None
    end = parse_time(req.query["end"]) if "end" in req.query else None
    start = sim.state.history_start_day * DAY if start is None else start
    end = sim.now() + 1 if end is None else end
    return team.name, team.dialect, start, end


def truth(sim: Simulator, req: Request) -> Response:
    window = _window(sim, req)
    if isinstance(window, Response):
        return window
    team, dialect, start, end = window
    world = sim.world()
    room = req.query.get("room") or None
    meetings = []
    for plan in world.plans(team, start, end, room=room, key_minute=dialect == "domains"):
        seen = world.observe(plan)
        if seen is not None:
            hipaa = sim.state.teams[team].hipaa
            meetings.append(truth_meeting(seen, dialect, world.now, hipaa))
    return Response(
        body={
            "team": team,
            "dialect": dialect,
            "now": world.now,
            "start": start,
            "end": end,
            "meetings": meetings,
        }
    )


def truth_counts(sim: Simulator, req: Request) -> Response:
    window = _window(sim, req)
    if isinstance(window, Response):
        return window
    team, dialect, start, end = window
    world = sim.world()
    room = req.query.get("room") or None
    meetings = sessions = ongoing = big = 0
    for plan in world.plans(team, start, end, room=room, key_minute=dialect == "domains"):
        seen = world.observe(plan)
        if seen is None:
            continue
        meetings += 1
        sessions += len(seen.sessions)
        ongoing += seen.ongoing
        big += len(seen.sessions) > 100
    return Response(
        body={
            "team": team,
            "dialect": dialect,
            "start": start,
            "end": end,
            "meetings": meetings,
            "sessions": sessions,
            "ongoing": ongoing,
            "meetings_over_100_sessions": big,
        }
    )


def get_faults(sim: Simulator, req: Request) -> Response:
    return Response(body=sim.faults.to_dict())


def set_faults(sim: Simulator, req: Request) -> Response:
    sim.faults.set(req.json_object())  # FaultError -> 400 in the server
    return Response(body=sim.faults.to_dict())


def clear_faults(sim: Simulator, req: Request) -> Response:
    sim.faults.clear()
    return Response(body=sim.faults.to_dict())


def set_domain_config(sim: Simulator, req: Request) -> Response:
    body = req.json_object()
    unknown = sorted(set(body) - {"hipaa"})
    if unknown:
        return _error(400, f"unknown domain config: {', '.join(unknown)}")
    if "hipaa" in body:
        if not isinstance(body["hipaa"], bool):
            return _error(400, "hipaa must be a boolean")
        sim.rest.hipaa = body["hipaa"]
    return Response(body={"hipaa": sim.rest.hipaa})


def reset(sim: Simulator, req: Request) -> Response:
    sim.reset()
    return Response(body={"reset": True, "now": sim.now()})


def _clock_body(sim: Simulator) -> dict[str, Any]:
    now = sim.now()
    return {"now": now, "now_iso": iso_ms(now), "follow_real": sim.clock.follow_real}


def get_clock(sim: Simulator, req: Request) -> Response:
    return Response(body=_clock_body(sim))


def set_clock(sim: Simulator, req: Request) -> Response:
    body = req.json_object()
    if "follow_real" in body:
        if not isinstance(body["follow_real"], bool):
            return _error(400, "follow_real must be a boolean")
        sim.clock.set_follow_real(body["follow_real"])
    if "set" in body:
        target = parse_time(body["set"])
        if target is None:
            return _error(400, "set must be unix seconds or an ISO 8601 string")
        sim.clock.set(target)
    if "advance" in body:
        step = body["advance"]
        if isinstance(step, bool) or not isinstance(step, int | float):
            return _error(400, "advance must be a number of seconds")
        sim.clock.advance(float(step))
    return Response(body=_clock_body(sim))


def save(sim: Simulator, req: Request) -> Response:
    path = req.json_object().get("path")
    if path is not None and not isinstance(path, str):
        return _error(400, "path must be a string")
    saved = sim.save(path)
    if saved is None:
        return _error(400, "no --state file given: pass {'path': ...}")
    return Response(body={"saved": saved})


def deliveries(sim: Simulator, req: Request) -> Response:
    return Response(body={"deliveries": list(sim.deliveries)})


def flush_webhooks(sim: Simulator, req: Request) -> Response:
    posted = sim.dispatcher.tick() if sim.dispatcher is not None else 0
    return Response(body={"posted": posted})


def requests_served(sim: Simulator, req: Request) -> Response:
    with sim.counts_lock:
        counts = dict(sorted(sim.request_counts.items()))
    return Response(body={"total": sum(counts.values()), "by_route": counts})


def clear_requests(sim: Simulator, req: Request) -> Response:
    with sim.counts_lock:
        sim.request_counts.clear()
    return Response(body={"total": 0, "by_route": {}})


ROUTES: list[Route[Simulator]] = [
    Route("GET", "/_sim/health", health, "control"),
    Route("GET", "/_sim/truth", truth, "control"),
    Route("GET", "/_sim/truth/counts", truth_counts, "control"),
    Route("GET", "/_sim/faults", get_faults, "control"),
    Route("POST", "/_sim/faults", set_faults, "control"),
    Route("POST", "/_sim/faults/clear", clear_faults, "control"),
    Route("POST", "/_sim/reset", reset, "control"),
    Route("POST", "/_sim/domain-config", set_domain_config, "control"),
    Route("GET", "/_sim/clock", get_clock, "control"),
    Route("POST", "/_sim/clock", set_clock, "control"),
    Route("POST", "/_sim/save", save, "control"),
    Route("GET", "/_sim/webhook-deliveries", deliveries, "control"),
    # Unlocked: it POSTs to receivers, which may call this API back meanwhile.
    Route("POST", "/_sim/webhooks/flush", flush_webhooks, "control", locked=False),
    Route("GET", "/_sim/requests", requests_served, "control"),
    Route("POST", "/_sim/requests/clear", clear_requests, "control"),
]
