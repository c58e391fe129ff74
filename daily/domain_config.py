"""A REST domain's configuration (`GET /`, `POST /`), typed like the room properties.

Reference: docs.daily.co/reference/rest-api/your-domain/config (the properties, their types
and defaults) and docs.daily.co/reference/rest-api/your-domain/set-domain-config (`POST /`
with `{"properties": {...}}`, answered with the domain object).

The same sparse rules as `daily.properties`: None is "Daily's default", `to_config()` sends
only what is set, a value of the wrong type from Daily is dropped and logged. `hipaa` and
`intercom_auto_record` are read-only (Daily's docs: "contact us"); `pinless_dialin` and
`pin_dialin` hold each entry's HMAC secret, so they are not part of this type at all: they
stay in `DomainConfig.config`, which nothing renders.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from daily.enums import Region
from daily.errors import InvalidInput
from daily.properties import (
    RecordingsBucket,
    _as_bool,
    _as_dict,
    _as_enum,
    _as_nested,
    _as_str,
    _Skip,
    _Sparse,
)
from daily.validation import http_url

# The interface languages `lang` accepts (your-domain/config, `lang`, "Options").
DOMAIN_LANGS = (
    "da", "de", "en", "es", "fi", "fr", "it", "jp", "ka", "nl", "no", "pt", "pt-BR", "pl",
    "ru", "sv", "tr", "user",
)  # fmt: skip
# `rtmp_geo`: "Available regions".
RTMP_REGIONS = ("us-west-2", "eu-central-1", "ap-south-1")
# `recordings_template` / `transcription_template`: "The maximum size of the template is 1024
# characters"; "Only alphanumeric characters (0-9, A-Z, a-z) and ., /, -, _ are valid"; each
# replacement "within a curly bracket"; "The epoch_time tag is mandatory".
MAX_TEMPLATE_LENGTH = 1024
RECORDING_TAGS = frozenset(
    {"epoch_time", "domain_name", "room_name", "mtg_session_id", "instance_id", "recording_id"}
)
TRANSCRIPTION_TAGS = frozenset(
    {"epoch_time", "domain_name", "room_name", "mtg_session_id", "instance_id", "transcript_id"}
)
_TEMPLATE_PART_RE = re.compile(r"\{([^{}]*)\}|([A-Za-z0-9./_-]+)|(.)", re.DOTALL)


def _as_number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Skip
    if not math.isfinite(value):
        raise _Skip
    return float(value)


@dataclass(frozen=True)
class DomainBucket(RecordingsBucket):
    """`recordings_bucket` of a domain: the room's four keys plus streaming from the bucket."""

    allow_streaming_from_bucket: bool | None = None

    _PARSERS = MappingProxyType(
        {
            **RecordingsBucket._PARSERS,
            "allow_streaming_from_bucket": _as_bool,
        }
    )


# Daily's documented defaults (your-domain/config, "Default: ..."), to show "from" in a diff
# and the current value of a property Daily did not send.
DOMAIN_DEFAULTS: Mapping[str, object] = MappingProxyType(
    {
        "enable_advanced_chat": False,
        "enable_people_ui": True,
        "enable_pip_ui": False,
        "enable_emoji_reactions": False,
        "enable_hand_raising": False,
        "enable_prejoin_ui": True,
        "enable_breakout_rooms": False,
        "enable_live_captions_ui": False,
        "enable_network_ui": False,
        "enable_noise_cancellation_ui": True,
        "enable_video_processing_ui": True,
        "hide_daily_branding": False,
        "hipaa": False,
        "lang": "en",
        "disable_rtmp_geo_fallback": False,
        "enable_terse_logging": False,
        "enable_transcription_storage": False,
        "recordings_template": "{domain_name}/{room_name}/{epoch_time}",
        "transcription_template": "{domain_name}/{room_name}/{epoch_time}.vtt",
        "sfu_switchover": 0.5,
        "enable_adaptive_simulcast": True,
        "enforce_unique_user_ids": False,
    }
)

DOMAIN_BOOLEANS = (
    "enable_advanced_chat",
    "enable_people_ui",
    "enable_pip_ui",
    "enable_emoji_reactions",
    "enable_hand_raising",
    "enable_prejoin_ui",
    "enable_breakout_rooms",
    "enable_live_captions_ui",
    "enable_network_ui",
    "enable_noise_cancellation_ui",
    "enable_video_processing_ui",
    "hide_daily_branding",
    "disable_rtmp_geo_fallback",
    "enable_terse_logging",
    "enable_transcription_storage",
    "enable_mesh_sfu",
    "enable_adaptive_simulcast",
    "enforce_unique_user_ids",
    "enable_opus_fec",
)


@dataclass(frozen=True)
class DomainProperties(_Sparse):
    """The documented domain properties. None everywhere means "all Daily's defaults"."""

    enable_advanced_chat: bool | None = None
    enable_people_ui: bool | None = None
    enable_pip_ui: bool | None = None
    enable_emoji_reactions: bool | None = None
    enable_hand_raising: bool | None = None
    enable_prejoin_ui: bool | None = None
    enable_breakout_rooms: bool | None = None
    enable_live_captions_ui: bool | None = None
    enable_network_ui: bool | None = None
    enable_noise_cancellation_ui: bool | None = None
    enable_video_processing_ui: bool | None = None
    hide_daily_branding: bool | None = None
    redirect_on_meeting_exit: str | None = None
    hipaa: bool | None = field(default=None, metadata={"read_only": True})
    intercom_auto_record: bool | None = field(default=None, metadata={"read_only": True})
    lang: str | None = None
    meeting_join_hook: str | None = None
    geo: Region | None = None
    rtmp_geo: str | None = None
    disable_rtmp_geo_fallback: bool | None = None
    enable_terse_logging: bool | None = None
    enable_transcription_storage: bool | None = None
    transcription_bucket: RecordingsBucket | None = None
    recordings_template: str | None = None
    transcription_template: str | None = None
    enable_mesh_sfu: bool | None = None
    sfu_switchover: float | None = None
    enable_adaptive_simulcast: bool | None = None
    enforce_unique_user_ids: bool | None = None
    recordings_bucket: DomainBucket | None = None
    permissions: dict[str, Any] | None = None
    enable_opus_fec: bool | None = None

    _PARSERS = MappingProxyType(
        {
            **dict.fromkeys(DOMAIN_BOOLEANS, _as_bool),
            "hipaa": _as_bool,
            "intercom_auto_record": _as_bool,
            "redirect_on_meeting_exit": _as_str,
            "lang": _as_str,
            "meeting_join_hook": _as_str,
            "geo": _as_enum(Region),
            "rtmp_geo": _as_str,
            "transcription_bucket": _as_nested(RecordingsBucket),
            "recordings_template": _as_str,
            "transcription_template": _as_str,
            "sfu_switchover": _as_number,
            "recordings_bucket": _as_nested(DomainBucket),
            "permissions": _as_dict,
        }
    )

    def effective(self, name: str) -> object:
        """The value set on the domain, else Daily's documented default (None if none)."""
        value = getattr(self, name)
        return DOMAIN_DEFAULTS.get(name) if value is None else value


def _template(value: str, *, field_name: str, tags: frozenset[str], mp4_only: bool) -> None:
    if len(value) > MAX_TEMPLATE_LENGTH:
        raise InvalidInput(
            f"A template may have at most {MAX_TEMPLATE_LENGTH} characters.", field=field_name
        )
    seen: set[str] = set()
    for match in _TEMPLATE_PART_RE.finditer(value):
        tag, _plain, other = match.groups()
        if other is not None:
            raise InvalidInput(
                "Only letters, digits, '.', '/', '-', '_' and {replacements} are allowed.",
                field=field_name,
            )
        if tag is not None:
            if tag not in tags:
                raise InvalidInput(
                    f"Unknown replacement {{{tag}}}: use one of "
                    + ", ".join("{" + t + "}" for t in sorted(tags))
                    + ".",
                    field=field_name,
                )
            seen.add(tag)
    if "epoch_time" not in seen:
        raise InvalidInput("The template must contain {epoch_time}.", field=field_name)
    if mp4_only:
        last = value.rsplit("/", 1)[-1]
        if "." in last.replace("{", "").replace("}", "") and not last.endswith(".mp4"):
            raise InvalidInput("'.mp4' is the only extension allowed.", field=field_name)


def _bucket(bucket: object, field_name: str) -> None:
    if not isinstance(bucket, RecordingsBucket):
        raise InvalidInput("The bucket is not valid.", field=field_name)
    for name in ("bucket_name", "bucket_region", "assume_role_arn"):
        value = getattr(bucket, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(
                "A bucket needs its name, its region and a role ARN.", field=field_name
            )


def domain_properties(props: object) -> DomainProperties:
    """Check changes before they go to Daily; raises InvalidInput naming the field."""
    if not isinstance(props, DomainProperties):
        raise InvalidInput("Domain properties are not valid.", field=None)
    for name in DOMAIN_BOOLEANS:
        value = getattr(props, name)
        if value is not None and not isinstance(value, bool):
            raise InvalidInput("Choose yes or no.", field=name)
    for name in ("hipaa", "intercom_auto_record"):
        if getattr(props, name) is not None:
            raise InvalidInput(
                "Only Daily can change this (their docs: contact Daily).", field=name
            )
    # "" is how Daily shows "no redirect" (GET /): sending it removes the redirect.
    if props.redirect_on_meeting_exit:
        http_url(props.redirect_on_meeting_exit, field="redirect_on_meeting_exit")
    if props.meeting_join_hook is not None:
        http_url(props.meeting_join_hook, field="meeting_join_hook")
    if props.lang is not None and props.lang not in DOMAIN_LANGS:
        raise InvalidInput("Choose one of Daily's interface languages.", field="lang")
    if props.geo is not None and not isinstance(props.geo, Region):
        raise InvalidInput("Choose one of Daily's regions.", field="geo")
    if props.rtmp_geo is not None and props.rtmp_geo not in RTMP_REGIONS:
        raise InvalidInput("Choose one of Daily's streaming regions.", field="rtmp_geo")
    if props.recordings_template is not None:
        _template(
            props.recordings_template,
            field_name="recordings_template",
            tags=RECORDING_TAGS,
            mp4_only=True,
        )
    if props.transcription_template is not None:
        _template(
            props.transcription_template,
            field_name="transcription_template",
            tags=TRANSCRIPTION_TAGS,
            mp4_only=False,
        )
    if props.sfu_switchover is not None:
        value = props.sfu_switchover
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0.5
        ):
            raise InvalidInput("Enter a participant count of at least 0.5.", field="sfu_switchover")
    if props.recordings_bucket is not None:
        _bucket(props.recordings_bucket, "recordings_bucket")
    if props.transcription_bucket is not None:
        _bucket(props.transcription_bucket, "transcription_bucket")
    if props.permissions is not None and not isinstance(props.permissions, dict):
        raise InvalidInput("Permissions must be an object.", field="permissions")
    return props


def changed_fields(before: DomainProperties, after: DomainProperties) -> list[str]:
    """The names whose effective value differs, in the dataclass's order."""
    return [
        name
        for name in DomainProperties.__dataclass_fields__
        if getattr(after, name) is not None and after.effective(name) != before.effective(name)
    ]
