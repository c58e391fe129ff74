"""The simulator's own tests use the fixtures of tests/support/simulator.py.

tests/conftest.py registers that module as a plugin; should it ever stop, the
fixtures are imported here so these tests still run on their own.
"""

from __future__ import annotations

import pytest

from tests import conftest as _root
from tests.support.simulator import SimulatorProcess

if "tests.support.simulator" not in getattr(_root, "pytest_plugins", ()):
    from tests.support.simulator import sim, simulator, simulator_fast  # noqa: F401


@pytest.fixture
def now(sim: SimulatorProcess) -> int:
    """The session simulator's frozen start instant (unix seconds, on the minute)."""
    assert sim.start_now is not None
    return int(sim.start_now)
