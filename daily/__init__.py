"""The service layer: Daily's API as typed Python, in both dialects. Imports no Django.

    from daily import make_client, Capability, Privacy

    with make_client("rest", "https://api.daily.co/v1", token) as client:
        room = client.create_room("standup", Privacy.PRIVATE)
        for meeting in client.meetings(start, end):   # aware datetimes, [start, end)
            ...

Dialects (`Dialect`):
- "domains", the original team API: `make_client("domains", "https://prod-ks.pluot.blue/",
  token, team="my-team")`. Team info with users and an invite link, rooms with dial-in
  PINs, privacy public/org("team")/private, remove a user, meetings by window (split
  automatically while Daily reports `moreResults`; `WindowOverflow` if a one-minute window
  still overflows).
- "rest", the current REST API: rooms with properties, batch, meeting tokens, presence,
  eject, webhooks, domain config, meetings with cursor paging, cloud recordings (list,
  get, access link, delete). No team members.

A call the dialect lacks raises `Unsupported` before any HTTP; check `client.supports(...)`
or `client.capabilities` first. `client.privacy_choices` lists the valid privacy values.

Errors: everything raised is a `DailyError` (`AuthError`, `NotFound`, `InvalidRequest` >
`InvalidInput` for local validation with `.field`, `RateLimited`, `Unavailable` >
`ParseError`, `WindowOverflow`, `Unsupported`, `HostNotAllowed` when a `host_policy`
refuses the base URL or the address it resolves to); `.retryable` says whether trying later
may help. `requests` exceptions and JSON decode errors never escape, and the token never
appears in an error, a repr or a log line (logger "daily").

Types: `TeamInfo`, `TeamUser`, `Room` (+ `RoomProperties`, sparse: None means Daily's
default, see `DEFAULTS`), `RoomSpec`, `Meeting`, `Participant`, `MeetingTokenProperties`,
`PresenceParticipant`, `DomainConfig`, `Webhook`. All times are aware UTC datetimes.
"""

from __future__ import annotations

from daily.base import DailyClient
from daily.call_metrics import CallMetrics, MetricSample
from daily.domain_config import DomainBucket, DomainProperties
from daily.domains import DomainsClient
from daily.enums import Capability, Dialect, Privacy, RecordingMode, Region, TeamRole
from daily.errors import (
    AuthError,
    DailyError,
    InvalidInput,
    InvalidRequest,
    NotFound,
    ParseError,
    RateLimited,
    Unavailable,
    Unsupported,
    WindowOverflow,
)
from daily.factory import DEFAULT_BASE_URLS, make_client
from daily.hosts import HostNotAllowed, HostPolicy
from daily.properties import (
    DEFAULTS,
    MeetingTokenProperties,
    RecordingsBucket,
    RoomProperties,
    SipParams,
    SipUri,
)
from daily.recordings import (
    AccessLink,
    DeletedRecording,
    Recording,
    RecordingPage,
    RecordingStatus,
    RecordingTrack,
)
from daily.rest import RestClient
from daily.types import (
    DomainConfig,
    Meeting,
    Participant,
    PresenceParticipant,
    Room,
    RoomSpec,
    TeamInfo,
    TeamUser,
    Webhook,
)

__all__ = [
    "DEFAULTS",
    "DEFAULT_BASE_URLS",
    "AccessLink",
    "AuthError",
    "CallMetrics",
    "Capability",
    "DailyClient",
    "DailyError",
    "DeletedRecording",
    "Dialect",
    "DomainBucket",
    "DomainConfig",
    "DomainProperties",
    "DomainsClient",
    "HostNotAllowed",
    "HostPolicy",
    "InvalidInput",
    "InvalidRequest",
    "Meeting",
    "MeetingTokenProperties",
    "MetricSample",
    "NotFound",
    "ParseError",
    "Participant",
    "PresenceParticipant",
    "Privacy",
    "RateLimited",
    "Recording",
    "RecordingMode",
    "RecordingPage",
    "RecordingStatus",
    "RecordingTrack",
    "RecordingsBucket",
    "Region",
    "RestClient",
    "Room",
    "RoomProperties",
    "RoomSpec",
    "SipParams",
    "SipUri",
    "TeamInfo",
    "TeamRole",
    "TeamUser",
    "Unavailable",
    "Unsupported",
    "Webhook",
    "WindowOverflow",
    "make_client",
]
