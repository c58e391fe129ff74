"""Room and meeting-token properties, sparse like Daily's own `config`.

Sparse-config rule: every field defaults to None, meaning "Daily's default" (or the
domain-level setting). A key Daily did not send is None, never False. `to_config()` emits
only the fields that are set, so an update touches only what the person changed.

Leniency decision: `from_config()` ignores unknown keys, and a known key whose value has
the wrong type is dropped (logged at WARNING, field name only) as if Daily had not sent it.
One odd field must not make a whole room list unreadable. A `config` that is not an object
at all raises `ParseError`.

Times (`nbf`, `exp`) are aware UTC datetimes here and unix seconds on the wire.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, Self

from daily.enums import RecordingMode, Region
from daily.errors import ParseError
from daily.timeutil import parse_time, to_unix

log = logging.getLogger("daily")

# Daily's documented room defaults, for showing "default (200)" in forms. A domain-level
# setting can override some of these (e.g. enable_prejoin_ui), so they are a hint.
DEFAULTS: Mapping[str, object] = MappingProxyType(
    {
        "max_participants": 200,
        "enable_chat": False,
        "enable_prejoin_ui": False,
        "enable_emoji_reactions": False,
        "enable_screenshare": True,
        "enable_knocking": False,
        "eject_at_room_exp": False,
        "enable_dialout": False,
        "start_video_off": False,
        "start_audio_off": False,
        "lang": "en",
    }
)


class _Skip(Exception):
    """A value of the wrong type: drop the field (see the module docstring)."""


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _Skip


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        raise _Skip
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _Skip


def _as_str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _Skip


def _as_time(value: object) -> datetime:
    try:
        return parse_time(value, field="time")
    except ParseError:
        raise _Skip from None


def _as_dict(value: object) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise _Skip


def _as_enum(enum: type[Enum]) -> Callable[[object], Any]:
    def parse(value: object) -> Any:
        try:
            return enum(value)
        except ValueError:
            raise _Skip from None

    return parse


def _as_nested(cls: type[_Sparse]) -> Callable[[object], Any]:
    def parse(value: object) -> Any:
        if isinstance(value, Mapping):
            return cls.from_config(value)
        raise _Skip

    return parse


def _wire(value: object) -> object:
    if isinstance(value, datetime):
        return to_unix(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, _Sparse):
        return value.to_config()
    if isinstance(value, Mapping):
        return {str(k): _wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    return value


class _Sparse:
    """Shared from_config/to_config for the sparse dataclasses below."""

    _PARSERS: Mapping[str, Callable[[object], Any]] = {}

    @classmethod
    @functools.cache
    def all_defaults(cls) -> Self:
        """`cls()`, made once: instances are immutable, so one serves every empty config."""
        return cls()

    @classmethod
    def from_config(cls, config: Mapping[str, object] | None) -> Self:
        if config is None:
            return cls.all_defaults()
        if not isinstance(config, Mapping):
            raise ParseError(f"{cls.__name__} config is not an object")
        if not config:  # what most rooms send
            return cls.all_defaults()
        values: dict[str, Any] = {}
        # The keys Daily sent, not every known field: configs are sparse.
        for name, raw in config.items():
            parse = cls._PARSERS.get(name)
            if parse is None or raw is None:
                continue
            try:
                values[name] = parse(raw)
            except _Skip:
                log.warning(
                    "Ignoring %s.%s from Daily: unexpected %s value",
                    cls.__name__,
                    name,
                    type(raw).__name__,
                )
        return cls(**values)

    def to_config(self) -> dict[str, object]:
        """Only the fields that are set; read-only fields (sip_uri) are never sent."""
        out: dict[str, object] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or f.metadata.get("read_only"):
                continue
            out[f.name] = _wire(value)
        return out

    def set_fields(self) -> frozenset[str]:
        return frozenset(self.to_config())


@dataclass(frozen=True)
class SipParams(_Sparse):
    display_name: str | None = None
    # "dial-in" is the only mode Daily documents, so it is the one default that is not None.
    sip_mode: str | None = "dial-in"
    video: bool | None = None
    num_endpoints: int | None = None
    codecs: dict[str, list[str]] | None = None

    _PARSERS = MappingProxyType(
        {
            "display_name": _as_str,
            "sip_mode": _as_str,
            "video": _as_bool,
            "num_endpoints": _as_int,
            "codecs": _as_dict,
        }
    )


@dataclass(frozen=True)
class SipUri(_Sparse):
    endpoint: str | None = None

    _PARSERS = MappingProxyType({"endpoint": _as_str})


@dataclass(frozen=True)
class RecordingsBucket(_Sparse):
    bucket_name: str | None = None
    bucket_region: str | None = None
    assume_role_arn: str | None = None
    allow_api_access: bool | None = None

    _PARSERS = MappingProxyType(
        {
            "bucket_name": _as_str,
            "bucket_region": _as_str,
            "assume_role_arn": _as_str,
            "allow_api_access": _as_bool,
        }
    )


@dataclass(frozen=True)
class RoomProperties(_Sparse):
    """A room's `config`/`properties` (REST). None everywhere means "all defaults"."""

    nbf: datetime | None = None
    exp: datetime | None = None
    max_participants: int | None = None
    enable_chat: bool | None = None
    enable_prejoin_ui: bool | None = None
    enable_emoji_reactions: bool | None = None
    enable_screenshare: bool | None = None
    enable_knocking: bool | None = None
    eject_at_room_exp: bool | None = None
    eject_after_elapsed: int | None = None
    enable_dialout: bool | None = None
    enable_recording: RecordingMode | None = None
    geo: Region | None = None
    start_video_off: bool | None = None
    start_audio_off: bool | None = None
    lang: str | None = None
    sip: SipParams | None = None
    sip_uri: SipUri | None = field(default=None, metadata={"read_only": True})
    recordings_bucket: RecordingsBucket | None = None

    _PARSERS = MappingProxyType(
        {
            "nbf": _as_time,
            "exp": _as_time,
            "max_participants": _as_int,
            "enable_chat": _as_bool,
            "enable_prejoin_ui": _as_bool,
            "enable_emoji_reactions": _as_bool,
            "enable_screenshare": _as_bool,
            "enable_knocking": _as_bool,
            "eject_at_room_exp": _as_bool,
            "eject_after_elapsed": _as_int,
            "enable_dialout": _as_bool,
            "enable_recording": _as_enum(RecordingMode),
            "geo": _as_enum(Region),
            "start_video_off": _as_bool,
            "start_audio_off": _as_bool,
            "lang": _as_str,
            "sip": _as_nested(SipParams),
            "sip_uri": _as_nested(SipUri),
            "recordings_bucket": _as_nested(RecordingsBucket),
        }
    )

    @property
    def sip_endpoint(self) -> str | None:
        if self.sip_uri is None or not self.sip_uri.endpoint:
            return None
        return "sip:" + self.sip_uri.endpoint

    def effective(self, name: str) -> object:
        """The value set on the room, else Daily's documented default (None if unknown)."""
        value = getattr(self, name)
        return DEFAULTS.get(name) if value is None else value


@dataclass(frozen=True)
class MeetingTokenProperties(_Sparse):
    """A meeting token's properties. Always set `room_name` (validation enforces it)."""

    room_name: str | None = None
    exp: datetime | None = None
    nbf: datetime | None = None
    is_owner: bool | None = None
    user_name: str | None = None
    user_id: str | None = None
    eject_at_token_exp: bool | None = None
    eject_after_elapsed: int | None = None
    enable_screenshare: bool | None = None
    start_video_off: bool | None = None
    start_audio_off: bool | None = None
    enable_recording: RecordingMode | None = None
    enable_prejoin_ui: bool | None = None
    start_cloud_recording: bool | None = None
    permissions: dict[str, Any] | None = None

    _PARSERS = MappingProxyType(
        {
            "room_name": _as_str,
            "exp": _as_time,
            "nbf": _as_time,
            "is_owner": _as_bool,
            "user_name": _as_str,
            "user_id": _as_str,
            "eject_at_token_exp": _as_bool,
            "eject_after_elapsed": _as_int,
            "enable_screenshare": _as_bool,
            "start_video_off": _as_bool,
            "start_audio_off": _as_bool,
            "enable_recording": _as_enum(RecordingMode),
            "enable_prejoin_ui": _as_bool,
            "start_cloud_recording": _as_bool,
            "permissions": _as_dict,
        }
    )
