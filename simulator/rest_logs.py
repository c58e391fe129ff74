"""Rest dialect: call logs and metrics of a meeting session (`GET /v1/logs`).

Reference: docs.daily.co/reference/rest-api/logs/list-logs: `userSessionId` or
`mtgSessionId` (one of them required), `includeLogs` (default true), `includeMetrics`
(default false), `logLevel`, `order` (ASC/DESC, default DESC), `startTime`/`endTime` (ms),
`limit` (default 20), `offset` (default 0); a 400 on a bad request.
docs.daily.co/reference/rest-api/logs: metrics are collected once a second participant is in
the call, first after 15 seconds, then every 15 seconds.

The answer is `{logs, logs_count, metrics, metrics_count}` as in Daily's own examples (the
reference page shows none): each metric names `mtgSessionId`, `userSessionId`, `roomName`,
`domainName`, `time`, the participant's bitrates (`userRecvBitsPerSecAvg`, ...),
`videoRecvPacketLoss`, and nested stats: `sfu-recv.transport.recvPacketsLostPct` and the
candidate pair's `currentRoundTripTime` (seconds, WebRTC's name).

The figures are deterministic per participant session (a hash of its id): about one session
in four has a poor network (heavy loss, or a long round trip), the rest are good.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from simulator.clock import iso_ms
from simulator.web import Request, Response, Route, invalid

if TYPE_CHECKING:
    from simulator.app import Simulator

SAMPLE_EVERY = 15  # seconds (docs: "Subsequent samples are logged every 15 seconds")
DEFAULT_LIMIT = 20
MAX_LIMIT = 10_000  # the docs give no maximum; large enough for a long meeting's samples


def _unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from the parts."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def profile(pid: str) -> str:
    """ "good", "lossy" or "laggy": the network a participant session had."""
    u = _unit("profile", pid)
    if u < 0.15:
        return "lossy"
    if u < 0.25:
        return "laggy"
    return "good"


def sample(pid: str, i: int) -> tuple[float, float, float, float]:
    """(packet loss %, recv bps, sent bps, round trip s) of a session's i-th sample."""
    kind = profile(pid)
    jitter = _unit("sample", pid, i)
    if kind == "lossy":
        loss = 6 + 12 * jitter
        rtt = 0.12 + 0.1 * jitter
        recv = 200_000 + 250_000 * jitter
    elif kind == "laggy":
        loss = 0.5 + 2 * jitter
        rtt = 0.45 + 0.3 * jitter
        recv = 400_000 + 300_000 * jitter
    else:
        loss = 1.2 * jitter * jitter
        rtt = 0.03 + 0.09 * jitter
        recv = 700_000 + 800_000 * jitter
    sent = recv * (0.8 + 0.3 * _unit("sent", pid, i))
    return round(loss, 3), round(recv, 3), round(sent, 3), round(rtt, 4)


def _int(req: Request, key: str, default: int, low: int, high: int | None = None) -> int:
    raw = req.query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{key} must be an integer") from None
    if value < low:
        raise invalid(f"{key} must be at least {low}")
    return min(value, high) if high is not None else value


def _flag(req: Request, key: str, default: bool) -> bool:
    raw = req.query.get(key)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false", "1", "0"):
        raise invalid(f"{key} must be true or false")
    return raw.lower() in ("true", "1")


def _entries(sim: Simulator, meeting_id: str) -> tuple[list[dict], list[dict]]:
    world = sim.world()
    plan = sim.history.plan_by_id(sim.rest.name, meeting_id)
    seen = world.observe(plan) if plan is not None else None
    if seen is None:
        return [], []
    now = int(world.now)
    spans = [
        (ss.s.pid, ss.s.join, ss.leave if ss.leave is not None else now) for ss in seen.sessions
    ]
    common = {"mtgSessionId": meeting_id, "roomName": plan.room, "domainName": sim.rest.name}
    logs: list[dict[str, Any]] = []
    metrics: list[dict[str, Any]] = []
    for pid, join, leave in spans:
        logs.append(
            {
                **common,
                "time": iso_ms(join),
                "clientTime": iso_ms(join),
                "userSessionId": pid,
                "message": "participant joined",
                "level": 1,
                "code": 8010,
            }
        )
        i = 0
        t = join + SAMPLE_EVERY
        while t <= leave:
            # Collected only while a second participant is in the call.
            if sum(1 for _p, j, lv in spans if j <= t < lv) >= 2:
                loss, recv, sent, rtt = sample(pid, i)
                metrics.append(
                    {
                        **common,
                        "time": iso_ms(t),
                        "clientTime": iso_ms(t),
                        "userSessionId": pid,
                        "videoRecvPacketLoss": loss,
                        "userRecvBitsPerSecAvg": recv,
                        "userSentBitsPerSecAvg": sent,
                        "metrics": {
                            "sfu-recv": {
                                "transport": {
                                    "recvPacketsLostPct": loss,
                                    "bitsReceivedPerSecAvg": recv,
                                }
                            },
                            "candidate-pair": {"currentRoundTripTime": rtt},
                        },
                    }
                )
                i += 1
            t += SAMPLE_EVERY
    return logs, metrics


def list_logs(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/logs/list-logs
    meeting_id = req.query.get("mtgSessionId") or ""
    user = req.query.get("userSessionId") or ""
    if not meeting_id and not user:
        raise invalid("mtgSessionId or userSessionId is required")
    include_logs = _flag(req, "includeLogs", True)
    include_metrics = _flag(req, "includeMetrics", False)
    order = (req.query.get("order") or "DESC").upper()
    if order not in ("ASC", "DESC"):
        raise invalid("order must be ASC or DESC")
    limit = _int(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(req, "offset", 0, 0)
    # userSessionId alone (a participant across meetings) is not modelled: nothing found.
    logs, metrics = _entries(sim, meeting_id) if meeting_id else ([], [])
    if user:
        logs = [e for e in logs if e["userSessionId"] == user]
        metrics = [e for e in metrics if e["userSessionId"] == user]
    body: dict[str, Any] = {}
    for name, entries, wanted in (
        ("logs", logs, include_logs),
        ("metrics", metrics, include_metrics),
    ):
        if not wanted:
            continue
        entries.sort(key=lambda e: (e["time"], e["userSessionId"]), reverse=order == "DESC")
        body[name] = entries[offset : offset + limit]
        body[f"{name}_count"] = len(entries)
    return Response(body=body)


ROUTES: list[Route[Simulator]] = [
    Route("GET", "/v1/logs", list_logs, "rest"),
]
