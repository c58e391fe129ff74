"""CSV exports: streamed row by row, safe to open in a spreadsheet.

- Streamed: a generator feeds a StreamingHttpResponse, and rows come from the database
  in chunks (`.iterator(chunk_size=...)` or a server-side cursor), so a large export
  never sits in memory.
- Timestamps are ISO 8601 with the team's UTC offset (e.g. 2025-03-10T16:30:00+01:00).
- A text cell starting with = + - @ (or a tab or carriage return) could run as a
  formula in a spreadsheet: it is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def iso(value: dt.datetime | None, tz: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(tz).isoformat()


def one_decimal(value: float) -> str:
    """Rounded half up, as the pages' `floatformat` does, so a CSV cell equals its table cell."""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def minutes(seconds: float) -> str:
    return one_decimal(seconds / 60)


def cell(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    return "" if value is None else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte order mark, so spreadsheets read the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def csv_response(
    name: str, team_slug: str, tz: ZoneInfo, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    stamp = timezone.now().astimezone(tz).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{team_slug}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
