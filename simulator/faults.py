"""Fault switches (`/_sim/faults`) and Daily's rate limits.

Faults apply to API requests only (never to `/_sim/`), optionally only to
paths starting with `paths`. Each request draws its dice in a fixed order
(drop, hang, 5xx, 429, error-in-200) from one `random.Random`, seeded with
`fault_seed` when given, so a sequential test sees a reproducible sequence.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

PROBABILITIES = ("p_5xx", "p_429", "p_error_in_200", "p_drop", "p_hang")


class FaultError(ValueError):
    """A bad /_sim/faults body."""


@dataclass
class FaultConfig:
    latency_ms: int = 0
    p_5xx: float = 0.0
    p_429: float = 0.0
    p_error_in_200: float = 0.0  # domains only: a 200 carrying {"error": {...}}
    p_drop: float = 0.0  # close the connection without an answer
    p_hang: float = 0.0  # sleep hang_seconds, then answer normally
    hang_seconds: float = 30.0
    retry_after: int | None = None  # add Retry-After to every 429 (Daily documents none)
    rate_limits: bool = True
    paths: str | None = None  # only requests whose path starts with this
    fault_seed: int | None = None

    def update(self, body: dict[str, Any]) -> None:
        known = set(asdict(self))
        for key, value in body.items():
            if key not in known:
                raise FaultError(f"unknown fault switch: {key}")
            if key in PROBABILITIES:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise FaultError(f"{key} must be a number in [0, 1]")
                if not 0 <= value <= 1:
                    raise FaultError(f"{key} must be in [0, 1]")
                value = float(value)
            elif key in ("latency_ms", "hang_seconds"):
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise FaultError(f"{key} must be a number >= 0")
            elif key in ("retry_after", "fault_seed"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise FaultError(f"{key} must be an integer or null")
            elif key == "rate_limits":
                if not isinstance(value, bool):
                    raise FaultError("rate_limits must be a boolean")
            elif key == "paths" and value is not None and not isinstance(value, str):
                raise FaultError("paths must be a path prefix string or null")
            setattr(self, key, value)


@dataclass
class Decision:
    drop: bool = False
    hang: float = 0.0
    latency: float = 0.0
    status_5xx: int | None = None
    too_many: bool = False
    error_in_200: bool = False


@dataclass
class Faults:
    config: FaultConfig = field(default_factory=FaultConfig)
    default_rate_limits: bool = True
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, body: dict[str, Any]) -> None:
        with self._lock:
            candidate = FaultConfig(**asdict(self.config))
            candidate.update(body)  # validate everything before changing anything
            self.config = candidate
            if "fault_seed" in body:
                self._rng = random.Random(candidate.fault_seed)

    def clear(self) -> None:
        with self._lock:
            self.config = FaultConfig(rate_limits=self.default_rate_limits)
            self._rng = random.Random()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self.config)

    def decide(self, path: str) -> Decision:
        with self._lock:
            cfg = self.config
            if cfg.paths and not path.startswith(cfg.paths):
                return Decision()
            rng = self._rng
            decision = Decision(latency=cfg.latency_ms / 1000)
            decision.drop = rng.random() < cfg.p_drop
            if rng.random() < cfg.p_hang:
                decision.hang = cfg.hang_seconds
            if rng.random() < cfg.p_5xx:
                decision.status_5xx = rng.choice((500, 502, 503, 504))
            decision.too_many = rng.random() < cfg.p_429
            decision.error_in_200 = rng.random() < cfg.p_error_in_200
            return decision


@dataclass(frozen=True)
class Limit:
    requests: int
    window: float


GENERAL_LIMIT = Limit(100, 5.0)  # about 20 requests/s
DELETE_ROOM_LIMIT = Limit(50, 30.0)  # DELETE /rooms/<name>: about 2/s


class RateLimiter:
    """Sliding-window log per (API key, bucket), in real (not simulated) time.

    Only accepted requests enter the log, so a client that backs off recovers.
    """

    def __init__(self) -> None:
        self._log: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, bucket: str, limit: Limit) -> bool:
        now = time.monotonic()
        with self._lock:
            log = self._log.setdefault((key, bucket), deque())
            while log and log[0] <= now - limit.window:
                log.popleft()
            if len(log) >= limit.requests:
                return False
            log.append(now)
            return True

    def clear(self) -> None:
        with self._lock:
            self._log.clear()
