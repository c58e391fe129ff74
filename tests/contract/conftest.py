"""Contract tests: the real `daily/` client against a running simulator process.

Clients run on the simulator's frozen clock (so `exp` checks and meeting windows agree on
"now") and record backoff sleeps instead of sleeping. `sim.request_counts()` says what
actually reached the simulator, which is how "before any HTTP" and "not retried" are shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from daily import DailyClient
from tests.contract.helpers import build, sim_now
from tests.support.simulator import SimulatorProcess


@pytest.fixture
def fast(simulator_fast: SimulatorProcess) -> Iterator[SimulatorProcess]:
    """The session's rate-limit-free simulator, reset to its seed state for this test."""
    simulator_fast.reset()
    simulator_fast.clear_faults()
    simulator_fast.clear_request_counts()
    yield simulator_fast
    simulator_fast.clear_faults()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def now(sim: SimulatorProcess) -> datetime:
    return sim_now(sim)


@pytest.fixture
def domains(sim: SimulatorProcess, sleeps: list[float]) -> Iterator[DailyClient]:
    with build(sim, "domains", sleeps) as client:
        yield client


@pytest.fixture
def rest(sim: SimulatorProcess, sleeps: list[float]) -> Iterator[DailyClient]:
    with build(sim, "rest", sleeps) as client:
        yield client
