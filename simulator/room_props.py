"""Rest room properties: type checks, defaults, and the sparse `config`.

A room's `config` holds only the properties that differ from the defaults
(CONTRACT.md): setting a property to its default value, or to null, removes
it. `sip_uri` is read-only and present exactly when `sip` is set.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from simulator.web import RestError, invalid

# Reference: docs.daily.co/reference/rest-api/recordings: "We support "local" recording to a
# participant's own device in addition to three cloud-based recording types: "cloud",
# "cloud-audio-only", and "raw-tracks"" (also docs.daily.co/docs/guides/features/recording).
# The older copy of rooms/config lists only "cloud", "local", "raw-tracks" and "<not set>";
# not set is the missing key, never a value.
RECORDING = ("cloud", "cloud-audio-only", "local", "raw-tracks")
GEOS = (
    "af-south-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "eu-central-1",
    "eu-west-2",
    "sa-east-1",
    "us-east-1",
    "us-west-2",
)
LANGS = (
    "da", "de", "en", "es", "fi", "fr", "it", "jp", "ka", "nl", "no", "pl", "pt", "pt-BR",
    "ru", "sv", "tr", "user",
)  # fmt: skip
MAX_PARTICIPANTS = 200  # Daily: "contact us" above 200
BOOL_DEFAULTS = {
    "enable_chat": False,
    "enable_prejoin_ui": False,
    "enable_emoji_reactions": False,
    "enable_screenshare": True,
    "enable_knocking": False,
    "eject_at_room_exp": False,
    "enable_dialout": False,
    "start_video_off": False,
    "start_audio_off": False,
}
DEFAULTS: dict[str, Any] = {**BOOL_DEFAULTS, "max_participants": 200, "lang": "en"}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unix(key: str, value: Any) -> int:
    # pipecat sends time.time() + n, a float: accept any finite number, keep whole seconds.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise invalid(f"{key} must be a unix timestamp in seconds")
    if value > 10**11:
        raise invalid(f"{key} looks like milliseconds; use seconds since the epoch")
    return int(value)


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid(f"{key} must be a boolean")
    return value


def _int_range(low: int, high: int | None) -> Callable[[str, Any], int]:
    def check(key: str, value: Any) -> int:
        if not _is_int(value) or value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"of at least {low}"
            raise invalid(f"{key} must be an integer {bound}")
        return int(value)

    return check


def _enum(choices: tuple[str, ...]) -> Callable[[str, Any], str]:
    def check(key: str, value: Any) -> str:
        if value not in choices:
            raise invalid(f"{key} must be one of: {', '.join(choices)}")
        return str(value)

    return check


def _object(fields: dict[str, Callable[[str, Any], Any]], required: tuple[str, ...] = ()):
    def check(key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise invalid(f"{key} must be an object")
        out: dict[str, Any] = {}
        for name, item in value.items():
            if name not in fields:
                raise invalid(f"unknown property: {key}.{name}")
            out[name] = fields[name](f"{key}.{name}", item)
        for name in required:
            if name not in out:
                raise invalid(f"{key}.{name} is required")
        return out

    return check


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(f"{key} must be a non-empty string")
    return value


def _codecs(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()
    ):
        raise invalid(f"{key} must map media kinds to lists of codec names")
    return value


VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "nbf": _unix,
    "exp": _unix,
    "max_participants": _int_range(1, MAX_PARTICIPANTS),
    "eject_after_elapsed": _int_range(1, None),
    "enable_recording": _enum(RECORDING),
    "geo": _enum(GEOS),
    "lang": _enum(LANGS),
    "sip": _object(
        {
            "display_name": _str,
            "sip_mode": _enum(("dial-in",)),
            "video": _bool,
            "num_endpoints": _int_range(1, 5),
            "codecs": _codecs,
        }
    ),
    "recordings_bucket": _object(
        {
            "bucket_name": _str,
            "bucket_region": _str,
            "assume_role_arn": _str,
            "allow_api_access": _bool,
        },
        required=("bucket_name", "bucket_region", "assume_role_arn"),
    ),
    **dict.fromkeys(BOOL_DEFAULTS, _bool),
}
READ_ONLY = ("sip_uri",)


def apply_properties(
    room_name: str, current: dict[str, Any], props: Any, now: float
) -> dict[str, Any]:
    """The new sparse config after applying `props`; raises RestError (400) on any mistake."""
    if not isinstance(props, dict):
        raise invalid("properties must be an object")
    config = dict(current)
    for key, value in props.items():
        if key in READ_ONLY:
            raise invalid(f"{key} is read-only")
        if key not in VALIDATORS:
            raise invalid(f"unknown property: {key}")
        if value is None:
            config.pop(key, None)  # null resets a property to its default
            continue
        checked = VALIDATORS[key](key, value)
        if key == "exp" and checked <= now:
            raise invalid("exp was in the past")
        if key in DEFAULTS and checked == DEFAULTS[key]:
            config.pop(key, None)
        else:
            config[key] = checked
    if "sip" in config:
        config["sip_uri"] = {"endpoint": f"{room_name}@sip.daily.co"}
    else:
        config.pop("sip_uri", None)
    return config


def check_privacy(value: Any) -> str:
    if value not in ("public", "private"):
        raise RestError(400, "invalid-request-error", "privacy must be 'public' or 'private'")
    return str(value)
