"""Enumerations shared by both dialects: dialects, capabilities, privacy and room options."""

from __future__ import annotations

from enum import StrEnum


class Dialect(StrEnum):
    DOMAINS = "domains"
    REST = "rest"

    @property
    def label(self) -> str:
        return _DIALECT_LABELS[self]


_DIALECT_LABELS = {
    Dialect.DOMAINS: "the original team API (domains)",
    Dialect.REST: "the current REST API",
}


class Capability(StrEnum):
    """What a dialect can do; the UI shows or hides features from these."""

    # domains only
    TEAM_USERS = "team_users"
    INVITE_LINK = "invite_link"
    REMOVE_USER = "remove_user"
    DIAL_IN_PIN = "dial_in_pin"
    # rest only
    ROOM_PROPERTIES = "room_properties"
    MEETING_TOKENS = "meeting_tokens"
    PRESENCE = "presence"
    EJECT = "eject"
    WEBHOOKS = "webhooks"
    BATCH = "batch"
    DOMAIN_CONFIG = "domain_config"
    RECORDINGS = "recordings"
    CALL_METRICS = "call_metrics"
    # both
    ROOMS = "rooms"
    PRIVACY = "privacy"
    MEETINGS = "meetings"

    @property
    def description(self) -> str:
        """A noun phrase for sentences such as "… does not support <description>"."""
        return _CAPABILITY_DESCRIPTIONS[self]


_CAPABILITY_DESCRIPTIONS = {
    Capability.TEAM_USERS: "listing the team's users",
    Capability.INVITE_LINK: "team invite links",
    Capability.REMOVE_USER: "removing users from the team",
    Capability.DIAL_IN_PIN: "dial-in PINs",
    Capability.ROOM_PROPERTIES: "room properties",
    Capability.MEETING_TOKENS: "meeting tokens",
    Capability.PRESENCE: "live presence",
    Capability.EJECT: "ejecting participants",
    Capability.WEBHOOKS: "webhooks",
    Capability.BATCH: "batch room operations",
    Capability.DOMAIN_CONFIG: "domain configuration",
    Capability.RECORDINGS: "cloud recordings",
    Capability.CALL_METRICS: "call quality metrics",
    Capability.ROOMS: "rooms",
    Capability.PRIVACY: "room privacy",
    Capability.MEETINGS: "meeting history",
}

CAPABILITIES: dict[Dialect, frozenset[Capability]] = {
    Dialect.DOMAINS: frozenset(
        {
            Capability.TEAM_USERS,
            Capability.INVITE_LINK,
            Capability.REMOVE_USER,
            Capability.DIAL_IN_PIN,
            Capability.ROOMS,
            Capability.PRIVACY,
            Capability.MEETINGS,
        }
    ),
    Dialect.REST: frozenset(
        {
            Capability.ROOM_PROPERTIES,
            Capability.MEETING_TOKENS,
            Capability.PRESENCE,
            Capability.EJECT,
            Capability.WEBHOOKS,
            Capability.BATCH,
            Capability.DOMAIN_CONFIG,
            Capability.RECORDINGS,
            Capability.CALL_METRICS,
            Capability.ROOMS,
            Capability.PRIVACY,
            Capability.MEETINGS,
        }
    ),
}


class Privacy(StrEnum):
    """Room privacy. The wire value of "team" is `org` (Daily's own naming divergence)."""

    PUBLIC = "public"
    TEAM = "org"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        """What people see: the domains docs apologise that `org` is "team" in the UI."""
        return "team" if self is Privacy.TEAM else self.value

    @classmethod
    def parse(cls, value: object) -> Privacy:
        """Accept a Privacy, its wire value or its label ("team"); raise ValueError otherwise."""
        # A Privacy is a str whose text reads back as itself, so one branch serves both.
        if isinstance(value, str):
            text = value.strip().lower()
            return cls.TEAM if text == "team" else cls(text)
        raise ValueError(f"not a privacy setting: {type(value).__name__}")


PRIVACY_CHOICES: dict[Dialect, tuple[Privacy, ...]] = {
    Dialect.DOMAINS: (Privacy.PUBLIC, Privacy.TEAM, Privacy.PRIVATE),
    # The REST API knows only public and private rooms.
    Dialect.REST: (Privacy.PUBLIC, Privacy.PRIVATE),
}


class RecordingMode(StrEnum):
    """`enable_recording`: docs.daily.co/reference/rest-api/recordings lists "local" and the
    three cloud types "cloud", "cloud-audio-only" and "raw-tracks". Off is no value: the
    property is left out (Daily's "<not set>")."""

    CLOUD = "cloud"
    CLOUD_AUDIO_ONLY = "cloud-audio-only"
    LOCAL = "local"
    RAW_TRACKS = "raw-tracks"


class Region(StrEnum):
    AF_SOUTH_1 = "af-south-1"
    AP_NORTHEAST_2 = "ap-northeast-2"
    AP_SOUTHEAST_1 = "ap-southeast-1"
    AP_SOUTHEAST_2 = "ap-southeast-2"
    AP_SOUTH_1 = "ap-south-1"
    EU_CENTRAL_1 = "eu-central-1"
    EU_WEST_2 = "eu-west-2"
    SA_EAST_1 = "sa-east-1"
    US_EAST_1 = "us-east-1"
    US_WEST_2 = "us-west-2"


class TeamRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"
