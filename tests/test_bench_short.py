"""The benchmarks cannot rot: their short form runs end to end and prints the table.

`python -m bench --short` runs every benchmark on tiny data in a database of its own
(created and dropped by the harness on DATABASE_URL's server). Nothing here asserts a
timing: only that each benchmark ran and reported its rows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = (
    "ingest",
    "queries",
    "pages",
    "client",
    "upstream",
    "mirror_fill",
    "rooms_page",
    "backfill",
)


@pytest.mark.postgres
@pytest.mark.simulator
def test_the_short_benchmarks_run_every_benchmark_and_print_the_table():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--short"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    header, rule, *rows = done.stdout.splitlines()
    assert header.split() == ["benchmark", "measured", "baseline", "ratio", "target", "met?"]
    assert set(rule) == {"-", " "}
    for name in BENCHMARKS:
        assert any(row.startswith(f"{name}: ") for row in rows), f"no row for {name}"
