"""The few SQL fragments that differ between PostgreSQL and SQLite.

The report queries are one SQL text for both databases: every timestamp is turned
into epoch seconds (a float) as it is read, so the arithmetic, the comparisons and
the window functions after that are plain SQL that both run the same way. Only the
epoch conversion and the two-argument GREATEST/LEAST differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import NotSupportedError, connection


@dataclass(frozen=True)
class Dialect:
    vendor: str

    def epoch(self, expr: str) -> str:
        if self.vendor == "postgresql":
            # date_part (double precision), not EXTRACT (numeric since PostgreSQL 14: slower).
            return f"date_part('epoch', {expr})"
        # Django stores UTC datetimes as text; julianday() reads them to about 50 µs, so
        # the result is rounded to the millisecond: whole seconds come out exact, and
        # "50 of 60 minutes" is exactly 50%, as on PostgreSQL.
        return f"ROUND((julianday({expr}) - 2440587.5) * 86400.0, 3)"

    def utc_day(self, expr: str) -> str:
        """The UTC date of a stored datetime, as a DateField stores it."""
        if self.vendor == "postgresql":
            return f"(({expr}) AT TIME ZONE 'UTC')::date"
        return f"date({expr})"

    def greatest(self, *exprs: str) -> str:
        name = "GREATEST" if self.vendor == "postgresql" else "MAX"
        return f"{name}({', '.join(exprs)})"

    def least(self, *exprs: str) -> str:
        name = "LEAST" if self.vendor == "postgresql" else "MIN"
        return f"{name}({', '.join(exprs)})"


def dialect() -> Dialect:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotSupportedError(
            f"Attendance reports need PostgreSQL or SQLite, not {connection.vendor}."
        )
    return Dialect(connection.vendor)


def param(value: dt.datetime) -> Any:
    """A datetime as the database stores it (aware UTC on PostgreSQL, text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def from_epoch(seconds: float | None) -> dt.datetime | None:
    """An epoch read back from a report query, as an aware UTC datetime (whole seconds)."""
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(round(float(seconds)), dt.UTC)


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stream(sql: str, params: Sequence[Any], chunk: int = 2000) -> Iterator[tuple]:
    """Rows of a query, fetched `chunk` at a time (a server-side cursor on PostgreSQL)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows
