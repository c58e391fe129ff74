"""Call metrics end to end: the real client against the simulator's `GET /v1/logs`.

Reference: docs.daily.co/reference/rest-api/logs/list-logs and
docs.daily.co/reference/rest-api/logs (a sample every 15 s per participant, once a second
participant is in the call).
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import requests

from daily import Meeting
from tests.contract.helpers import build, sim_now
from tests.support.simulator import SimulatorProcess


def _a_meeting_of_several(client, fast: SimulatorProcess) -> Meeting:
    now = sim_now(fast)
    for meeting in client.meetings(now - timedelta(days=3), now):
        if not meeting.ongoing and len(meeting.participants) >= 3:
            return meeting
    raise AssertionError("the seed has no finished meeting of three people in three days")


def test_metrics_of_a_meeting_are_deterministic_per_participant(
    fast: SimulatorProcess, sleeps: list[float]
) -> None:
    with build(fast, "rest", sleeps) as client:
        meeting = _a_meeting_of_several(client, fast)
        first = client.call_metrics(meeting.upstream_id)
        again = client.call_metrics(meeting.upstream_id)
    assert first == again and first.samples and not first.truncated
    people = {p.session_key for p in meeting.participants}
    assert {s.user_session_id for s in first.samples} <= people
    assert all(s.packet_loss_pct is not None and s.rtt_ms is not None for s in first.samples)
    times = [s.time for s in first.samples]
    assert times == sorted(times)
    # 15 s apart for each participant.
    one = [s.time for s in first.samples if s.user_session_id == first.samples[0].user_session_id]
    assert all((b - a).total_seconds() % 15 == 0 for a, b in pairwise(one))


def test_the_limit_truncates_and_says_so(fast: SimulatorProcess, sleeps: list[float]) -> None:
    with build(fast, "rest", sleeps) as client:
        meeting = _a_meeting_of_several(client, fast)
        result = client.call_metrics(meeting.upstream_id, limit=2)
    assert len(result.samples) == 2 and result.truncated and result.total > 2


def test_logs_without_a_session_is_a_400_and_defaults_leave_metrics_out(
    fast: SimulatorProcess,
) -> None:
    url = fast.rest_base_url + "/logs"
    missing = requests.get(url, headers=fast.rest_headers, timeout=5)
    assert missing.status_code == 400
    plain = requests.get(url, params={"mtgSessionId": "x"}, headers=fast.rest_headers, timeout=5)
    # includeMetrics defaults to false, includeLogs to true.
    assert plain.status_code == 200 and "metrics" not in plain.json() and "logs" in plain.json()
