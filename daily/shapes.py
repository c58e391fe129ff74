"""Small readers for JSON of uncertain shape, shared by both dialects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from daily.errors import ParseError
from daily.timeutil import parse_time


def obj(data: object, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ParseError(f"{what} is not an object")
    return data


def text(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ParseError(f"{what} has no {key}")
    return value


def opt_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def opt_int(value: object) -> int | None:
    if type(value) is int:  # the usual case first; False for a bool, handled below
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def opt_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def opt_time(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_time(value, field="time")
    except ParseError:
        return None


def first(data: dict[str, Any], *keys: str) -> Any:
    """The first present (non-None) of several spellings of one field."""
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def listing(data: object, what: str, *keys: str) -> list[Any]:
    """A list body, or the list under one of `keys` (e.g. `data` of a page)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), list):
                return data[key]
    raise ParseError(f"{what} is not a list")


def true_flag(value: object) -> bool:
    """`deleted`/`updated` arrive as true or "true"; anything else is not a success."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
