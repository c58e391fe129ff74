"""Fault switches: each one observable, deterministic with a seed, scoped by path."""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.simulator import SimulatorError, SimulatorProcess

pytestmark = pytest.mark.simulator


def rest_get(sim: SimulatorProcess, path: str = "/", timeout: float = 10) -> requests.Response:
    return requests.get(sim.rest_base_url + path, headers=sim.rest_headers, timeout=timeout)


def domains_get(sim: SimulatorProcess) -> requests.Response:
    url = f"{sim.url}/domains/by-name/{sim.domains_team}"
    return requests.get(url, headers=sim.domains_headers, timeout=10)


def test_latency_delays_answers(sim: SimulatorProcess) -> None:
    sim.faults(latency_ms=300)
    started = time.monotonic()
    assert rest_get(sim).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_5xx_faults_come_as_json_or_gateway_pages(sim: SimulatorProcess) -> None:
    sim.faults(p_5xx=1, fault_seed=7)
    seen = {}
    for _ in range(30):
        response = rest_get(sim)
        seen[response.status_code] = response
    assert set(seen) <= {500, 502, 503, 504} and len(seen) >= 3
    if 500 in seen:
        assert seen[500].json()["error"] == "server-error"
    gateway = next(r for code, r in seen.items() if code != 500)
    assert gateway.headers["Content-Type"].startswith("text/html")


def test_429_faults_with_and_without_retry_after(sim: SimulatorProcess) -> None:
    sim.faults(p_429=1)
    response = rest_get(sim)
    assert response.status_code == 429 and response.json()["error"] == "rate-limit-error"
    assert "Retry-After" not in response.headers
    sim.faults(retry_after=7)
    assert rest_get(sim).headers["Retry-After"] == "7"
    assert domains_get(sim).status_code == 429


def test_error_in_200_applies_to_the_domains_dialect(sim: SimulatorProcess) -> None:
    sim.faults(p_error_in_200=1)
    response = domains_get(sim)
    assert response.status_code == 200 and "message" in response.json()["error"]
    assert rest_get(sim).status_code == 200


def test_drop_closes_the_connection_without_an_answer(sim: SimulatorProcess) -> None:
    sim.faults(p_drop=1)
    with pytest.raises(requests.ConnectionError):
        rest_get(sim)


def test_hang_outlasts_the_client_timeout(sim: SimulatorProcess) -> None:
    sim.faults(p_hang=1, hang_seconds=2)
    with pytest.raises(requests.ReadTimeout):
        rest_get(sim, timeout=0.5)


def test_paths_limit_faults_to_a_prefix(sim: SimulatorProcess) -> None:
    sim.faults(p_5xx=1, paths="/v1/rooms")
    assert rest_get(sim, "/rooms").status_code >= 500
    assert rest_get(sim, "/").status_code == 200
    assert domains_get(sim).status_code == 200
    assert sim.health()["ok"] is True, "control endpoints never fault"


def test_a_fault_seed_makes_the_sequence_reproducible(sim: SimulatorProcess) -> None:
    runs = []
    for _ in range(2):
        sim.faults(p_5xx=0.5, fault_seed=42)
        runs.append([rest_get(sim).status_code for _ in range(20)])
    assert runs[0] == runs[1] and 200 in runs[0] and any(s >= 500 for s in runs[0])


def test_clear_faults_and_bad_switches(sim: SimulatorProcess) -> None:
    sim.faults(p_5xx=1, rate_limits=False)
    cleared = sim.clear_faults()
    assert cleared["p_5xx"] == 0 and cleared["rate_limits"] is True
    assert rest_get(sim).status_code == 200
    for bad in ({"p_5xx": 2}, {"p_drop": "often"}, {"nonsense": 1}):
        with pytest.raises(SimulatorError, match="400"):
            sim.faults(**bad)


def test_requests_are_counted_by_route_template(sim: SimulatorProcess) -> None:
    rest_get(sim, "/rooms/standup")
    rest_get(sim, "/rooms/retro")
    rest_get(sim, "/rooms")
    domains_get(sim)
    counts = sim.request_counts()
    assert counts["GET /v1/rooms/{name}"] == 2
    assert counts["GET /v1/rooms"] == 1
    assert counts["GET /domains/by-name/{team}"] == 1
    sim.clear_request_counts()
    assert sim.request_counts() == {}
