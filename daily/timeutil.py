"""Time conversions. Everything inside `daily/` is a timezone-aware UTC datetime.

Daily sends unix seconds (REST: `start_time`, `join_time`, `exp`, ...) and ISO-8601 strings
(domains: `mtgStart`; REST: `created_at`); some fields arrive as digit strings. Requests go
out as unix seconds (REST) or ISO-8601 with a `Z` (domains).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from daily.errors import InvalidInput, ParseError

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
ONE_MINUTE = timedelta(minutes=1)
# Times are kept a day away from the ends of Python's calendar (years 1 and 9999), so
# showing one in any time zone (offsets stay under 26 h) or adding a day never overflows.
EARLIEST = datetime(1, 1, 3, tzinfo=UTC)
LATEST = datetime(9999, 12, 29, tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(value: object, *, field: str) -> datetime:
    """Parse unix seconds (int, float, digit string) or an ISO-8601 string into aware UTC.

    An ISO string without an offset is taken as UTC: Daily writes UTC everywhere.
    Raises ParseError (never TypeError/ValueError) for anything else.
    """
    if isinstance(value, bool):
        raise ParseError(f"{field} is a boolean, expected a time")
    if isinstance(value, int | float):
        return _in_range(_from_unix(value, field), field)
    if isinstance(value, datetime):
        return _in_range(_as_utc(value, field), field)
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            return _in_range(_from_unix(float(text), field), field)
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ParseError(f"{field} is not a time Daily would send") from None
        return _in_range(_as_utc(parsed, field), field)
    raise ParseError(f"{field} has type {type(value).__name__}, expected a time")


def _as_utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is past the end of the calendar
        raise ParseError(f"{field} is out of range") from None


def _in_range(moment: datetime, field: str) -> datetime:
    if not EARLIEST <= moment <= LATEST:
        raise ParseError(f"{field} is out of range")
    return moment


def parse_optional_time(value: object, *, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    return parse_time(value, field=field)


class TimeMemo:
    """`parse_time` for the times of one answer, each distinct string parsed once.

    Domains times are accurate to about a minute (CONTRACT.md), so the hundreds of joins
    and leaves of one meetings answer share a few dozen values; its natural keys need each
    time's isoformat() as well, which costs more than the parsing. Keep one per answer.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[datetime, str]] = {}

    def read(self, value: object, field: str) -> tuple[datetime, str]:
        """(the time, its isoformat()); ParseError as from parse_time."""
        if type(value) is not str:  # unix seconds: rare, and their == would mix 1 and True
            moment = parse_time(value, field=field)
            return moment, moment.isoformat()
        known = self._seen.get(value)
        if known is None:
            moment = parse_time(value, field=field)
            known = self._seen[value] = (moment, moment.isoformat())
        return known

    def read_optional(self, value: object, field: str) -> datetime | None:
        """As parse_optional_time: None for a missing or empty value."""
        if value is None or value == "":
            return None
        return self.read(value, field)[0]


def _from_unix(value: float, field: str) -> datetime:
    if isinstance(value, float) and not math.isfinite(value):
        raise ParseError(f"{field} is not a finite number")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise ParseError(f"{field} is out of range") from None


def add_seconds(moment: datetime, seconds: int, *, field: str) -> datetime:
    """`moment` plus a duration Daily sent; ParseError when that leaves the calendar."""
    try:
        later = moment + timedelta(seconds=seconds)
    except OverflowError:
        raise ParseError(f"{field} is out of range") from None
    return _in_range(later, field)


def to_unix(moment: datetime) -> int:
    """Whole unix seconds, as Daily expects for `exp`, `nbf` and timeframes."""
    return math.floor(moment.timestamp())


def to_iso_z(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and `Z`, the format of the domains API examples."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def require_aware(value: object, *, field: str) -> datetime:
    """Reject naive datetimes: a naive time is ambiguous across the team's time zones."""
    if not isinstance(value, datetime):
        raise InvalidInput("Expected a date and time.", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            "Times must carry a time zone (a naive datetime is ambiguous).", field=field
        )
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise InvalidInput("This date is too far in the past or the future.", field=field)
    return moment


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def duration_between(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return max(0, round((end - start).total_seconds()))
