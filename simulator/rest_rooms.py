"""Rest dialect: rooms and batch rooms (the domain: simulator/rest_domain.py) (api.daily.co/v1).

An expired room (exp in the past) looks deleted from the outside, as Daily's
docs say: it leaves the list, GET answers 404, and DELETE answers 404 with
`deleted: true` (then forgets it). Creating a room of that name is allowed.
"""

from __future__ import annotations

import bisect
import random
import re
import string
import weakref
from typing import TYPE_CHECKING, Any

from simulator.clock import iso_ms
from simulator.room_props import apply_properties, check_privacy
from simulator.state import RoomRecord, TeamState, new_uuid
from simulator.web import Request, Response, RestError, Route, invalid, not_found

if TYPE_CHECKING:
    from simulator.app import Simulator

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
PAGE_MAX = 100
BATCH_MAX = 1000
CREATE_KEYS = ("name", "privacy", "properties")
UPDATE_KEYS = ("privacy", "properties")


def page_limit(req: Request) -> int:
    raw = req.query.get("limit")
    if raw is None or raw == "":
        return PAGE_MAX
    try:
        limit = int(raw)
    except ValueError:
        raise invalid("limit must be an integer") from None
    if limit < 1:
        raise invalid("limit must be at least 1")
    return min(limit, PAGE_MAX)  # larger limits are quietly capped, as Daily does


def is_expired(room: RoomRecord, now: float) -> bool:
    exp = room.config.get("exp")
    return isinstance(exp, int | float) and exp <= now


def room_json(sim: Simulator, team: TeamState, room: RoomRecord) -> dict[str, Any]:
    return {
        "id": room.id,
        "name": room.name,
        "api_created": room.api_created,
        "privacy": room.privacy,
        "url": sim.room_url(team.name, room.name),
        "created_at": iso_ms(room.created_at),
        "config": dict(room.config),
    }


def live_room(sim: Simulator, name: str) -> RoomRecord:
    room = sim.rest.rooms.get(name)
    if room is None or is_expired(room, sim.now()):
        raise not_found(f"room {name} not found")
    return room


class _Order:
    """A team's rooms newest first, kept between list calls (a fill of 100,000 rooms reads
    1,000 pages: sorting the whole team for each would make the simulator, not Daily's
    rate limit, the bottleneck). Expired rooms stay in it and are skipped as pages are cut,
    since expiry moves with the clock."""

    def __init__(self, team: TeamState, fingerprint: tuple[int, ...]) -> None:
        self.team = weakref.ref(team)
        self.fingerprint = fingerprint
        self.rooms = sorted(team.rooms.values(), key=lambda r: (r.created_at, r.seq), reverse=True)
        # Ascending keys for bisect: (-created_at, -seq).
        self.keys = [(-r.created_at, -r.seq) for r in self.rooms]
        self.by_id = {r.id: (r.created_at, r.seq) for r in self.rooms}
        self.expiring = [r for r in self.rooms if "exp" in r.config]


_ORDERS: dict[int, _Order] = {}
_VERSIONS: dict[int, int] = {}


def _changed(team: TeamState) -> None:
    """Rooms were added, removed or reconfigured: the next list call sorts anew."""
    _VERSIONS[id(team)] = _VERSIONS.get(id(team), 0) + 1


def _order(sim: Simulator, team: TeamState) -> _Order:
    fingerprint = (_VERSIONS.get(id(team), 0), len(team.rooms), sim.state.seq)
    cached = _ORDERS.get(id(team))
    if cached is None or cached.team() is not team or cached.fingerprint != fingerprint:
        cached = _ORDERS[id(team)] = _Order(team, fingerprint)
    return cached


def list_rooms(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/rooms/list-rooms, and the "Pagination"
    # section of docs.daily.co/reference/rest-api: newest first, `limit` <= 100,
    # `starting_after=<id>` for the next (older) page, `ending_before=<id>` for the
    # previous one, and "the special value OLDEST fetches the 'last' page of results (the
    # page containing the objects created longest ago)".
    team, now = sim.rest, sim.now()
    limit = page_limit(req)
    order = _order(sim, team)
    live = order.rooms
    total = len(live) - sum(1 for r in order.expiring if is_expired(r, now))
    after, before = req.query.get("starting_after"), req.query.get("ending_before")
    data: list[RoomRecord] = []
    if before:
        if before == "OLDEST":
            stop = len(live)
        else:
            created_at, seq = _cursor_key(team, order, before, "ending_before")
            stop = bisect.bisect_left(order.keys, (-created_at, -seq))
        i = stop - 1
        while i >= 0 and len(data) < limit:
            if not is_expired(live[i], now):
                data.append(live[i])
            i -= 1
        data.reverse()
    else:
        i = 0
        if after:
            created_at, seq = _cursor_key(team, order, after, "starting_after")
            i = bisect.bisect_right(order.keys, (-created_at, -seq))
        while i < len(live) and len(data) < limit:
            if not is_expired(live[i], now):
                data.append(live[i])
            i += 1
    return Response(body={"total_count": total, "data": [room_json(sim, team, r) for r in data]})


def _cursor_key(team: TeamState, order: _Order, room_id: str, param: str) -> tuple[float, int]:
    key = order.by_id.get(room_id)
    if key is not None:
        return key
    if room_id in team.tombstones:  # a room deleted between two pages stays a valid cursor
        created_at, seq = team.tombstones[room_id]
        return created_at, int(seq)
    raise invalid(f"{param}: no room with id {room_id}")


def _new_room(sim: Simulator, body: Any, taken: set[str]) -> RoomRecord:
    """Validate one create body and build its record (not yet stored)."""
    if not isinstance(body, dict):
        raise invalid("each room must be an object")
    for key in body:
        if key not in CREATE_KEYS:
            raise invalid(f"unknown parameter: {key}")
    rng = random.Random()
    name = body.get("name")
    if name is None:
        alphabet = string.ascii_letters + string.digits
        name = "".join(rng.choice(alphabet) for _ in range(20))
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise invalid(
            "room name must be 1 to 128 characters of A-Z, a-z, 0-9, '-' and '_'",
        )
    if name in taken:
        raise invalid(f"a room named {name} already exists")
    privacy = check_privacy(body.get("privacy", "public"))
    config = apply_properties(name, {}, body.get("properties", {}), sim.now())
    return RoomRecord(
        name=name,
        id=new_uuid(rng),
        privacy=privacy,
        created_at=sim.now(),
        seq=0,
        api_created=True,
        config=config,
    )


def _taken_names(sim: Simulator) -> set[str]:
    now = sim.now()
    return {name for name, r in sim.rest.rooms.items() if not is_expired(r, now)}


def _store(sim: Simulator, room: RoomRecord) -> None:
    room.seq = sim.state.next_seq()
    sim.rest.rooms[room.name] = room
    _changed(sim.rest)


def create_room(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/rooms/create-room
    room = _new_room(sim, req.json_object(), _taken_names(sim))
    _store(sim, room)
    return Response(body=room_json(sim, sim.rest, room))


def get_room(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/rooms/get-room-config
    return Response(body=room_json(sim, sim.rest, live_room(sim, req.params["name"])))


def update_room(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/rooms/set-room-config
    room = live_room(sim, req.params["name"])
    body = req.json_object()
    for key in body:
        if key not in UPDATE_KEYS:
            raise invalid(f"unknown parameter: {key}")
    privacy = check_privacy(body["privacy"]) if "privacy" in body else room.privacy
    config = apply_properties(room.name, room.config, body.get("properties", {}), sim.now())
    room.privacy, room.config = privacy, config  # only after everything validated
    _changed(sim.rest)
    return Response(body=room_json(sim, sim.rest, room))


def _forget(sim: Simulator, room: RoomRecord) -> None:
    team = sim.rest
    team.rooms.pop(room.name, None)
    _changed(team)
    team.tombstones[room.id] = [room.created_at, room.seq]
    if room.seeded:
        team.deleted.setdefault(room.name, sim.now())  # its generated history stops here
        exp = room.config.get("exp")
        if exp is not None:
            team.expired[room.name] = [exp, bool(room.config.get("eject_at_room_exp"))]


def delete_room(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/rooms/delete-room
    name = req.params["name"]
    room = sim.rest.rooms.get(name)
    if room is None:
        raise not_found(f"room {name} not found")
    if is_expired(room, sim.now()):
        _forget(sim, room)
        raise RestError(404, "not-found", f"room {name} has expired", deleted=True)
    _forget(sim, room)
    return Response(body={"deleted": True, "name": name})


def batch_create(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/batch/create-rooms
    body = req.json_object()
    rooms = body.get("rooms")
    if not isinstance(rooms, list) or not rooms:
        raise invalid("rooms must be a non-empty array")
    if len(rooms) > BATCH_MAX:
        raise invalid(f"at most {BATCH_MAX} rooms per call")
    for key in body:
        if key != "rooms":
            raise invalid(f"unknown parameter: {key}")
    taken = _taken_names(sim)
    created = []
    for item in rooms:  # all or nothing: validate every room before storing any
        room = _new_room(sim, item, taken)
        taken.add(room.name)
        created.append(room)
    for room in created:
        _store(sim, room)
    # The OpenAPI document types this answer as a bare array of room objects.
    return Response(body=[room_json(sim, sim.rest, r) for r in created])


def batch_delete(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/batch/delete-rooms
    body = req.json_object()
    names = body.get("room_names")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise invalid("room_names must be an array of room names")
    count = 0
    for name in dict.fromkeys(names):
        room = sim.rest.rooms.get(name)
        if room is not None:
            if not is_expired(room, sim.now()):
                count += 1
            _forget(sim, room)
    return Response(body={"deleted_count": count})


ROUTES: list[Route[Simulator]] = [
    Route("GET", "/v1/rooms", list_rooms, "rest"),
    Route("POST", "/v1/rooms", create_room, "rest"),
    Route("GET", "/v1/rooms/{name}", get_room, "rest"),
    Route("POST", "/v1/rooms/{name}", update_room, "rest"),
    Route("DELETE", "/v1/rooms/{name}", delete_room, "rest"),
    Route("POST", "/v1/batch/rooms", batch_create, "rest"),
    Route("DELETE", "/v1/batch/rooms", batch_delete, "rest"),
]
