"""Webhook delivery: a background loop that really POSTs signed events.

Every `--webhook-interval` seconds (and on `POST /_sim/webhooks/flush`) the
loop looks at the simulated interval since its last tick and sends, to every
ACTIVE webhook subscribed to the type, one POST per event that happened in it:
`meeting.started`, `participant.joined`, `participant.left`, `meeting.ended`
(ejections included), in time order.

- Envelope `{version: "1.0.0", type, id, event_ts, payload}`; `id` is derived
  from the event, so a re-sent event keeps its id (receivers deduplicate on it).
- Headers `X-Webhook-Timestamp` (real unix seconds: it is transport metadata
  a receiver checks against its own clock) and `X-Webhook-Signature` =
  base64(HMAC-SHA256(key=base64decode(hmac), msg=timestamp + "." + body)).
- After a clock jump, only the last MAX_CATCHUP seconds are replayed.
- Each tick re-reads one second before its previous end and skips events it
  already sent, so an ejection at a frozen instant is still reported.
- retryType `circuit-breaker` (the default): every failure counts, and the
  third in a row turns the webhook FAILED. `exponential`: never FAILED; a
  failed event is sent again up to MAX_RETRIES times, RETRY_DELAYS simulated
  seconds apart, with the same id, body and X-Webhook-Timestamp (the docs do
  not say Daily re-signs a retry, so a receiver must accept the older stamp).
  Reference: docs.daily.co/reference/rest-api/webhooks ("`exponential`: ...
  Daily will never circuit break under this retry type. Each message will be
  retried at most 5 times, with an exponential backoff up to 15 minutes.").
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.clock import DAY, iso_ms
from simulator.observe import World
from simulator.outbound import post_signed
from simulator.state import FAILURES_TO_FAIL

if TYPE_CHECKING:
    from simulator.app import Simulator

MAX_CATCHUP = 3600.0
POST_TIMEOUT = 5.0
ORDER = {"meeting.started": 0, "participant.joined": 1, "participant.left": 2, "meeting.ended": 3}
MAX_RETRIES = 5
# Doubling waits whose sum, about 15 minutes, is the documented horizon.
RETRY_DELAYS = (30.0, 60.0, 120.0, 240.0, 480.0)


@dataclass(frozen=True)
class Event:
    ts: int
    type: str
    key: str
    payload: dict[str, Any]

    def envelope(self) -> dict[str, Any]:
        event_id = str(uuid.UUID(hashlib.md5(self.key.encode(), usedforsecurity=False).hexdigest()))
        return {
            "version": "1.0.0",
            "type": self.type,
            "id": event_id,
            "event_ts": float(self.ts),
            "payload": self.payload,
        }


def collect(world: World, team: str, lo: float, hi: float) -> list[Event]:
    """Events with lo < time <= hi, as seen at `hi` (world.now)."""
    events: list[Event] = []
    for plan in world.plans(team, (int(lo) // DAY) * DAY, hi + 1):
        if plan.end <= lo:
            continue
        seen = world.observe(plan)
        if seen is None:
            continue
        room, mid = plan.room, plan.id
        if lo < plan.start <= hi:
            payload = {"start_ts": plan.start, "meeting_id": mid, "room": room}
            events.append(Event(plan.start, "meeting.started", f"ms|{mid}", payload))
        for ss in seen.sessions:
            base = {
                "joined_at": ss.s.join,
                "session_id": ss.s.pid,
                "room": room,
                "user_id": ss.s.user_id if ss.s.user_id is not None else ss.s.pid,
                "user_name": ss.s.user_name,
                "owner": ss.s.owner,
            }
            if lo < ss.s.join <= hi:
                events.append(Event(ss.s.join, "participant.joined", f"pj|{ss.s.pid}", base))
            if ss.leave is not None and lo < ss.leave <= hi:
                left = {**base, "duration": ss.leave - ss.s.join}
                events.append(Event(ss.leave, "participant.left", f"pl|{ss.s.pid}", left))
        if seen.end is not None and lo < seen.end <= hi:
            payload = {"start_ts": plan.start, "end_ts": seen.end, "meeting_id": mid, "room": room}
            events.append(Event(seen.end, "meeting.ended", f"me|{mid}", payload))
    events.sort(key=lambda e: (e.ts, ORDER[e.type]))
    return events


@dataclass(frozen=True)
class Retry:
    due: float  # simulated time
    attempt: int  # retries already made
    hook_id: str
    event: Event
    timestamp: str  # the first attempt's X-Webhook-Timestamp


class Dispatcher:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tick_lock = threading.Lock()  # one tick at a time (loop or flush)
        self._sent: dict[str, int] = {}  # event key -> event time, recently sent
        self._retries: list[Retry] = []  # failed events of `exponential` webhooks

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sim-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=POST_TIMEOUT + 1)

    def forget(self) -> None:
        """Drop the memory of sent events (after a reset, the same events happen again).

        Called with the simulator lock held, which also guards `_sent` in tick().
        """
        self._sent = {}
        self._retries = []

    def _run(self) -> None:
        while not self._stop.wait(self.sim.cfg.webhook_interval):
            try:
                self.tick()
            except Exception as exc:  # the loop must survive any one bad tick
                print(f"simulator: webhook tick failed: {exc!r}", file=sys.stderr, flush=True)

    def tick(self) -> int:
        """Send what happened since the last tick; returns the number of POSTs tried."""
        with self._tick_lock:
            sim = self.sim
            with sim.lock:
                world = sim.world()
                now = world.now
                last = sim.state.webhook_last_tick
                last = now if last is None else last
                sim.state.webhook_last_tick = now
                if now < last:  # the clock went back: nothing new happened
                    self._sent.clear()
                    self._retries = []
                    return 0
                lo = max(last - 1, now - MAX_CATCHUP)
                hooks = [
                    (h.uuid, h.url, h.hmac, set(h.event_types), h.basic_auth)
                    for h in sim.state.webhooks.values()
                    if h.state == "ACTIVE"
                ]
                due = [r for r in self._retries if r.due <= now]
                self._retries = [r for r in self._retries if r.due > now]
                events = collect(world, sim.rest.name, lo, now) if hooks else []
                fresh = [e for e in events if e.key not in self._sent]
                for e in fresh:
                    self._sent[e.key] = e.ts
                self._sent = {k: t for k, t in self._sent.items() if t > lo - 60}
            tried = 0
            dead: set[str] = set()
            by_id = {h[0]: h for h in hooks}
            for retry in due:
                hook = by_id.get(retry.hook_id)
                if hook is None or retry.hook_id in dead:
                    continue  # deleted, or no longer ACTIVE: the retry is dropped
                tried += 1
                _, url, secret, _, basic = hook
                ok = self._post(retry.hook_id, url, secret, basic, retry.event, retry.timestamp)
                self._record(retry.hook_id, ok, retry.event, retry.timestamp, retry.attempt + 1)
            for event in fresh:
                for hook_id, url, secret, types, basic in hooks:
                    if event.type in types and hook_id not in dead:
                        tried += 1
                        stamp = str(int(time.time()))
                        ok = self._post(hook_id, url, secret, basic, event, stamp)
                        if not self._record(hook_id, ok, event, stamp, 0):
                            dead.add(hook_id)  # FAILED (or deleted): stop sending to it
            return tried

    def _post(
        self, hook_id: str, url: str, secret: str, basic: str | None, event: Event, timestamp: str
    ) -> bool:
        body = json.dumps(event.envelope(), ensure_ascii=False).encode()
        status, error = post_signed(url, secret, basic, body, timestamp, POST_TIMEOUT)
        ok = status is not None and 200 <= status < 300
        self.sim.deliveries.append(
            {
                "at": iso_ms(time.time()),
                "webhook": hook_id,
                "url": url,
                "type": event.type,
                "event_id": event.envelope()["id"],
                "event_ts": event.ts,
                "status": status,
                "ok": ok,
                "error": error,
            }
        )
        return ok

    def _record(self, hook_id: str, ok: bool, event: Event, timestamp: str, attempt: int) -> bool:
        """Count the outcome (`attempt`: retries made so far); False once the webhook
        no longer takes events."""
        with self.sim.lock:
            hook = self.sim.state.webhooks.get(hook_id)
            if hook is None or hook.state != "ACTIVE":
                return False
            if ok:
                # "If we have a succesful response at any time before this we will reset
                # your `failedCount` to 0" (docs.daily.co/reference/rest-api/webhooks).
                hook.consecutive_failures = hook.failed_count = 0
                hook.last_moment_pushed = float(event.ts)
                return True
            hook.failed_count += 1
            hook.consecutive_failures += 1
            if hook.retry_type == "exponential":
                if attempt < MAX_RETRIES:
                    due = self.sim.clock.now() + RETRY_DELAYS[attempt]
                    self._retries.append(Retry(due, attempt, hook_id, event, timestamp))
                return True
            if hook.consecutive_failures >= FAILURES_TO_FAIL:
                hook.state = "FAILED"
            return hook.state == "ACTIVE"
