"""Rest dialect: the domain object and its configuration (`GET /v1`, `POST /v1`).

Reference: docs.daily.co/reference/rest-api/your-domain/get-domain-config (`GET /` answers
`{domain_name, domain_id, config}`), docs.daily.co/reference/rest-api/your-domain/config
(the properties, their types, options and defaults) and
docs.daily.co/reference/rest-api/your-domain/set-domain-config (`POST /` with
`{"properties": {...}}`, answered with the domain object; an HTTP error on failure).

The team keeps only what differs from the documented defaults (`TeamState.domain_config`,
like a room's sparse config); the answer's `config` shows every documented default merged
with it. Null resets a property. `hipaa` and `intercom_auto_record` are read-only through
the API ("Email us ... to turn on HIPAA"; "This method is read-only"): `hipaa` stays
switchable through `POST /_sim/domain-config`.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from simulator.room_props import GEOS, LANGS, _bool, _enum, _object, _str
from simulator.web import Request, Response, Route, invalid

if TYPE_CHECKING:
    from simulator.app import Simulator

# your-domain/config: "Default: ..." of each property that documents one.
DEFAULTS: dict[str, Any] = {
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
    "redirect_on_meeting_exit": "",
    "intercom_auto_record": False,
    "lang": "en",
    "meeting_join_hook": None,
    "geo": None,
    "disable_rtmp_geo_fallback": False,
    "enable_terse_logging": False,
    "enable_transcription_storage": False,
    "recordings_template": "{domain_name}/{room_name}/{epoch_time}",
    "transcription_template": "{domain_name}/{room_name}/{epoch_time}.vtt",
    "sfu_switchover": 0.5,
    "enable_adaptive_simulcast": True,
    "enforce_unique_user_ids": False,
}
# Keys Daily's answer carries beyond the documented properties (kept from the older copy).
EXTRA_KEYS: dict[str, Any] = {"max_api_rooms": None, "webhook_meeting_end": None}
READ_ONLY = ("hipaa", "intercom_auto_record")
BOOLEANS = (
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
RTMP_GEOS = ("us-west-2", "eu-central-1", "ap-south-1")
TEMPLATE_RE = re.compile(r"(?:[A-Za-z0-9./_-]|\{[a-z_]+\})*")
TEMPLATE_MAX = 1024


def _url(key: str, value: Any) -> str:
    if key == "redirect_on_meeting_exit" and value == "":
        return value  # GET / shows "" for no redirect; sending it removes one
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://\S+", value):
        raise invalid(f"{key} must be a URL")
    return value


def _template(tags: tuple[str, ...], mp4_only: bool):
    # your-domain/config, `recordings_template` and `transcription_template`: at most 1024
    # characters, letters/digits/./-/_ and {replacements}, {epoch_time} mandatory, and for
    # recordings ".mp4 is the only valid extension".
    def check(key: str, value: Any) -> str:
        if not isinstance(value, str) or len(value) > TEMPLATE_MAX:
            raise invalid(f"{key} must be a string of at most {TEMPLATE_MAX} characters")
        if not TEMPLATE_RE.fullmatch(value):
            raise invalid(f"{key} has characters that are not allowed")
        used = set(re.findall(r"\{([a-z_]+)\}", value))
        if used - set(tags):
            raise invalid(f"{key}: unknown replacement {sorted(used - set(tags))[0]}")
        if "epoch_time" not in used:
            raise invalid(f"{key} must contain {{epoch_time}}")
        last = re.sub(r"\{[a-z_]+\}", "", value.rsplit("/", 1)[-1])
        if mp4_only and "." in last and not value.endswith(".mp4"):
            raise invalid(f"{key}: .mp4 is the only valid extension")
        return value

    return check


def _switchover(key: str, value: Any) -> float | int:
    # `sfu_switchover` is a number; 0.5 means "SFU as soon as the first participant joins".
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0.5
    ):
        raise invalid(f"{key} must be a number of at least 0.5")
    return value


def _permissions(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{key} must be an object")
    return value


_BUCKET = {
    "bucket_name": _str,
    "bucket_region": _str,
    "assume_role_arn": _str,
    "allow_api_access": _bool,
}
VALIDATORS = {
    **dict.fromkeys(BOOLEANS, _bool),
    "redirect_on_meeting_exit": _url,
    "meeting_join_hook": _url,
    "lang": _enum(LANGS),
    "geo": _enum(GEOS),
    "rtmp_geo": _enum(RTMP_GEOS),
    "recordings_template": _template(
        (
            "epoch_time",
            "domain_name",
            "room_name",
            "mtg_session_id",
            "instance_id",
            "recording_id",
        ),
        mp4_only=True,
    ),
    "transcription_template": _template(
        (
            "epoch_time",
            "domain_name",
            "room_name",
            "mtg_session_id",
            "instance_id",
            "transcript_id",
        ),
        mp4_only=False,
    ),
    "sfu_switchover": _switchover,
    "recordings_bucket": _object(
        {**_BUCKET, "allow_streaming_from_bucket": _bool},
        required=("bucket_name", "bucket_region", "assume_role_arn"),
    ),
    "transcription_bucket": _object(
        _BUCKET, required=("bucket_name", "bucket_region", "assume_role_arn")
    ),
    "permissions": _permissions,
}


def domain_json(sim: Simulator) -> dict[str, Any]:
    team = sim.rest
    config = {**DEFAULTS, **team.domain_config, "hipaa": team.hipaa, **EXTRA_KEYS}
    return {"domain_name": team.name, "domain_id": team.domain_id, "config": config}


def domain(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/your-domain/get-domain-config
    return Response(body=domain_json(sim))


def set_domain(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/your-domain/set-domain-config
    body = req.json_object()
    unknown = sorted(set(body) - {"properties"})
    if unknown:
        raise invalid(f"unknown parameter: {unknown[0]}")
    props = body.get("properties", {})
    if not isinstance(props, dict):
        raise invalid("properties must be an object")
    config = dict(sim.rest.domain_config)
    for key, value in props.items():
        if key in READ_ONLY:
            raise invalid(f"{key} is read-only")
        if key not in VALIDATORS:
            raise invalid(f"unknown property: {key}")
        if value is None:
            config.pop(key, None)
            continue
        checked = VALIDATORS[key](key, value)
        if key in DEFAULTS and checked == DEFAULTS[key]:
            config.pop(key, None)
        else:
            config[key] = checked
    sim.rest.domain_config = config  # only after every property validated
    return Response(body=domain_json(sim))


ROUTES: list[Route[Simulator]] = [
    Route("GET", "/v1", domain, "rest"),
    Route("POST", "/v1", set_domain, "rest"),
]
