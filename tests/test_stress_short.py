"""The load run with mutations, in its short form, so it cannot rot (it asserts no timings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REPO = Path(__file__).resolve().parents[1]


def test_the_short_stress_run_keeps_every_invariant():
    done = subprocess.run(
        [sys.executable, "-m", "bench.stress", "--short"],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "5xx           0" in done.stdout
    assert "invariants    all hold" in done.stdout
