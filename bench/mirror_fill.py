"""6. Rooms mirror: the first fill of a large REST team against the floor Daily's rate allows.

A simulator of its own with `mirror_rooms` rooms per team and its rate limits ON (Daily's
documented "20 requests per second, or 100 requests over a 5 second window"), a REST
team on it, and `rooms.mirror.fill` run in this process as the worker runs it (the
background client, paced with the file store the embedded set-up uses). Daily lists at
most 100 rooms per call, so the fastest a whole list can be read is 100 x 20 = 2,000
rooms a second: a walk of N rooms is `ceil(N / 100) + 1` calls (the empty page that
ends it included), and the floor is their spacing at 20 calls a second,
`(calls - 1) / 20` s. The figure is the fill's rooms per second as a ratio of the rate
that floor allows (target >= 0.9; the pacing itself uses 95% of the limit). Calls beyond
one per page (a 429 retried, a page read twice) are counted too: there should be none.
"""

from __future__ import annotations

import math
import time

from bench.harness import SIM_NOW, SIM_SEED, Harness, HarnessError, say
from bench.results import EQUAL, Row, ratio_at_least
from tests.support.simulator import SimulatorProcess

NAME = "mirror_fill"
ROOMS = {"full": 20000, "short": 300}
CALLS_PER_SECOND = 20  # Daily's general limit (docs.daily.co/reference/rest-api)
PER_PAGE = 100


def run(h: Harness) -> list[Row]:
    from rooms import mirror
    from rooms.models import MirrorState

    rooms = ROOMS[h.profile.name]
    say(f"mirror fill: simulator --rooms {rooms}, rate limits on")
    sim = SimulatorProcess().start(
        "--scale",
        "0.01",
        "--rooms",
        str(rooms),
        seed=SIM_SEED,
        rate_limits=True,
        now=SIM_NOW.isoformat(),
        frozen=True,
    )
    try:
        team = h.add_team("mirror-rest", sim, "rest")
        sim.clear_request_counts()
        started = time.perf_counter()
        mirror.fill(team)
        seconds = time.perf_counter() - started
        counts = sim.request_counts()
        state = mirror.state(team)
        loaded = mirror.rooms(team).count()
    finally:
        sim.stop()
    if state.state != MirrorState.READY or not loaded:
        raise HarnessError(f"the fill did not finish: {state.state}, {loaded} rooms")
    calls = sum(n for route, n in counts.items() if route.endswith("/rooms"))
    pages = math.ceil(loaded / PER_PAGE) + 1
    floor = max(pages - 1, 1) / CALLS_PER_SECOND
    say(f"mirror fill: {loaded} rooms, {calls} calls in {seconds:.1f} s (floor {floor:.1f} s)")
    return [
        Row(
            NAME,
            f"first fill of {loaded:,} rooms, rooms/s vs Daily's allowed rate",
            loaded / seconds,
            loaded / floor,
            "rooms/s",
            ratio_at_least(0.9),
            note=f"{calls} list calls in {seconds:.1f} s; the floor is {floor:.1f} s",
        ),
        Row(NAME, "list calls beyond one per page", calls - pages, 0, "calls", EQUAL),
    ]
