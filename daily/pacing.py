"""Pacing: Daily's documented rate limits, kept by the client instead of tripped.

# Reference: docs.daily.co/reference/rest-api ("Rate limits"): "For most of our API
# endpoints, you can expect a limit of 20 requests per second, or 100 requests over a
# 5 second window. For the DELETE /rooms/:name and GET /recordings endpoints, you can
# expect about 2 requests per second, or 50 requests over a 30 second window."

Every request of a team takes a slot in its bucket before it is sent. Slots are spaced
`window / requests / utilisation` apart, so the team's requests, from every process that
shares the slot store, never exceed the limit, and a worker that has work to do uses the
rate fully (at the default utilisation, 95% of it: the margin absorbs the jitter between
when a slot starts and when Daily counts the request). The original (domains) API
documents no limit; it is paced at the general one.

A slot further away than the caller's `max_wait` is not taken: the request fails at once
with `RateLimited` (a page view should not wait behind a backfill; a worker waits long).
A 429 pushes the bucket's next slot back for everyone, which is the backoff.

Stores: `MemorySlots` (one process); the apps provide stores shared by processes (a file
lock on one machine, Redis across machines) with the same two operations.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from daily.errors import RateLimited

UTILISATION = 0.95


@dataclass(frozen=True)
class Limit:
    requests: int
    window: float  # seconds

    def interval(self, utilisation: float = UTILISATION) -> float:
        return self.window / self.requests / utilisation


GENERAL = "general"
SLOW = "slow"  # DELETE /rooms/:name and GET /recordings
LIMITS: dict[str, Limit] = {GENERAL: Limit(100, 5.0), SLOW: Limit(50, 30.0)}

# `/rooms/<name>` exactly (not `/rooms/<name>/eject`), after the base URL's path.
_ROOM_PATH = re.compile(r"(?:^|/)rooms/[^/]+$")
_RECORDINGS_PATH = re.compile(r"(?:^|/)recordings$")


def bucket_for(method: str, path: str) -> str:
    """The documented limit a REST request counts against."""
    bare = path.split("?", 1)[0].rstrip("/")
    if method == "DELETE" and _ROOM_PATH.search(bare):
        return SLOW
    if method == "GET" and _RECORDINGS_PATH.search(bare):
        return SLOW
    return GENERAL


class SlotStore(Protocol):
    def reserve(self, key: str, interval: float, max_wait: float) -> float | None:
        """Take the next slot of `key` if it is at most `max_wait` seconds away; answer
        the seconds until it (0 for now), or None when it is further (nothing taken)."""

    def push(self, key: str, seconds: float) -> None:
        """Nobody sends on `key` for the next `seconds` (after a 429)."""


class MemorySlots:
    """Slots kept in this process (tests, a single worker, `daily/` used on its own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def reserve(self, key: str, interval: float, max_wait: float) -> float | None:
        with self._lock:
            now = self._clock()
            slot = max(self._next.get(key, 0.0), now)
            wait = slot - now
            if wait > max_wait:
                return None
            self._next[key] = slot + interval
            return wait

    def push(self, key: str, seconds: float) -> None:
        with self._lock:
            until = self._clock() + seconds
            if until > self._next.get(key, 0.0):
                self._next[key] = until


class Pacer:
    """One team's pacing: a store, the team's key in it, and how long a caller waits."""

    def __init__(
        self,
        store: SlotStore,
        key: str,
        *,
        max_wait: float = 5.0,
        utilisation: float = UTILISATION,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if not 0 < utilisation <= 1:
            raise ValueError("utilisation must be in (0, 1]")
        self.store = store
        self.key = key
        self.max_wait = max_wait
        self.utilisation = utilisation
        self._sleep = sleep
        self.waited = 0.0  # seconds slept in total (benchmarks and tests read it)

    def __repr__(self) -> str:
        return f"Pacer(key={self.key!r}, max_wait={self.max_wait})"

    def before(self, method: str, path: str) -> None:
        """Wait for this request's slot, or raise RateLimited if it is too far away."""
        bucket = bucket_for(method, path)
        interval = LIMITS[bucket].interval(self.utilisation)
        wait = self.store.reserve(f"{self.key}:{bucket}", interval, self.max_wait)
        if wait is None:
            raise RateLimited(
                "Daily's rate limit for this team is taken by other work right now; "
                "try again in a moment.",
                retry_after=max(1.0, self.max_wait),
                method=method,
                path=path,
            )
        if wait > 0:
            self.waited += wait
            self._sleep(wait)

    def rate_limited(self, method: str, path: str, seconds: float) -> None:
        """Daily answered 429: hold every sender of this bucket back for `seconds`."""
        self.store.push(f"{self.key}:{bucket_for(method, path)}", seconds)
