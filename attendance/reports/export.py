"""The reports' CSV exports, written by the one CSV writer (teams/csvexport.py: byte
order mark, formula neutralisation, streaming).

- Rows come from the database in chunks (`.iterator(chunk_size=...)` or a server-side
  cursor), so a large export never sits in memory.
- Timestamps are ISO 8601 with the team's UTC offset (e.g. 2025-03-10T16:30:00+01:00).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils import timezone

from teams import csvexport


def iso(value: dt.datetime | None, tz: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(tz).isoformat()


def one_decimal(value: float) -> str:
    """Rounded half up, as the pages' `floatformat` does, so a CSV cell equals its table cell."""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def minutes(seconds: float) -> str:
    return one_decimal(seconds / 60)


def csv_response(
    name: str, team_slug: str, tz: ZoneInfo, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    stamp = timezone.now().astimezone(tz).strftime("%Y%m%d-%H%M")
    return csvexport.csv_response(f"{name}-{team_slug}-{stamp}.csv", header, rows)
