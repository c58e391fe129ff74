"""Slot stores shared by every process of the dashboard, for `daily.pacing.Pacer`.

A team's rate limit at Daily is shared by everything the dashboard does for it: page views,
the attendance sync, the rooms mirror and bulk jobs, in any web or worker process. So the
slots live where all of them see them:

- with `REDIS_URL`: in Redis, each reservation one Lua script run against Redis's own clock
  (atomic, and right across machines);
- otherwise (the embedded defaults, one machine): in a small file per key under the var
  directory, read and written under an exclusive `flock`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from functools import cache
from pathlib import Path

from django.conf import settings

from daily.pacing import Pacer, SlotStore

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = slot - now
if wait > tonumber(ARGV[2]) then return {0, tostring(wait)} end
local after = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(after), 'PX', math.ceil((after - now) * 1000) + 60000)
return {1, tostring(wait)}
"""

_PUSH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 60000)
end
return 1
"""


class RedisSlots:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._reserve = self._redis.register_script(_RESERVE)
        self._push = self._redis.register_script(_PUSH)

    def reserve(self, key: str, interval: float, max_wait: float) -> float | None:
        taken, wait = self._reserve(keys=[f"dailyadmin:pace:{key}"], args=[interval, max_wait])
        return float(wait) if int(taken) else None

    def push(self, key: str, seconds: float) -> None:
        self._push(keys=[f"dailyadmin:pace:{key}"], args=[seconds])


class FileSlots:
    """The next free slot of each key in a file of its own, changed under `flock`."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._dir.mkdir(parents=True, exist_ok=True)

    def _update(self, key: str, change: object) -> float | None:
        name = hashlib.sha256(key.encode()).hexdigest()[:32]
        fd = os.open(self._dir / name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            try:
                current = float(raw) if raw else 0.0
            except ValueError:
                current = 0.0
            now = time.time()
            result, new = change(current, now)  # type: ignore[operator]
            if new is not None:
                data = repr(new).encode()
                os.ftruncate(fd, 0)
                os.pwrite(fd, data, 0)
            return result
        finally:
            os.close(fd)  # closing releases the lock

    def reserve(self, key: str, interval: float, max_wait: float) -> float | None:
        def change(current: float, now: float) -> tuple[float | None, float | None]:
            slot = max(current, now)
            wait = slot - now
            if wait > max_wait:
                return None, None
            return wait, slot + interval

        return self._update(key, change)

    def push(self, key: str, seconds: float) -> None:
        def change(current: float, now: float) -> tuple[None, float | None]:
            until = now + seconds
            return None, (until if until > current else None)

        self._update(key, change)


@cache
def _store(redis_url: str | None, directory: str) -> SlotStore:
    if redis_url:
        return RedisSlots(redis_url)
    return FileSlots(Path(directory))


def slot_store() -> SlotStore:
    return _store(settings.REDIS_URL or None, str(Path(settings.VAR_DIR) / "pacing"))


def pacer_for(dialect: str, base_url: str, team_name: str, *, background: bool) -> Pacer | None:
    """The pacer of one Daily team (its rate limit is per domain, whatever the key).

    `background`: work in the worker waits as long as it takes; a page view waits at most
    `DAILY_PACING_MAX_WAIT` seconds, then says Daily is busy (with a retry button).
    """
    if not settings.DAILY_PACING:
        return None
    identity = hashlib.sha256(f"{dialect}|{base_url.rstrip('/')}|{team_name}".encode()).hexdigest()
    return Pacer(
        slot_store(),
        identity[:24],
        max_wait=settings.DAILY_PACING_MAX_WAIT_BACKGROUND
        if background
        else settings.DAILY_PACING_MAX_WAIT,
        utilisation=settings.DAILY_RATE_UTILISATION,
    )
