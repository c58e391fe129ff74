"""The one CSV writer of every export (attendance reports, the audit log).

- UTF-8 with a byte order mark first: without it Excel reads the file as the local code
  page and garbles every non-ASCII name ("Zoë" becomes "ZoÃ«").
- A text cell starting with = + - @ (or a tab or carriage return) could run as a formula
  in a spreadsheet (CSV injection): it is prefixed with an apostrophe.
- Streamed: rows are written one at a time into a StreamingHttpResponse, so a large
  export never sits in memory; the caller gives an iterator (a chunked queryset).
- `Cache-Control: no-store`: exports hold personal data; no cache keeps a copy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    return "" if value is None else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """An attachment named `filename` (ASCII: a slug and a date), streamed."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
