"""The reports' CSVs, byte for byte, against files written by the exports as they were
when each report had a view of its own (before the one report registry): the
table-driven views must not change a byte, the file name included.

The clock is fixed (an ongoing session counts up to "now"). To rewrite the files after a
deliberate change of a CSV: GOLDEN_WRITE=1 pytest tests/attendance/test_reports_csv_golden.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.attendance.test_reports_csv import RANGE, client, team  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2025, 3, 12, 22, 15, 30, tzinfo=dt.UTC)

CASES = {
    "meetings": {**RANGE},
    "meetings-by-room": {**RANGE, "sort": "room"},
    "meetings-of-a-person": {**RANGE, "person": "alice@example.com"},
    "people": {**RANGE},
    "people-with-guests": {**RANGE, "guests": "on", "min_percent": "50"},
    "rooms": {**RANGE},
    "rooms-unused": {**RANGE, "unused": "1"},
    "charts": {**RANGE},
    "charts-of-a-room": {**RANGE, "room": "alpha"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_csv_is_byte_identical_to_the_recorded_one(client, team, monkeypatch, case):  # noqa: F811
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    report = case.split("-")[0]
    url = reverse(f"attendance:{report}_csv", args=[team.slug]) + "?" + urlencode(CASES[case])
    response = client.get(url)
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content)
    recorded = (
        f"Content-Disposition: {response['Content-Disposition']}\n"
        f"Content-Type: {response['Content-Type']}\n\n"
    ).encode() + body
    path = GOLDEN / f"{case}.csv"
    if os.environ.get("GOLDEN_WRITE"):
        path.write_bytes(recorded)
    assert recorded == path.read_bytes()
