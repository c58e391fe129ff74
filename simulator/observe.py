"""What the API can see of the generated history at the simulated now.

Rules applied on top of the pure history (simulator/history.py):
- a meeting or session that has not started at `now` does not exist yet;
- one in progress is ongoing (its end, or a session's leave, is unknown);
  a domains meeting stays ongoing while its last, alone, participant is in;
- a deleted room is closed from that instant: no meeting starts after it,
  sessions in progress end then, later joins never happen; its earlier
  history stays. A seeded rest room whose `exp` passed takes no new joins;
  people in it stay unless `eject_at_room_exp`;
- an ejected session ends at the ejection; a banned user_id does not rejoin
  for the rest of that meeting.
A visible meeting always keeps its first session (it joined at the start,
before any mutation could remove it), so no meeting ever vanishes once seen.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.clock import DAY
from simulator.history import History, Plan, Session
from simulator.state import SimState


@dataclass(slots=True)
class SeenSession:
    s: Session
    leave: int | None  # None while still in the meeting


@dataclass(slots=True)
class SeenMeeting:
    plan: Plan
    sessions: list[SeenSession]
    end: int | None  # None while ongoing

    @property
    def ongoing(self) -> bool:
        return self.end is None

    def peak(self, now: float) -> int:
        """Most participants present at once (rest's max_participants)."""
        events = []
        for ss in self.sessions:
            events.append((ss.s.join, 1))
            events.append((ss.leave if ss.leave is not None else int(now) + 1, -1))
        events.sort()  # at equal times a leave (-1) sorts before a join
        best = current = 0
        for _, delta in events:
            current += delta
            best = max(best, current)
        return best


Key = tuple[int, int]  # (day, index): the total order of meetings, same as (start, room)


def plan_key(plan: Plan) -> Key:
    return plan.day, plan.index


def _ceil_minute(t: float) -> float:
    return -(-t // 60) * 60


class World:
    """History plus state, read at one instant. Callers hold the simulator lock."""

    def __init__(self, history: History, state: SimState, now: float) -> None:
        self.history = history
        self.state = state
        self.now = now
        self._closures: dict[str, dict[str, tuple[float | None, float | None]]] = {}

    def closures(self, team: str) -> dict[str, tuple[float | None, float | None]]:
        """room -> (no join from, everyone out at), for the rooms where either applies.

        Deleting a room does both at once. A seeded rest room's `exp` stops new
        joins; people already in stay unless `eject_at_room_exp` (Daily's docs).
        """
        if team in self._closures:
            return self._closures[team]
        team_state = self.state.teams[team]
        exps: dict[str, tuple[Any, Any]] = {
            name: (r.config["exp"], r.config.get("eject_at_room_exp"))
            for name, r in team_state.rooms.items()
            if r.seeded and "exp" in r.config
        }
        for name, (exp, eject_flag) in team_state.expired.items():
            exps.setdefault(name, (exp, eject_flag))
        out: dict[str, tuple[float | None, float | None]] = {}
        for name in set(team_state.deleted) | set(exps):
            deleted = team_state.deleted.get(name)
            no_join, eject = deleted, deleted
            if name in exps:
                exp, eject_flag = exps[name]
                no_join = exp if no_join is None else min(no_join, exp)
                if eject_flag:
                    eject = exp if eject is None else min(eject, exp)
            out[name] = (no_join, eject)
        self._closures[team] = out
        return out

    def closure(self, team: str, room: str) -> tuple[float | None, float | None]:
        return self.closures(team).get(room, (None, None))

    def visible(self, plan: Plan) -> bool:
        if plan.start > self.now:
            return False
        no_join = self.closure(plan.team, plan.room)[0]
        return no_join is None or plan.start < no_join

    def _touched(self, plan: Plan) -> bool:
        no_join, eject = self.closure(plan.team, plan.room)
        return (
            (no_join is not None and no_join < plan.last_leave)
            or (eject is not None and eject < plan.last_leave)
            or plan.id in self.state.ejections
            or plan.id in self.state.bans
        )

    def is_ongoing(self, plan: Plan) -> bool:
        if not self._touched(plan):
            return plan.last_leave >= _grid(self.now)
        seen = self.observe(plan)
        return seen is not None and seen.ongoing

    def observe(self, plan: Plan) -> SeenMeeting | None:
        if not self.visible(plan):
            return None
        now = self.now
        no_join, eject = self.closure(plan.team, plan.room)
        ejected = self.state.ejections.get(plan.id, {})
        banned = self.state.bans.get(plan.id, {})
        seen: list[SeenSession] = []
        in_from = _grid(now)
        # A deleted (or ejecting, expired) room is empty from then on: a session that left
        # in the current step before that is not "still in" by the grid rule below.
        closed = eject is not None and eject <= now
        last_leave = plan.start
        ongoing = False
        for s in self.history.sessions(plan):
            if s.join > now or (no_join is not None and s.join >= no_join):
                continue
            if s.user_id is not None and s.user_id in banned and s.join >= banned[s.user_id]:
                continue
            leave = s.leave
            cut = False
            # Ejections land on the 15-second grid the rest dialect reports.
            if eject is not None and eject < leave:
                leave, cut = max(s.join, _grid(eject)), True
            if s.pid in ejected and ejected[s.pid] < leave:
                leave, cut = max(s.join, _grid(ejected[s.pid])), True
            # Daily's times lie on a ~15-second grid (docs.daily.co/reference/rest-api/
            # meetings): a session that reaches the current step is still in, its duration
            # so far equal to the meeting's; one that ended before that step has left. An
            # ejection or a deletion ends it at once: the API did that itself.
            if leave > now or (leave >= in_from and not cut and not closed):
                ongoing = True
                seen.append(SeenSession(s, None))
            else:
                last_leave = max(last_leave, leave)
                seen.append(SeenSession(s, leave))
        if ongoing:
            return SeenMeeting(plan, seen, None)
        if self.history.profiles[plan.team].dialect == "domains" and len(seen) >= 2:
            # mtgEnd: when the next-to-last participant left (history.py's module doc).
            # The meeting is reported ongoing until the last one leaves too: until then
            # Daily cannot tell a lone stay from a pause before someone rejoins.
            leaves = sorted(ss.leave for ss in seen if ss.leave is not None)
            return SeenMeeting(plan, seen, leaves[-2])
        return SeenMeeting(plan, seen, last_leave)

    def _bounds(self, start: float, end: float, key_minute: bool) -> tuple[float, float]:
        """Bounds on the generated start, given a window on the *shown* start.

        The domains dialect shows starts truncated to the minute; a meeting
        shown in [start, end) has its real start in [ceil60(start), ceil60(end)).
        Also nothing later than now is visible.
        """
        if key_minute:
            start, end = _ceil_minute(start), _ceil_minute(end)
        return start, min(end, int(self.now) + 1)

    def _slices(
        self,
        team: str,
        start: float,
        end: float,
        key_minute: bool,
        newest_first: bool,
        room: str | None = None,
    ) -> Iterator[tuple[int, Sequence[Plan]]]:
        """Per day, the generated meetings starting in the window (and room), by start."""
        lo, hi = self._bounds(start, end, key_minute)
        if hi <= lo:
            return
        first = max(int(lo // DAY), self.state.history_start_day)
        last = int((hi - 1) // DAY)
        days = range(first, last + 1)
        for day in reversed(days) if newest_first else days:
            if room is None:
                plans = self.history.day_plans(team, day)
            else:
                plans = self.history.day_plans_of_room(team, day, room)
            i = bisect_left(plans, lo, key=_start)
            j = bisect_left(plans, hi, key=_start)
            yield day, plans[i:j]

    def plans(
        self,
        team: str,
        start: float,
        end: float,
        room: str | None = None,
        newest_first: bool = False,
        key_minute: bool = False,
        below: Key | None = None,
        above: Key | None = None,
    ) -> Iterator[Plan]:
        """Visible meetings whose start lies in [start, end), in (start, room) order.

        `below` / `above` keep only meetings whose key is lower / higher than a
        cursor's, skipping whole days on the way.
        """
        closures = self.closures(team)
        for day, chunk in self._slices(team, start, end, key_minute, newest_first, room):
            if below is not None and day > below[0]:
                continue
            if above is not None and day < above[0]:
                continue
            for plan in reversed(chunk) if newest_first else chunk:
                if below is not None and (day, plan.index) >= below:
                    continue
                if above is not None and (day, plan.index) <= above:
                    continue
                if room is not None and plan.room != room:
                    continue
                if plan.room in closures:
                    no_join = closures[plan.room][0]
                    if no_join is not None and plan.start >= no_join:
                        continue
                yield plan

    def count(self, team: str, start: float, end: float, room: str | None = None) -> int:
        """How many visible meetings start in [start, end), without walking them all:
        slice lengths, minus the meetings of closed rooms that start after the closing
        (found by walking only the days since the earliest closing)."""
        total = sum(len(chunk) for _, chunk in self._slices(team, start, end, False, False, room))
        closures = {
            name: no_join
            for name, (no_join, _) in self.closures(team).items()
            if no_join is not None and (room is None or name == room)
        }
        if closures:
            since = max(start, min(closures.values()))
            for _, chunk in self._slices(team, since, end, False, False, room):
                for plan in chunk:
                    if plan.room in closures and plan.start >= closures[plan.room]:
                        total -= 1
        return total


def _grid(t: float) -> int:
    return int(t) // 15 * 15


def _start(plan: Plan) -> int:
    return plan.start
