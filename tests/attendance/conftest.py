from __future__ import annotations

import pytest


@pytest.fixture
def fast_sim(simulator_fast):
    """The simulator with rate limits off, reset for each test."""
    simulator_fast.reset()
    simulator_fast.clear_faults()
    simulator_fast.clear_request_counts()
    yield simulator_fast
    simulator_fast.clear_faults()
