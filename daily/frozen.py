"""Building frozen dataclasses quickly, for the parsers that make thousands per answer."""

from __future__ import annotations

from typing import Any, TypeVar

_Frozen = TypeVar("_Frozen")


def construct(cls: type[_Frozen], fields: dict[str, Any]) -> _Frozen:
    """`cls(**fields)` for a frozen dataclass of `daily/`, two to three times faster.

    A frozen dataclass's `__init__` stores each field through `object.__setattr__`, which
    re-checks the class hierarchy every time. Here `fields` becomes the new instance's
    `__dict__` as it is, which gives the same object (equality, hashing, repr, pickling,
    immutability) provided `fields` is a new dict that names every field: no defaults are
    applied, and the class must have no `__post_init__` and no `__slots__`.
    """
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance
