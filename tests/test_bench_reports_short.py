"""The reports benchmark cannot rot: its short form builds a small dataset, summarises it,
measures every report page, query and export, and prints one line per figure.

Nothing here asserts a timing: only that every figure was measured and judged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = ("meetings list", "people report", "rooms report", "charts")


@pytest.mark.postgres
def test_the_short_reports_benchmark_measures_every_page_query_and_export():
    done = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--short"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    lines = [text for text in done.stdout.splitlines() if text.startswith("reports ")]
    judged = [text for text in lines if text.endswith((": met", ": missed"))]
    for span in ("30 days", "366 days"):
        for page in PAGES:
            assert any(f"page p99, {page}, {span}" in text for text in judged), (page, span)
        assert sum(": query, " in t and f", {span}: " in t for t in judged) == 5
        assert any(f"query, usage totals (participant-minutes, guests included), {span}" in t
                   for t in judged)  # fmt: skip
    assert any("page p99, one meeting" in text for text in judged)
    for span in ("this month", "last month of the history", "middle month of the history"):
        assert any(f"page p99, usage page, {span}" in text for text in judged), span
    # The usage CSV is an export: its time and peak RSS, not a page's p99.
    assert not any("page p99, usage CSV" in text for text in lines)
    for span in ("last month of the history", "middle month of the history"):
        assert any(f"export peak RSS, usage CSV, {span}: " in text for text in lines), span
    assert any("export peak RSS, meetings CSV of 366 days against 30 days" in t for t in judged)
    assert done.stdout.rstrip().endswith("missed")  # the count of met and missed
