"""Call quality of one meeting session from Daily's logs API (REST): `GET /logs`.

Reference: docs.daily.co/reference/rest-api/logs/list-logs (query `mtgSessionId`,
`includeMetrics` (default false), `includeLogs` (default true), `order`, `limit` (default
20), `offset`) and docs.daily.co/reference/rest-api/logs ("The first data sample is logged
after 15 seconds. Subsequent samples are logged every 15 seconds", per participant, once a
second participant joins).

The answer is `{logs, logs_count, metrics, metrics_count}`; each metrics entry names its
participant (`userSessionId`) and time, with the participant's bitrates
(`userRecvBitsPerSecAvg`, `userSentBitsPerSecAvg`) and nested WebRTC stats under `metrics`
(`sfu-recv.transport.recvPacketsLostPct`, and candidate-pair round-trip time as WebRTC names
it, `currentRoundTripTime` in seconds). Daily's reference page shows no example answer: this
shape is the one of Daily's own examples (the /logs announcement and Daily's sample client);
a field missing or of another type is skipped, never fatal.

One call per read: `limit` samples at most (oldest first); `truncated` says there were more.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from daily import validation
from daily.errors import InvalidInput, ParseError
from daily.parse import obj
from daily.timeutil import parse_time

if TYPE_CHECKING:
    from daily.http import Reply

# Samples per read: about an hour of a 15-person meeting (one sample per person per 15 s).
DEFAULT_LIMIT = 4000
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class MetricSample:
    """One participant's 15-second sample. None: Daily did not report that figure."""

    user_session_id: str
    time: datetime
    packet_loss_pct: float | None  # received packets lost, percent (0-100)
    recv_bps: float | None
    sent_bps: float | None
    rtt_ms: float | None


@dataclass(frozen=True)
class CallMetrics:
    session_id: str
    samples: list[MetricSample]
    total: int  # metrics_count: samples Daily holds for the session
    truncated: bool  # more than were read


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def _nested(metrics: object, *path: str) -> object:
    node = metrics
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _rtt_seconds(metrics: object) -> float | None:
    """The candidate pair's `currentRoundTripTime` (s), wherever Daily nests it."""
    if not isinstance(metrics, Mapping):
        return None
    for group in metrics.values():
        if not isinstance(group, Mapping):
            continue
        for key in ("currentRoundTripTime", "roundTripTime"):
            value = _number(group.get(key))
            if value is not None:
                return value
        for inner in group.values():
            if isinstance(inner, Mapping):
                value = _number(inner.get("currentRoundTripTime"))
                if value is not None:
                    return value
    return None


def parse_sample(item: object) -> MetricSample | None:
    """One entry of `metrics`; None when it names no participant or time."""
    if not isinstance(item, Mapping):
        return None
    user = item.get("userSessionId")
    if not isinstance(user, str) or not user:
        return None
    try:
        when = parse_time(item.get("time"), field="time")
    except ParseError:
        return None
    nested = item.get("metrics")
    loss = _number(_nested(nested, "sfu-recv", "transport", "recvPacketsLostPct"))
    if loss is None:
        loss = _number(item.get("videoRecvPacketLoss"))
    rtt = _rtt_seconds(nested)
    return MetricSample(
        user_session_id=user,
        time=when,
        packet_loss_pct=None if loss is None else min(loss, 100.0),
        recv_bps=_number(item.get("userRecvBitsPerSecAvg")),
        sent_bps=_number(item.get("userSentBitsPerSecAvg")),
        rtt_ms=None if rtt is None else rtt * 1000,
    )


def parse(data: object, session_id: str, limit: int) -> CallMetrics:
    body = obj(data, "the logs")
    raw = body.get("metrics")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ParseError("the logs: metrics is not a list")
    samples = [s for s in map(parse_sample, raw) if s is not None]
    samples.sort(key=lambda s: (s.time, s.user_session_id))
    count = body.get("metrics_count")
    counted = isinstance(count, int) and not isinstance(count, bool)
    total = max(count, len(raw)) if counted else len(raw)  # type: ignore[type-var]
    return CallMetrics(
        session_id=session_id,
        samples=samples,
        total=total,
        # Without a count, a full page may have had more behind it.
        truncated=total > len(raw) or (not counted and len(raw) >= limit),
    )


class RestCallMetrics:
    """A mixin of RestClient; relies on its `_request` and `_parsing`."""

    if TYPE_CHECKING:
        _request: Callable[..., Reply]
        _parsing: Callable[[str, str], AbstractContextManager[None]]

    # Reference: docs.daily.co/reference/rest-api/logs/list-logs
    def call_metrics(self, session_id: str, *, limit: int = DEFAULT_LIMIT) -> CallMetrics:
        """The metrics samples of one meeting session (its id from `/meetings`)."""
        session = validation.identifier(session_id, field="session_id")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
        params: dict[str, Any] = {
            "mtgSessionId": session,
            "includeMetrics": "true",
            "includeLogs": "false",
            "order": "ASC",
            "limit": limit,
        }
        data = self._request("GET", "/logs", params=params).data
        with self._parsing("GET", "/logs"):
            return parse(data, session, limit)
