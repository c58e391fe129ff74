"""The simulator as one object: configuration, clock, history, state, faults, counters.

Every API handler runs with `Simulator.lock` held (one RLock): concurrent
creates of one name are therefore serialised, exactly one wins. Slow things
that need no state (fault latency, hangs, webhook POSTs) run outside it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter, deque
from typing import Any, Protocol

from simulator import seed
from simulator.clock import DAY, SimClock
from simulator.config import SimConfig
from simulator.faults import FaultConfig, Faults, RateLimiter
from simulator.history import HISTORY_DAYS, History
from simulator.observe import World
from simulator.state import STATE_VERSION, SimState, TeamState, load_json, save_json


class WebhookDispatcher(Protocol):
    """What the simulator asks of webhook delivery (simulator/delivery.py implements it).

    Declared here so that this module does not import the layer above it.
    """

    def tick(self) -> int:
        """Send what happened since the last tick; the number of POSTs tried."""
        ...

    def forget(self) -> None:
        """Drop the memory of sent events (called by reset() with the lock held)."""
        ...


class Simulator:
    def __init__(self, cfg: SimConfig) -> None:
        self.cfg = cfg
        self.lock = threading.RLock()
        self.profiles = seed.profiles(cfg)
        self.history = History(cfg.seed, cfg.scale, self.profiles)
        self.clock = SimClock(follow_real=not cfg.frozen)
        self.clock.set(cfg.start_now if cfg.start_now is not None else time.time())
        self.faults = Faults(FaultConfig(rate_limits=cfg.rate_limits), cfg.rate_limits)
        self.limiter = RateLimiter()
        # Meeting tokens are signed with a secret derived from the seed, so tokens
        # issued before a restart still validate after it.
        self.token_secret = hashlib.sha256(f"sim-token-secret|{cfg.seed}".encode()).digest()
        self.request_counts: Counter[str] = Counter()
        # Bumped by reset(): a request held by a latency or hang fault across a
        # reset is dropped, so it cannot change the fresh state afterwards.
        self.generation = 0
        self.counts_lock = threading.Lock()
        self.deliveries: deque[dict[str, Any]] = deque(maxlen=1000)
        self.dispatcher: WebhookDispatcher | None = None  # set by __main__ once serving
        self.started_real = time.time()
        self.history_start_day = int(self.clock.now() // DAY) - HISTORY_DAYS
        self.state = self.fresh_state()
        if cfg.state_path:
            self.load(cfg.state_path)
        # "Reset" returns to the seed state with the clock as it was once started.
        self._clock_at_start = (self.clock.follow_real, self.clock.offset, self.clock.frozen_at)

    # -- state -----------------------------------------------------------------------
    def fresh_state(self) -> SimState:
        start_now = self.history_start_day * DAY + HISTORY_DAYS * DAY
        state = seed.initial_state(self.cfg, start_now, self.history_start_day)
        state.webhook_last_tick = self.clock.now()
        return state

    def reset(self) -> None:
        with self.lock:
            follow, offset, frozen = self._clock_at_start
            self.clock.follow_real, self.clock.offset, self.clock.frozen_at = follow, offset, frozen
            self.state = self.fresh_state()
            self.generation += 1
            self.faults.clear()
            self.limiter.clear()
            self.deliveries.clear()
            if self.dispatcher is not None:
                self.dispatcher.forget()

    def snapshot(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "seed": self.cfg.seed,
            "clock": {
                "follow_real": self.clock.follow_real,
                "offset": self.clock.offset,
                "frozen_at": self.clock.frozen_at,
            },
            "faults": self.faults.to_dict(),
            "state": self.state.to_dict(),
        }

    def save(self, path: str | None = None) -> str | None:
        target = path or self.cfg.state_path
        if not target:
            return None
        with self.lock:
            payload = self.snapshot()
        save_json(target, payload)
        return target

    def load(self, path: str) -> bool:
        data = load_json(path)
        if data is None:
            return False
        if data.get("version") != STATE_VERSION or data.get("seed") != self.cfg.seed:
            raise SystemExit(f"{path}: saved by another simulator version or seed; remove it")
        clock = data["clock"]
        self.clock.follow_real = bool(clock["follow_real"])
        self.clock.offset = float(clock["offset"])
        self.clock.frozen_at = float(clock["frozen_at"])
        self.faults.set(data.get("faults", {}))
        self.faults.config.rate_limits = self.cfg.rate_limits  # the command line decides this one
        self.state = SimState.from_dict(data["state"])
        self.history_start_day = self.state.history_start_day
        return True

    # -- views -----------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def world(self) -> World:
        return World(self.history, self.state, self.clock.now())

    def team(self, name: str) -> TeamState | None:
        return self.state.teams.get(name)

    @property
    def domains(self) -> TeamState:
        return self.state.teams[self.cfg.domains_team]

    @property
    def rest(self) -> TeamState:
        return self.state.teams[self.cfg.rest_domain]

    def room_url(self, team: str, room: str) -> str:
        return f"https://{team}.daily.co/{room}"

    def count_request(self, key: str) -> None:
        with self.counts_lock:
            self.request_counts[key] += 1
