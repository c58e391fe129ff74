"""Meeting history as a pure function of (seed, team, day).

Nothing here is stored: a day's meetings ("plans") come from a
`random.Random` seeded with (seed, team, day), and each meeting's participant
sessions from a generator seeded by a number drawn for that meeting. Two small
LRU caches keep memory flat at any --scale. What API calls change (deleted
rooms, ejections) is applied on top, in simulator/observe.py.

Shape of a day, per team:
- the CHAINED rooms (`lobby`, `help-desk`) hold back-to-back meetings from
  00:00 to 24:00 UTC, so a few meetings are live at any simulated instant;
- other rooms get `BASE_MEETINGS_PER_DAY * scale` meetings (fewer at
  weekends), weighted to working hours and to a few popular rooms;
- on rest, the `all-hands` room holds a 120-260 person meeting every ninth
  day, to exercise the 100-participant inline cap.
A meeting starts and ends within its UTC day; meetings of one room never
overlap, and no two start in the same minute (the domains natural key).

Domains meetings follow the 2018 OpenAPI file of the original API
(kwindla/dailyco-api, MeetingsInfo): "mtgStart: time when second participant
joined the meeting (so not the first, alone, participant)" and "mtgEnd: time
when next to last participant left the meeting (so not the last, alone,
participant)". So a domains meeting has at least two people; `Plan.start` is
the second join and `Plan.end` the next-to-last leave; where the room is free
around it, the first person joins `lead` seconds before and stays `tail`
seconds after, alone (a lone participant is no meeting, and a join can
precede mtgStart).

Times are multiples of 15 seconds (the rest dialect's granularity); the
domains dialect truncates them to the minute when it shows them.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from simulator.clock import DAY
from simulator.seed import TeamProfile

# Generated history starts this many days before the simulator first starts
# (SimState.history_start_day) and goes on as the clock moves.
HISTORY_DAYS = 90
BASE_MEETINGS_PER_DAY = 44.0
WEEKEND_FACTOR = 0.35
BIG_MEETING_EVERY = 9  # days
# UTC hour weights: the team spans Europe and the Americas, so nights are quiet, not empty.
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 10, 12, 14, 14, 13, 12, 10, 8, 6, 5, 4, 3)
HOUR_CUM = tuple(sum(HOUR_WEIGHTS[: i + 1]) for i in range(24))
# Distinct people per regular meeting: (weight, low, high).
SIZE_BUCKETS = ((10, 1, 1), (22, 2, 2), (30, 3, 5), (23, 6, 12), (11, 13, 40), (4, 41, 90))
SIZE_CUM = tuple(sum(b[0] for b in SIZE_BUCKETS[: i + 1]) for i in range(len(SIZE_BUCKETS)))
GUEST = "guest"
TV = "Daily.co TV"
GUEST_NAMES = ("Guest", "Visitor", "iPhone", "Pat", "Alex", "Sam", "Max", "Jordan", "Kim")
ID_BITS = 28  # meeting index bits in the encoded id tail (the day takes the rest)
ALONE_GAP = 6 * 60  # domains: free room needed around a meeting for a lone first/last person


@dataclass(frozen=True, slots=True)
class Plan:
    """A meeting as generated: dialect-neutral, before any mutation is applied."""

    team: str
    day: int
    index: int
    room: str
    start: int
    end: int
    id: str
    seed: int
    size: int
    lead: int = 0  # domains: the first person is alone this long before `start`
    tail: int = 0  # domains: the last person stays alone this long after `end`

    @property
    def last_leave(self) -> int:
        """When the room empties (domains: after the last, alone, participant)."""
        return self.end + self.tail


@dataclass(frozen=True, slots=True)
class Session:
    """One participant session (one join, one leave) of a meeting."""

    pid: str
    join: int
    leave: int
    email: str | None  # domains identity: a user's email, "guest" or "Daily.co TV"
    user_id: str | None  # rest: set when a meeting token carried one
    user_name: str | None
    owner: bool


K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()  # outside the lock: generation is pure, a double make is harmless
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _uuid_head(rng: random.Random) -> str:
    h = f"{rng.getrandbits(80):020x}"
    return f"{h[:8]}-{h[8:12]}-4{h[12:15]}-{'89ab'[int(h[15], 16) % 4]}{h[16:19]}"


class History:
    def __init__(self, seed: str, scale: float, profiles: dict[str, TeamProfile]) -> None:
        self.seed = seed
        self.scale = scale
        self.profiles = profiles
        self._masks = {
            team: int(hashlib.sha256(f"{seed}|{team}|ids".encode()).hexdigest()[:12], 16)
            for team in profiles
        }
        self._days: LRU[tuple[str, int], tuple[Plan, ...]] = LRU(400)
        self._by_room: LRU[tuple[str, int], dict[str, tuple[Plan, ...]]] = LRU(400)
        self._sessions: LRU[str, tuple[Session, ...]] = LRU(3000)

    # -- days -------------------------------------------------------------------------
    def day_plans(self, team: str, day: int) -> tuple[Plan, ...]:
        """All meetings starting on `day` (UTC), ordered by (start, room)."""
        return self._days.get_or_make((team, day), lambda: self._make_day(team, day))

    def day_plans_of_room(self, team: str, day: int, room: str) -> tuple[Plan, ...]:
        """The day's meetings in one room (an index, so per-room queries stay cheap)."""

        def index() -> dict[str, tuple[Plan, ...]]:
            rooms: dict[str, list[Plan]] = {}
            for plan in self.day_plans(team, day):
                rooms.setdefault(plan.room, []).append(plan)
            return {name: tuple(plans) for name, plans in rooms.items()}

        return self._by_room.get_or_make((team, day), index).get(room, ())

    def plan_by_id(self, team: str, meeting_id: str) -> Plan | None:
        """Decode the day and index hidden in the id's last group, then check the id."""
        tail = meeting_id.rsplit("-", 1)[-1]
        if len(tail) != 12 or team not in self._masks:
            return None
        try:
            raw = int(tail, 16) ^ self._masks[team]
        except ValueError:
            return None
        day, index = raw >> ID_BITS, raw & ((1 << ID_BITS) - 1)
        plans = self.day_plans(team, day)
        if index < len(plans) and plans[index].id == meeting_id:
            return plans[index]
        return None

    def _make_day(self, team: str, day: int) -> tuple[Plan, ...]:
        prof = self.profiles[team]
        rng = random.Random(f"{self.seed}|{team}|{day}")
        day_start = day * DAY
        # room -> list of (start, end or None, size); None ends are cut to the next start.
        by_room: dict[str, list[tuple[int, int | None, int]]] = {}
        for room in prof.chained:
            by_room[room] = self._chain(rng, day_start)
        if prof.big_room and day % BIG_MEETING_EVERY == 4:
            start = day_start + 17 * 3600 + rng.randrange(0, 40) * 60
            end = start + rng.randrange(45, 100) * 60 + rng.randrange(4) * 15
            by_room[prof.big_room] = [(start, end, rng.randrange(120, 261))]
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        mean = BASE_MEETINGS_PER_DAY * self.scale * (WEEKEND_FACTOR if weekday >= 5 else 1.0)
        count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
        rooms = rng.choices(prof.regular, cum_weights=prof.regular_cum, k=count)
        minutes: dict[str, set[int]] = {}
        for room in rooms:
            hour = rng.choices(range(24), cum_weights=HOUR_CUM)[0]
            minute = hour * 60 + rng.randrange(60)
            taken = minutes.setdefault(room, set())
            if minute in taken:
                continue  # one meeting start per room and minute: the domains natural key
            taken.add(minute)
            size = self._size(rng)
            by_room.setdefault(room, []).append((day_start + minute * 60, None, size))
        entries: list[tuple[int, str, int, int]] = []
        for room, items in by_room.items():
            items.sort()
            for i, (minute_start, end, size) in enumerate(items):
                start = minute_start if end is not None else minute_start + rng.randrange(4) * 15
                if end is None:
                    duration = math.exp(rng.gauss(math.log(25 * 60), 0.7))
                    limit = items[i + 1][0] if i + 1 < len(items) else day_start + DAY
                    end = min(start + max(60, min(int(duration), 4 * 3600)) // 15 * 15, limit)
                    end = max(end, start + 15)
                entries.append((start, room, end, size))
        entries.sort()
        mask = self._masks[team]
        domains = prof.dialect == "domains"
        spans: dict[str, list[tuple[int, int]]] = {}
        for start, room, end, _ in entries:
            spans.setdefault(room, []).append((start, end))
        position: dict[str, int] = {}
        plans = []
        for index, (start, room, end, size) in enumerate(entries):
            id_tail = ((day << ID_BITS) | index) ^ mask
            head = _uuid_head(rng)
            seed = rng.getrandbits(64)
            lead = tail = 0
            if domains:
                size = max(size, 2)  # one person alone is no meeting
                k = position[room] = position.get(room, -1) + 1
                before = spans[room][k - 1][1] if k > 0 else day_start
                after = spans[room][k + 1][0] if k + 1 < len(spans[room]) else day_start + DAY
                # Alone for 1-3 minutes, only where the room is free for twice that long,
                # so the lone stays of neighbouring meetings never meet.
                if start - before >= ALONE_GAP:
                    lead = 60 * (1 + seed % 3)
                if after - end >= ALONE_GAP:
                    tail = 60 * (1 + seed // 3 % 3)
            plans.append(
                Plan(
                    team=team,
                    day=day,
                    index=index,
                    room=room,
                    start=start,
                    end=end,
                    id=f"{head}-{id_tail:012x}",
                    seed=seed,
                    size=size,
                    lead=lead,
                    tail=tail,
                )
            )
        return tuple(plans)

    @staticmethod
    def _chain(rng: random.Random, day_start: int) -> list[tuple[int, int | None, int]]:
        out: list[tuple[int, int | None, int]] = []
        t, day_end = day_start, day_start + DAY
        while t < day_end:
            end = t + rng.randrange(30, 150) * 60 + rng.randrange(4) * 15
            if day_end - end < 30 * 60:
                end = day_end  # no tiny last meeting: stretch this one to midnight
            out.append((t, end, rng.randrange(2, 13)))
            t = end
        return out

    @staticmethod
    def _size(rng: random.Random) -> int:
        _, low, high = SIZE_BUCKETS[rng.choices(range(len(SIZE_BUCKETS)), cum_weights=SIZE_CUM)[0]]
        return rng.randint(low, high)

    # -- sessions ---------------------------------------------------------------------
    def sessions(self, plan: Plan) -> tuple[Session, ...]:
        return self._sessions.get_or_make(plan.id, lambda: self._make_sessions(plan))

    def _make_sessions(self, plan: Plan) -> tuple[Session, ...]:
        prof = self.profiles[plan.team]
        rng = random.Random(plan.seed)
        domains = prof.dialect == "domains"
        start, end = plan.start, plan.end
        span = end - start
        known = list(prof.emails if domains else range(len(prof.token_users)))

        def identity() -> tuple[str | None, str | None, str | None]:
            # Known people at most once per meeting (rejoins and second devices are added
            # explicitly below); guests and anonymous sessions without limit.
            if known and rng.random() < (0.6 if domains else 0.5):
                # Draw without replacement in O(1): swap a random entry to the end.
                i = rng.randrange(len(known))
                known[i], known[-1] = known[-1], known[i]
                pick = known.pop()
                if domains:
                    return str(pick), None, None
                user_id, name = prof.token_users[int(pick)]
                return None, user_id, name
            if domains:
                return (TV if rng.random() < 0.02 else GUEST), None, None
            name = None if rng.random() < 0.3 else f"{rng.choice(GUEST_NAMES)} {rng.randrange(100)}"
            return None, None, name

        raw: list[tuple[int, int, str | None, str | None, str | None, bool]] = []
        email, user_id, name = identity()
        # The host: on domains alone from `start - lead` to `end + tail` (see the module doc).
        raw.append((start - plan.lead, end + plan.tail, email, user_id, name, user_id is not None))
        others = plan.size - 1
        if domains:
            # The second person joins at mtgStart and is the next-to-last to leave, at
            # mtgEnd. A known user when any is left, so that the (email, minute) key can
            # never collide with the host's and move this join.
            if known:
                i = rng.randrange(len(known))
                known[i], known[-1] = known[-1], known[i]
                second: str | None = str(known.pop())
            else:
                second = TV if email == GUEST else GUEST
            raw.append((start, end, second, None, None, False))
            others -= 1
        slots = span // 15
        for _ in range(others):
            email, user_id, name = identity()
            if rng.random() < 0.7:
                join = start + rng.randrange(0, max(1, min(slots, 40))) * 15
            else:
                join = start + rng.randrange(0, max(1, slots)) * 15
            stay = int(math.exp(rng.gauss(math.log(20 * 60), 0.9))) // 15 * 15
            leave = min(join + max(stay, 15), end)
            raw.append((join, leave, email, user_id, name, False))
            if rng.random() < 0.10 and end - leave >= 120:  # rejoin after a dropped connection
                join2 = leave + rng.randrange(1, max(2, (end - leave) // 15)) * 15
                if join2 < end:
                    leave2 = min(join2 + max(stay // 30 * 15, 15), end)
                    raw.append((join2, leave2, email, user_id, name, False))
            if rng.random() < 0.05 and join + 15 < end:  # a second device, overlapping
                join3 = min(join + rng.randrange(1, 9) * 15, end - 15)
                leave3 = min(max(leave, join3 + 15) + rng.randrange(0, 20) * 15, end)
                raw.append((join3, leave3, email, user_id, name, False))
        if domains:
            raw = _unique_domains_keys(raw, end)
        out = [
            Session(_uuid_head(rng) + f"-{rng.getrandbits(48):012x}", j, lv, e, u, n, o)
            for j, lv, e, u, n, o in raw
        ]
        out.sort(key=lambda s: (s.join, s.pid))
        return tuple(out)


def _unique_domains_keys(
    raw: list[tuple[int, int, str | None, str | None, str | None, bool]], end: int
) -> list[tuple[int, int, str | None, str | None, str | None, bool]]:
    """Make (email, join minute) unique within the meeting, the domains natural key.

    A colliding session (two guests joining in the same minute) joins a minute
    later instead; one that would then join after the meeting ended is dropped.
    """
    seen: set[tuple[str | None, int]] = set()
    out = []
    for join, leave, email, user_id, name, owner in sorted(raw, key=lambda r: r[0]):
        while (email, join // 60) in seen:
            join += 60
        if join + 15 > end:
            continue
        seen.add((email, join // 60))
        # Only the host stays past `end` (alone, after mtgEnd); every other leave is cut there.
        leave = leave if leave > end else min(max(leave, join + 15), end)
        out.append((join, leave, email, user_id, name, owner))
    return out
