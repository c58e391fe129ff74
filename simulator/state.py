"""The mutable part of the simulated world, and its JSON form for --state.

Meeting history is *not* here: it is regenerated on demand from the seed
(simulator/history.py). Only what API calls change lives in `SimState`: rooms
created, changed and deleted, users removed, ejections, tokens issued,
webhooks. Deleted rooms leave a `deleted` entry (their history stops there)
and, on rest, a tombstone that keeps list cursors naming them valid.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Any

# The version of the --state file's JSON form; a file of another version is refused.
STATE_VERSION = 1


def new_uuid(rng: random.Random) -> str:
    """A version-4-shaped UUID drawn from `rng`, so seeded ids are reproducible."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) % 4]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


@dataclass
class RoomRecord:
    name: str
    id: str
    privacy: str
    created_at: float
    seq: int  # creation order, breaks created_at ties in the newest-first list
    api_created: bool = True
    config: dict[str, Any] = field(default_factory=dict)  # rest: only non-default values
    dial_in_pin: str = ""  # domains
    seeded: bool = False  # part of the seed: generated history happens in it


@dataclass
class TeamState:
    name: str
    dialect: str
    domain_id: str
    invite_link: str
    rooms: dict[str, RoomRecord] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # domains, by email
    deleted: dict[str, float] = field(default_factory=dict)  # room name -> deleted at
    # seeded rest rooms deleted after their exp: name -> [exp, eject_at_room_exp]
    expired: dict[str, list[Any]] = field(default_factory=dict)
    tombstones: dict[str, list[float]] = field(default_factory=dict)  # id -> [created_at, seq]
    # rest: the domain's `hipaa` config flag (set through POST /_sim/domain-config)
    hipaa: bool = False
    # rest: the domain's own configuration, only what differs from Daily's documented
    # defaults (simulator/rest_domain.py; POST /v1)
    domain_config: dict[str, Any] = field(default_factory=dict)
    # rest: cloud recordings by id (simulator/rest_recordings.py); a deleted one keeps its
    # entry with "deleted": true so that list cursors naming it stay valid.
    recordings: dict[str, dict[str, Any]] = field(default_factory=dict)


# A `circuit-breaker` webhook's `state` turns FAILED after this many consecutive failed
# deliveries (Webhook.consecutive_failures); simulator/delivery.py applies it.
FAILURES_TO_FAIL = 3


@dataclass
class Webhook:
    uuid: str
    url: str
    hmac: str
    event_types: list[str]
    created_at: float
    updated_at: float
    state: str = "ACTIVE"
    failed_count: int = 0
    consecutive_failures: int = 0
    basic_auth: str | None = None
    retry_type: str = "circuit-breaker"
    last_moment_pushed: float | None = None


@dataclass
class SimState:
    history_start_day: int
    teams: dict[str, TeamState] = field(default_factory=dict)
    webhooks: dict[str, Webhook] = field(default_factory=dict)
    # meeting id -> participant id -> simulated time of the ejection
    ejections: dict[str, dict[str, float]] = field(default_factory=dict)
    # meeting id -> user_id -> time of the ban (no rejoin for the rest of that meeting)
    bans: dict[str, dict[str, float]] = field(default_factory=dict)
    tokens_issued: int = 0
    seq: int = 0
    webhook_last_tick: float | None = None

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimState:
        teams = {}
        for name, raw in data.get("teams", {}).items():
            rooms = {k: RoomRecord(**v) for k, v in raw.pop("rooms", {}).items()}
            teams[name] = TeamState(**raw, rooms=rooms)
        hooks = {k: Webhook(**v) for k, v in data.get("webhooks", {}).items()}
        rest = {k: v for k, v in data.items() if k not in ("teams", "webhooks")}
        return cls(**rest, teams=teams, webhooks=hooks)


def save_json(path: str, payload: dict[str, Any]) -> None:
    """Write atomically: a crash mid-save must not leave a half file to load next time."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".sim-state-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False)
    os.replace(tmp, path)


def load_json(path: str) -> dict[str, Any] | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
