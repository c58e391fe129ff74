"""Recordings (REST dialect): the typed objects and the calls, as a RestClient mixin.

# Reference: docs.daily.co/reference/rest-api/recordings (the "recording" object) and
# docs.daily.co/reference/rest-api/recordings/config (its fields). The original (domains)
# team API has no recordings calls: the capability is REST only.

Pacing: `GET /recordings` counts against the slow bucket (docs.daily.co/reference/rest-api
"Rate limits": "For the DELETE /rooms/:name and GET /recordings endpoints, ... about 2
requests per second, or 50 requests over a 30 second window"); `GET /recordings/:id`,
its access link and `DELETE /recordings/:id` are not named there, so they count against
the general limit (daily.pacing.bucket_for).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from daily import validation
from daily.errors import InvalidInput, ParseError
from daily.parse import listing, obj, opt_int, opt_text, text, true_flag

if TYPE_CHECKING:
    from daily.http import Reply

PAGE_LIMIT = 100
# Reference: docs.daily.co/reference/rest-api/recordings/get-recording-link: the link is
# valid for `valid_for_secs` (default 3600); "recording links at max be valid for 12 hours,
# and minimum for 15 mins for recordings stored in customers bucket".
ACCESS_LINK_DEFAULT_SECONDS = 3600
ACCESS_LINK_MAX_SECONDS = 12 * 3600
ACCESS_LINK_MIN_SECONDS = 15 * 60


class RecordingStatus(StrEnum):
    """Reference: docs.daily.co/reference/rest-api/recordings/config, `status`:
    "finished", "in-progress", "canceled"."""

    FINISHED = "finished"
    IN_PROGRESS = "in-progress"
    CANCELED = "canceled"


@dataclass(frozen=True)
class RecordingTrack:
    """One file of a raw-tracks recording (`tracks[]`: size, type audio/video, s3key)."""

    type: str | None
    size: int | None
    s3key: str | None


@dataclass(frozen=True)
class Recording:
    """A cloud recording. `duration` is None while in progress (Daily leaves it out then);
    `status` is None for a status this client does not know (shown as unknown, not lost);
    `tracks` is None unless it is a raw-tracks recording (or Daily sent null)."""

    id: str
    room_name: str
    start: datetime
    status: RecordingStatus | None
    max_participants: int | None
    duration: int | None
    s3key: str | None = None
    mtg_session_id: str | None = None
    tracks: tuple[RecordingTrack, ...] | None = None
    # Deprecated by Daily; kept out of repr: it once shared the recording.
    share_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RecordingPage:
    """One page of the recording list, newest first, with Daily's `total_count` (None when
    not said). `last`: no page follows."""

    recordings: list[Recording]
    total_count: int | None
    last: bool


@dataclass(frozen=True)
class AccessLink:
    """A signed, time-limited download link. Never stored: it grants the file to anyone."""

    download_link: str = field(repr=False)
    expires: datetime


@dataclass(frozen=True)
class DeletedRecording:
    """Reference: docs.daily.co/reference/rest-api/recordings/delete-recording: for a
    recording in the customer's own S3 bucket only Daily's reference is deleted, and the
    answer names the bucket (s3_bucket, s3_region, s3_key in Daily's OpenAPI 1.1.1) so the
    file can be removed there."""

    id: str
    s3_bucket: str | None = None
    s3_region: str | None = None
    s3_key: str | None = None

    @property
    def in_own_bucket(self) -> bool:
        return self.s3_bucket is not None


def _track(data: object) -> RecordingTrack:
    item = obj(data, "a track")
    return RecordingTrack(
        type=opt_text(item.get("type")),
        size=opt_int(item.get("size")),
        s3key=opt_text(item.get("s3key")),
    )


def parse_recording(data: object) -> Recording:
    body = obj(data, "the recording")
    start_ts = opt_int(body.get("start_ts"))
    if start_ts is None or start_ts < 0:
        raise ParseError("the recording has no start_ts")
    try:
        start = datetime.fromtimestamp(start_ts, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ParseError("the recording's start_ts is out of range") from None
    raw_status = body.get("status")
    try:
        status = RecordingStatus(raw_status) if isinstance(raw_status, str) else None
    except ValueError:
        status = None
    raw_tracks = body.get("tracks")
    tracks = tuple(_track(t) for t in raw_tracks) if isinstance(raw_tracks, list) else None
    duration = opt_int(body.get("duration"))
    peak = opt_int(body.get("max_participants"))
    return Recording(
        id=_recording_id(body),
        room_name=text(body, "room_name", "the recording"),
        start=start,
        status=status,
        max_participants=peak if peak is not None and peak >= 0 else None,
        duration=duration if duration is not None and duration >= 0 else None,
        s3key=opt_text(body.get("s3key")),
        mtg_session_id=opt_text(body.get("mtgSessionId")),
        tracks=tracks,
        share_token=opt_text(body.get("share_token")),
    )


def _recording_id(body: dict[str, Any]) -> str:
    value = text(body, "id", "the recording")
    # An id that could not be put in a path safely is refused, not passed on.
    if not validation.IDENTIFIER_RE.fullmatch(value):
        raise ParseError("the recording has no usable id")
    return value


def _check_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {PAGE_LIMIT}.", field="limit")
    return limit


class RestRecordings:
    """The recordings calls of RestClient (relies on `_request`, `_parsing`,
    `_check_room_name`)."""

    if TYPE_CHECKING:
        _request: Callable[..., Reply]
        _parsing: Callable[[str, str], AbstractContextManager[None]]
        _check_room_name: Callable[..., str]

    def _recording_path(self, recording_id: str, *suffix: str) -> str:
        checked = validation.identifier(recording_id, field="recording_id")
        return "/".join(("/recordings", validation.segment(checked, field="recording_id"), *suffix))

    # Reference: docs.daily.co/reference/rest-api/recordings/list-recordings ("limit",
    # "starting_after", "ending_before", "room_name"; newest first, at most 100 a call)
    def recording_page(
        self,
        *,
        starting_after: str | None = None,
        ending_before: str | None = None,
        room_name: str | None = None,
        limit: int = PAGE_LIMIT,
    ) -> RecordingPage:
        params: dict[str, Any] = {"limit": _check_limit(limit)}
        if starting_after is not None and ending_before is not None:
            raise InvalidInput(
                "Give starting_after or ending_before, not both.", field="starting_after"
            )
        if starting_after is not None:
            params["starting_after"] = validation.identifier(starting_after, field="starting_after")
        if ending_before is not None:
            params["ending_before"] = validation.identifier(ending_before, field="ending_before")
        if room_name is not None:
            params["room_name"] = self._check_room_name(room_name, field="room_name")
        data = self._request("GET", "/recordings", params=params).data
        with self._parsing("GET", "/recordings"):
            items = listing(data, "the recording list", "data")
            parsed = [parse_recording(item) for item in items]
            total = data.get("total_count") if isinstance(data, dict) else None
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            total = None
        cursor = starting_after or ending_before
        if parsed and cursor is not None and cursor in {r.id for r in parsed}:
            raise ParseError(
                "Daily's pagination did not advance; the list cannot be read completely.",
                method="GET",
                path="/recordings",
            )
        return RecordingPage(recordings=parsed, total_count=total, last=len(parsed) < limit)

    def recording_pages(
        self, *, room_name: str | None = None, limit: int = PAGE_LIMIT
    ) -> Iterator[RecordingPage]:
        """Every page of the list, newest first, fetched lazily (the mirror stores each)."""
        # Arguments checked now, not at the first next().
        _check_limit(limit)
        if room_name is not None:
            room_name = self._check_room_name(room_name, field="room_name")
        return self._pages(room_name, limit)

    def _pages(self, room_name: str | None, limit: int) -> Iterator[RecordingPage]:
        cursor: str | None = None
        while True:
            page = self.recording_page(starting_after=cursor, room_name=room_name, limit=limit)
            yield page
            if page.last or not page.recordings:
                return
            cursor = page.recordings[-1].id

    def list_recordings(self, *, room_name: str | None = None) -> list[Recording]:
        """Every recording (of one room if given), newest first, each once."""
        seen: set[str] = set()
        found: list[Recording] = []
        for page in self.recording_pages(room_name=room_name):
            for recording in page.recordings:
                if recording.id not in seen:
                    seen.add(recording.id)
                    found.append(recording)
        return found

    # Reference: docs.daily.co/reference/rest-api/recordings/get-recording-information
    def get_recording(self, recording_id: str) -> Recording:
        path = self._recording_path(recording_id)
        data = self._request("GET", path).data
        with self._parsing("GET", path):
            return parse_recording(data)

    # Reference: docs.daily.co/reference/rest-api/recordings/get-recording-link
    def recording_access_link(
        self, recording_id: str, *, valid_for_secs: int | None = None
    ) -> AccessLink:
        """A new download link (Daily creates one per call; "no side effects")."""
        path = self._recording_path(recording_id, "access-link")
        params: dict[str, Any] | None = None
        if valid_for_secs is not None:
            if (
                isinstance(valid_for_secs, bool)
                or not isinstance(valid_for_secs, int)
                or not 1 <= valid_for_secs <= ACCESS_LINK_MAX_SECONDS
            ):
                raise InvalidInput(
                    "A link can be valid for 1 second to 12 hours.", field="valid_for_secs"
                )
            params = {"valid_for_secs": valid_for_secs}
        reply = self._request("GET", path, params=params)
        with self._parsing("GET", path):
            body = obj(reply.data, "the access link")
            link = text(body, "download_link", "the access link")
            expires = opt_int(body.get("expires"))
            if expires is None:
                raise ParseError("the access link has no expires")
            # Daily documents that the field "could be an error string rather than a URL"
            # (e.g. domain properties prevent access): never hand that on as a link.
            if not link.startswith(("https://", "http://")):
                raise ParseError("Daily did not give a download link for this recording")
            return AccessLink(download_link=link, expires=datetime.fromtimestamp(expires, tz=UTC))

    # Reference: docs.daily.co/reference/rest-api/recordings/delete-recording
    def delete_recording(self, recording_id: str, *, missing_ok: bool = False) -> DeletedRecording:
        """Delete a recording; 404 (not found) raises NotFound unless `missing_ok`."""
        path = self._recording_path(recording_id)
        reply = self._request("DELETE", path, accept=(404,) if missing_ok else ())
        if reply.status == 404:
            return DeletedRecording(id=recording_id)
        with self._parsing("DELETE", path):
            body = obj(reply.data, "the answer")
            if not true_flag(body.get("deleted")):
                raise ParseError("Daily did not confirm the deletion")
            return DeletedRecording(
                id=opt_text(body.get("id")) or recording_id,
                s3_bucket=opt_text(body.get("s3_bucket")),
                s3_region=opt_text(body.get("s3_region")),
                s3_key=opt_text(body.get("s3_key")),
            )
