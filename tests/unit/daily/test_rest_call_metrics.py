"""rest dialect: a meeting session's call metrics (`GET /logs` with `includeMetrics`).

Reference: docs.daily.co/reference/rest-api/logs/list-logs.
"""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from daily import InvalidInput, ParseError, RestClient, Unsupported

from .conftest import REST_BASE

SESSION = "6f546d55-b00f-446c-89af-3d87beb07883"


def metric(user: str, time: str, **extra) -> dict:
    return {
        "time": time,
        "mtgSessionId": SESSION,
        "userSessionId": user,
        "userRecvBitsPerSecAvg": 542362,
        "userSentBitsPerSecAvg": 568851,
        "videoRecvPacketLoss": 0,
        "metrics": {
            "sfu-recv": {"transport": {"recvPacketsLostPct": 2.5}},
            "candidate-pair": {"currentRoundTripTime": 0.081},
        },
        **extra,
    }


def test_one_call_asks_for_metrics_only_oldest_first(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    call = rsps.get(
        f"{REST_BASE}/logs",
        match=[
            matchers.query_param_matcher(
                {
                    "mtgSessionId": SESSION,
                    "includeMetrics": "true",
                    "includeLogs": "false",
                    "order": "ASC",
                    "limit": "4000",
                }
            )
        ],
        json={
            "metrics": [
                metric("b", "2020-09-25T17:56:40.000Z"),
                metric("a", "2020-09-25T17:56:25.282Z"),
            ],
            "metrics_count": 2,
        },
    )
    result = rest.call_metrics(SESSION)
    assert call.call_count == 1
    assert [s.user_session_id for s in result.samples] == ["a", "b"]
    first = result.samples[0]
    assert (first.packet_loss_pct, first.recv_bps, first.sent_bps) == (2.5, 542362, 568851)
    assert first.rtt_ms == pytest.approx(81.0)
    assert (result.total, result.truncated) == (2, False)


def test_missing_or_odd_figures_are_none_and_bad_entries_skipped(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{REST_BASE}/logs",
        json={
            "metrics": [
                {"time": "2020-09-25T17:56:25.282Z", "userSessionId": "a", "videoRecvPacketLoss": 4,
                 "userRecvBitsPerSecAvg": "fast", "metrics": None},
                {"time": "not a time", "userSessionId": "b"},
                {"time": "2020-09-25T17:56:25.282Z"},
                "junk",
            ],
            "metrics_count": 10,
        },
    )  # fmt: skip
    result = rest.call_metrics(SESSION, limit=4)
    [only] = result.samples
    assert only.packet_loss_pct == 4 and only.recv_bps is None and only.rtt_ms is None
    assert result.truncated is True and result.total == 10


def test_an_answer_without_a_metrics_list_is_a_parse_error(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{REST_BASE}/logs", json={"metrics": {"a": 1}})
    with pytest.raises(ParseError):
        rest.call_metrics(SESSION)


@pytest.mark.parametrize("session", ["", "../rooms", "a b", "x" * 200])
def test_a_bad_session_id_never_reaches_daily(
    rest: RestClient, rsps: responses.RequestsMock, session: str
) -> None:
    with pytest.raises(InvalidInput):
        rest.call_metrics(session)
    assert len(rsps.calls) == 0


def test_the_domains_dialect_has_no_call_metrics(domains) -> None:
    with pytest.raises(Unsupported):
        domains.call_metrics(SESSION)
