"""Simulated time, and the time formats both dialects speak.

The simulator never reads the wall clock directly for anything the API shows:
everything asks `SimClock.now()`. Following real time (the default) means
"real now + offset", so `advance` and `set` work in both modes and a restart
from a state file resumes the same simulated timeline.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

DAY = 86400


@dataclass
class SimClock:
    follow_real: bool = True
    offset: float = 0.0  # used while following real time
    frozen_at: float = 0.0  # used while frozen
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def now(self) -> float:
        with self._lock:
            return time.time() + self.offset if self.follow_real else self.frozen_at

    def set(self, target: float) -> None:
        with self._lock:
            if self.follow_real:
                self.offset = target - time.time()
            else:
                self.frozen_at = target

    def advance(self, seconds: float) -> None:
        self.set(self.now() + seconds)

    def set_follow_real(self, follow: bool) -> None:
        # Switching mode keeps the current simulated instant, so nothing jumps.
        current = self.now()
        with self._lock:
            self.follow_real = follow
        self.set(current)

    def to_dict(self) -> dict[str, object]:
        return {"follow_real": self.follow_real, "now": self.now()}

    def load(self, data: dict[str, object]) -> None:
        self.follow_real = bool(data.get("follow_real", True))
        self.set(float(data.get("now", time.time())))  # type: ignore[arg-type]


def iso_ms(ts: float) -> str:
    """`2024-01-20T10:00:00.000Z`, the shape Daily uses for created_at and friends."""
    dt = datetime.fromtimestamp(math.floor(ts * 1000) / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def iso_minute(ts: int) -> str:
    """Domains-dialect times: accurate to the minute, seconds always `:00.000Z`."""
    return iso_ms(ts - ts % 60)


def floor_minute(ts: int) -> int:
    return ts - ts % 60


def parse_time(value: object) -> float | None:
    """Unix seconds (number or numeric string) or an ISO 8601 string; None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        # A bare ISO string is read as UTC, as JavaScript's Date does for date-times with Z.
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
