"""Local validation, run before any HTTP.

Every check raises `InvalidInput(message, field=...)` with a sentence a form can show next
to the field. Messages never echo the offending value: it may be hostile or a secret.

`segment()` is the last line of defence for URL paths: every path segment (team, room,
email, meeting id, webhook id, meeting token) is validated by its own rule and then by
`segment()`, which refuses dot segments, separators and whitespace, and percent-encodes
with `safe=""` so nothing can climb out of the intended path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from daily.enums import PRIVACY_CHOICES, Dialect, Privacy, RecordingMode, Region
from daily.errors import InvalidInput
from daily.properties import MeetingTokenProperties, RecordingsBucket, RoomProperties, SipParams
from daily.timeutil import require_aware

ROOM_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
ROOM_NAME_CHARS_RE = re.compile(r"[A-Za-z0-9_-]+")
MAX_ROOM_NAME_LENGTH = 128
TEAM_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,63}")
IDENTIFIER_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
MEETING_TOKEN_RE = re.compile(r"[A-Za-z0-9_.-]{1,4096}")
EVENT_TYPE_RE = re.compile(r"[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+")
# Deliberately simple: one @, a dot in the domain, nothing that means something in a URL.
EMAIL_RE = re.compile(r"[^@\s/\\?#%]+@[^@\s/\\?#%.][^@\s/\\?#%]*\.[^@\s/\\?#%]+")
LANG_RE = re.compile(r"[A-Za-z-]{2,16}")

DOMAINS_MAX_TEAM_PLUS_ROOM = 35
MAX_EMAIL_LENGTH = 254
MAX_USER_ID_LENGTH = 36
MAX_URL_LENGTH = 2048
# Daily's default cap is 200; bigger rooms exist on some plans (large calls, live
# streaming), so only an obviously wrong number is refused here and Daily decides the rest.
MAX_PARTICIPANTS_LIMIT = 100_000

_ROOM_BOOLS = (
    "enable_chat",
    "enable_prejoin_ui",
    "enable_emoji_reactions",
    "enable_screenshare",
    "enable_knocking",
    "eject_at_room_exp",
    "enable_dialout",
    "start_video_off",
    "start_audio_off",
)
_TOKEN_BOOLS = (
    "is_owner",
    "eject_at_token_exp",
    "enable_screenshare",
    "start_video_off",
    "start_audio_off",
    "enable_prejoin_ui",
    "start_cloud_recording",
)


def segment(value: object, *, field: str) -> str:
    """Validate one path segment generically and percent-encode it (`safe=""`)."""
    if not isinstance(value, str) or not value:
        raise InvalidInput("This value is required.", field=field)
    if value in (".", ".."):
        raise InvalidInput("This value is not allowed.", field=field)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidInput("This value must not contain spaces or control characters.", field=field)
    return quote(value, safe="")


def team_name(value: object, *, field: str = "team") -> str:
    if not isinstance(value, str) or not TEAM_NAME_RE.fullmatch(value):
        raise InvalidInput(
            "Team names may only contain letters, digits, '-' and '_' (at most 63 characters).",
            field=field,
        )
    return value


def room_name(
    value: object, *, dialect: Dialect, team: str | None = None, field: str = "name"
) -> str:
    """A room name in Daily's characters, within the dialect's length limit.

    Reference: docs.daily.co/reference/rest-api/rooms/create-room ("only the uppercase and
    lowercase ascii letters, numbers, dash and underscore ... cannot exceed 128
    characters"); the domains dialect counts the team name too (35 together,
    daily-api/CONTRACT.md). Each message names only the limit that applies, the one the
    form's hint gives.
    """
    if not isinstance(value, str) or not value:
        raise InvalidInput("Enter a room name.", field=field)
    if not ROOM_NAME_CHARS_RE.fullmatch(value):
        raise InvalidInput("Room names may only contain letters, digits, '-' and '_'.", field=field)
    if dialect is Dialect.DOMAINS and team is not None:
        total = len(team) + len(value)
        if total > DOMAINS_MAX_TEAM_PLUS_ROOM:
            raise InvalidInput(
                f"Team name and room name together must be {DOMAINS_MAX_TEAM_PLUS_ROOM} "
                f"characters or fewer (team {len(team)} + room {len(value)} = {total}).",
                field=field,
            )
    elif len(value) > MAX_ROOM_NAME_LENGTH:
        raise InvalidInput(
            f"Room names must be {MAX_ROOM_NAME_LENGTH} characters or fewer "
            f"(this one has {len(value)}).",
            field=field,
        )
    return value


def privacy(value: object, *, dialect: Dialect, field: str = "privacy") -> Privacy:
    try:
        parsed = Privacy.parse(value)
    except ValueError:
        parsed = None
    choices = PRIVACY_CHOICES[dialect]
    if parsed not in choices:
        labels = ", ".join(choice.label for choice in choices)
        raise InvalidInput(f"Privacy must be one of: {labels}.", field=field)
    return parsed


def email(value: object, *, field: str = "email") -> str:
    if (
        not isinstance(value, str)
        or len(value) > MAX_EMAIL_LENGTH
        or not EMAIL_RE.fullmatch(value)
        # Dots may separate parts but not start, end or repeat (RFC 5321 dot-atoms).
        or ".." in value
        or value.startswith(".")
        or ".@" in value
    ):
        raise InvalidInput("Enter a valid email address.", field=field)
    return value


def user_id(value: object, *, field: str = "user_id") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("A user id must be a non-empty text.", field=field)
    if len(value) > MAX_USER_ID_LENGTH:
        raise InvalidInput(
            f"A user id may be at most {MAX_USER_ID_LENGTH} characters long.", field=field
        )
    return value


def identifier(value: object, *, field: str) -> str:
    """Meeting ids, webhook ids, session ids: letters, digits, '-' and '_'."""
    if not isinstance(value, str) or not IDENTIFIER_RE.fullmatch(value):
        raise InvalidInput("This id is not valid.", field=field)
    return value


def meeting_token(value: object, *, field: str = "token") -> str:
    if not isinstance(value, str) or not MEETING_TOKEN_RE.fullmatch(value) or not value.strip("."):
        raise InvalidInput("This is not a meeting token.", field=field)
    return value


def http_url(value: object, *, field: str = "url") -> str:
    if (
        not isinstance(value, str)
        or len(value) > MAX_URL_LENGTH
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise InvalidInput("Enter a valid http(s) URL.", field=field)
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        host = None
    if not host or parts.scheme not in ("http", "https"):
        raise InvalidInput("Enter a valid http(s) URL.", field=field)
    return value


def event_types(values: object, *, field: str = "event_types") -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput("Event types must be a list such as meeting.started.", field=field)
    result = list(values)
    for item in result:
        if not isinstance(item, str) or not EVENT_TYPE_RE.fullmatch(item):
            raise InvalidInput("Event types look like meeting.started.", field=field)
    return result


def session_ids(values: Iterable[object], *, field: str) -> list[str]:
    if isinstance(values, str):
        raise InvalidInput("Expected a list of ids.", field=field)
    result = []
    for item in values:
        if not isinstance(item, str) or not item or len(item) > 128:
            raise InvalidInput(
                "Each id must be a non-empty text of at most 128 characters.", field=field
            )
        if any(c.isspace() or ord(c) < 32 for c in item):
            raise InvalidInput("Ids must not contain spaces or control characters.", field=field)
        result.append(item)
    return result


def window(start: object, end: object) -> tuple[datetime, datetime]:
    start_at = require_aware(start, field="start")
    end_at = require_aware(end, field="end")
    if start_at >= end_at:
        raise InvalidInput("The start of the time window must be before its end.", field="end")
    return start_at, end_at


def _check_bool(props: Any, name: str) -> None:
    value = getattr(props, name)
    if value is not None and not isinstance(value, bool):
        raise InvalidInput("Choose yes or no.", field=name)


def _check_int(props: Any, name: str, low: int, high: int | None = None) -> None:
    value = getattr(props, name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("Enter a whole number.", field=name)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidInput(f"Enter a number {bound}.", field=name)


def _check_times(props: Any, now: datetime) -> None:
    nbf = None if props.nbf is None else require_aware(props.nbf, field="nbf")
    exp = None if props.exp is None else require_aware(props.exp, field="exp")
    if exp is not None and exp <= now:
        # Daily answers 400 for an `exp` in the past; say so before the round trip.
        raise InvalidInput("The expiry time is in the past.", field="exp")
    if nbf is not None and exp is not None and nbf >= exp:
        raise InvalidInput("The start time must be before the expiry time.", field="nbf")


def _enum_or_raise(enum: Any, value: object, field: str, message: str) -> Any:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(message, field=field) from None


def room_properties(props: object, *, now: datetime) -> RoomProperties:
    """Check a RoomProperties for sending; returns a copy with enums normalised."""
    if not isinstance(props, RoomProperties):
        raise InvalidInput("Room properties are not valid.", field="properties")
    for name in _ROOM_BOOLS:
        _check_bool(props, name)
    _check_times(props, now)
    _check_int(props, "max_participants", 1, MAX_PARTICIPANTS_LIMIT)
    _check_int(props, "eject_after_elapsed", 0)
    if props.lang is not None and (
        not isinstance(props.lang, str) or not LANG_RE.fullmatch(props.lang)
    ):
        raise InvalidInput("Choose a language code such as en or de.", field="lang")
    recording = _enum_or_raise(
        RecordingMode,
        props.enable_recording,
        "enable_recording",
        "Recording must be one of: " + ", ".join(m.value for m in RecordingMode) + ".",
    )
    geo = _enum_or_raise(
        Region, props.geo, "geo", "Choose one of Daily's regions, such as us-east-1."
    )
    if props.sip is not None:
        _check_sip(props.sip)
    if props.recordings_bucket is not None:
        _check_bucket(props.recordings_bucket)
    return replace(props, enable_recording=recording, geo=geo)


def _check_sip(sip: object) -> None:
    if not isinstance(sip, SipParams):
        raise InvalidInput("SIP settings are not valid.", field="sip")
    if sip.sip_mode != "dial-in":
        raise InvalidInput("The only SIP mode Daily supports is dial-in.", field="sip")
    if sip.display_name is not None and (
        not isinstance(sip.display_name, str) or not sip.display_name.strip()
    ):
        raise InvalidInput("The SIP display name must not be empty.", field="sip")
    if sip.video is not None and not isinstance(sip.video, bool):
        raise InvalidInput("SIP video must be yes or no.", field="sip")
    if sip.num_endpoints is not None and (
        isinstance(sip.num_endpoints, bool)
        or not isinstance(sip.num_endpoints, int)
        or sip.num_endpoints < 1
    ):
        raise InvalidInput("The number of SIP endpoints must be at least 1.", field="sip")
    if sip.codecs is not None and not (
        isinstance(sip.codecs, dict)
        and all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(c, str) for c in v)
            for k, v in sip.codecs.items()
        )
    ):
        raise InvalidInput("SIP codecs must map audio/video to lists of names.", field="sip")


def _check_bucket(bucket: object) -> None:
    if not isinstance(bucket, RecordingsBucket):
        raise InvalidInput("The recordings bucket is not valid.", field="recordings_bucket")
    for name in ("bucket_name", "bucket_region", "assume_role_arn"):
        value = getattr(bucket, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(
                "A recordings bucket needs a bucket name, a region and a role ARN.",
                field="recordings_bucket",
            )
    if bucket.allow_api_access is not None and not isinstance(bucket.allow_api_access, bool):
        raise InvalidInput("API access must be yes or no.", field="recordings_bucket")


def token_properties(props: object, *, now: datetime) -> MeetingTokenProperties:
    """Check MeetingTokenProperties for sending; `room_name` is required."""
    if not isinstance(props, MeetingTokenProperties):
        raise InvalidInput("Token properties are not valid.", field="properties")
    if props.room_name is None:
        # A token without room_name is valid for every room of the domain: never issue one.
        raise InvalidInput("A meeting token must name its room.", field="room_name")
    room_name(props.room_name, dialect=Dialect.REST, field="room_name")
    for name in _TOKEN_BOOLS:
        _check_bool(props, name)
    _check_times(props, now)
    _check_int(props, "eject_after_elapsed", 0)
    if props.user_id is not None:
        user_id(props.user_id)
    if props.user_name is not None and not isinstance(props.user_name, str):
        raise InvalidInput("The user name must be text.", field="user_name")
    if props.permissions is not None and not isinstance(props.permissions, dict):
        raise InvalidInput("Permissions must be an object.", field="permissions")
    recording = _enum_or_raise(
        RecordingMode,
        props.enable_recording,
        "enable_recording",
        "Recording must be one of: " + ", ".join(m.value for m in RecordingMode) + ".",
    )
    return replace(props, enable_recording=recording)
