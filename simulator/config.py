"""Start-up options of the simulator (the command line, as one value)."""

from __future__ import annotations

from dataclasses import dataclass

DOMAINS_TEAM = "demo-team"
REST_DOMAIN = "demo-rest"
# Not secrets: the simulator's well-known demo keys, overridable on the command line.
DEFAULT_DOMAINS_TOKEN = "sim-domains-key"  # noqa: S105
DEFAULT_REST_TOKEN = "sim-rest-key"  # noqa: S105
DEFAULT_ROOMS = 40
# The --scale at which the 90 days hold >= 100,000 meetings and >= 1,000,000
# participant sessions per team (see docs in simulator/__init__.py).
BENCHMARK_SCALE = 45


@dataclass(frozen=True)
class SimConfig:
    host: str = "127.0.0.1"
    port: int = 0
    seed: str = "demo"
    scale: float = 1.0
    rooms: int = DEFAULT_ROOMS
    state_path: str | None = None
    start_now: float | None = None  # --now; None means the real time at start
    frozen: bool = False  # --clock frozen
    rate_limits: bool = True
    domains_token: str = DEFAULT_DOMAINS_TOKEN
    rest_token: str = DEFAULT_REST_TOKEN
    webhook_interval: float = 2.0
    domains_team: str = DOMAINS_TEAM
    rest_domain: str = REST_DOMAIN
