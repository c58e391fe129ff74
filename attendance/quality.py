"""Call quality of one meeting: Daily's metrics per participant, summarised and flagged.

Read on demand from the meeting page (never by the sync), one Daily call
(`client.call_metrics`, `GET /logs` with `mtgSessionId` and `includeMetrics`) and then the
Django cache, keyed by team and meeting session: an ended meeting for `TTL_ENDED`, an
ongoing one for `TTL_ONGOING` (its samples still grow every 15 seconds).

Poor, per participant (documented on the page):
- median packet loss above `LOSS_POOR_PCT` (5 %): audio and video visibly degrade well
  before that, and a sustained 5 % is beyond what error correction hides;
- or median round trip above `RTT_POOR_MS` (400 ms): ITU-T G.114 puts 400 ms of one-way
  delay as the limit of acceptable conversation; a round trip that long already means a
  noticeable lag.
Daily's REST reference gives no threshold of its own. A median, not a peak: one bad
15-second sample is shown in the p95 column but does not flag a whole session.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils.formats import get_format
from django.utils.translation import gettext, gettext_noop

from attendance.models import Attendance, Meeting
from daily import Capability, MetricSample
from daily import Dialect as DailyDialect
from daily.enums import CAPABILITIES
from teams.daily_client import client_for
from teams.models import Team

LOSS_POOR_PCT = 5.0
RTT_POOR_MS = 400.0
TTL_ENDED = 6 * 3600
TTL_ONGOING = 60
CACHE_VERSION = 1


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


UNKNOWN = gettext_noop("Unknown participant")


@dataclass(frozen=True)
class Stat:
    median: float | None
    p95: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        return cls(percentile(values, 50), percentile(values, 95))


@dataclass(frozen=True)
class ParticipantQuality:
    session_id: str
    label: str
    samples: int
    loss: Stat  # percent
    rtt: Stat  # milliseconds
    recv_kbps: Stat
    sent_kbps: Stat
    # (seconds since the meeting started, loss %, rtt ms) for the charts
    series: tuple[tuple[float, float | None, float | None], ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def poor(self) -> bool:
        return bool(self.reasons)

    @property
    def name(self) -> str:
        """The label to show: a participant Daily names nobody is said in the reader's
        language (the cached label is English)."""
        return gettext(UNKNOWN) if self.label == UNKNOWN else self.label

    @property
    def reasons_said(self) -> tuple[str, ...]:
        """The reasons in the reader's language (`reasons`, cached, are the English)."""
        return _reasons(self.loss, self.rtt, translate=True)


@dataclass(frozen=True)
class QualityReport:
    participants: tuple[ParticipantQuality, ...]
    samples: int
    total: int
    truncated: bool
    fetched_at: datetime
    span_seconds: float = 0.0
    poor_count: int = field(default=0)


def _number(value: float, spec: str, translate: bool) -> str:
    text = f"{value:{spec}}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR")) if translate else text


def _reasons(loss: Stat, rtt: Stat, *, translate: bool = False) -> tuple[str, ...]:
    say = gettext if translate else (lambda text: text)
    out = []
    if loss.median is not None and loss.median > LOSS_POOR_PCT:
        out.append(
            say(gettext_noop("packet loss %(median)s %% (over %(limit)s %%)"))
            % {
                "median": _number(loss.median, ".1f", translate),
                "limit": _number(LOSS_POOR_PCT, "g", translate),
            }
        )
    if rtt.median is not None and rtt.median > RTT_POOR_MS:
        out.append(
            say(gettext_noop("round trip %(median)s ms (over %(limit)s ms)"))
            % {
                "median": _number(rtt.median, ".0f", translate),
                "limit": _number(RTT_POOR_MS, "g", translate),
            }
        )
    return tuple(out)


def summarise(
    samples: Sequence[MetricSample],
    *,
    start: datetime,
    labels: dict[str, str],
    total: int,
    truncated: bool,
    fetched_at: datetime,
) -> QualityReport:
    by_user: dict[str, list[MetricSample]] = defaultdict(list)
    for s in samples:
        by_user[s.user_session_id].append(s)
    people = []
    for user, rows in by_user.items():
        loss = Stat.of([r.packet_loss_pct for r in rows if r.packet_loss_pct is not None])
        rtt = Stat.of([r.rtt_ms for r in rows if r.rtt_ms is not None])
        people.append(
            ParticipantQuality(
                session_id=user,
                label=labels.get(user) or UNKNOWN,
                samples=len(rows),
                loss=loss,
                rtt=rtt,
                recv_kbps=Stat.of([r.recv_bps / 1000 for r in rows if r.recv_bps is not None]),
                sent_kbps=Stat.of([r.sent_bps / 1000 for r in rows if r.sent_bps is not None]),
                series=tuple(
                    ((r.time - start).total_seconds(), r.packet_loss_pct, r.rtt_ms) for r in rows
                ),
                reasons=_reasons(loss, rtt),
            )
        )
    # The poor first, then by name: what someone looking at quality wants to see first.
    people.sort(key=lambda p: (not p.poor, p.label.lower(), p.session_id))
    span = max((t for p in people for t, _l, _r in p.series), default=0.0)
    return QualityReport(
        participants=tuple(people),
        samples=len(samples),
        total=total,
        truncated=truncated,
        fetched_at=fetched_at,
        span_seconds=span,
        poor_count=sum(p.poor for p in people),
    )


def cache_key(team: Team, meeting: Meeting) -> str:
    return f"call-quality:v{CACHE_VERSION}:{team.pk}:{meeting.upstream_id}"


def available(team: Team, meeting: Meeting) -> bool:
    """REST teams only (the logs API), and meetings with Daily's session id."""
    capabilities = CAPABILITIES[DailyDialect(team.dialect)]
    return bool(meeting.upstream_id) and Capability.CALL_METRICS in capabilities


def _labels(meeting: Meeting) -> dict[str, str]:
    """Session id -> the name the attendance report shows (one query)."""
    labels = {}
    for key, name, identity, guest in Attendance.objects.filter(meeting=meeting).values_list(
        "session_key", "user_name", "identity", "is_guest"
    ):
        labels[key] = name or ("Guest" if guest else identity)
    return labels


def cached(team: Team, meeting: Meeting) -> QualityReport | None:
    data = cache.get(cache_key(team, meeting))
    return _from_dict(data) if isinstance(data, dict) else None


def meeting_quality(team: Team, meeting: Meeting, *, now: datetime) -> QualityReport:
    """The cached report, or one Daily call then the cache. Raises DailyError."""
    known = cached(team, meeting)
    if known is not None:
        return known
    with client_for(team) as client:
        result = client.call_metrics(meeting.upstream_id)
    report = summarise(
        result.samples,
        start=meeting.start,
        labels=_labels(meeting),
        total=result.total,
        truncated=result.truncated,
        fetched_at=now,
    )
    ttl = TTL_ONGOING if meeting.ongoing or meeting.end is None else TTL_ENDED
    cache.set(cache_key(team, meeting), asdict(report), ttl)
    return report


def _stat(data: dict) -> Stat:
    return Stat(data["median"], data["p95"])


def _from_dict(data: dict) -> QualityReport | None:
    """Plain values in the cache (no pickled classes), read back; None if of another shape."""
    try:
        people = tuple(
            ParticipantQuality(
                session_id=p["session_id"],
                label=p["label"],
                samples=p["samples"],
                loss=_stat(p["loss"]),
                rtt=_stat(p["rtt"]),
                recv_kbps=_stat(p["recv_kbps"]),
                sent_kbps=_stat(p["sent_kbps"]),
                series=tuple(tuple(row) for row in p["series"]),
                reasons=tuple(p["reasons"]),
            )
            for p in data["participants"]
        )
        return QualityReport(
            participants=people,
            samples=data["samples"],
            total=data["total"],
            truncated=data["truncated"],
            fetched_at=data["fetched_at"],
            span_seconds=data["span_seconds"],
            poor_count=data["poor_count"],
        )
    except (KeyError, TypeError):
        return None
