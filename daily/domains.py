"""The "domains" dialect: Daily's original team API (`/domains/by-name/<team>/...`).

Quirks handled here: errors arrive as HTTP 200 with `{"error": {"message": ...}}`;
`deleted` is "true" or true; rooms carry no privacy in team info; meetings carry no ids
and come at most 100 per call with `moreResults`, so windows are split until complete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from daily import parse, validation
from daily.base import DailyClient
from daily.enums import Capability, Dialect, Privacy
from daily.errors import (
    AuthError,
    DailyError,
    InvalidInput,
    InvalidRequest,
    NotFound,
    ParseError,
    Unavailable,
    WindowOverflow,
)
from daily.http import Transport
from daily.properties import RoomProperties
from daily.timeutil import ONE_MINUTE, TimeMemo, floor_minute, to_iso_z
from daily.types import Meeting, Room, TeamInfo

log = logging.getLogger("daily")

MEETINGS_PER_CALL = 100
_AUTH_WORDS = ("unauthori", "forbidden", "token", "auth")
_NOT_FOUND_WORDS = ("not found", "no such")
# An error inside a 200 that says it is passing: retryable, like a 5xx.
_TRANSIENT_WORDS = ("try again", "internal error", "temporar", "timed out", "unavailable")


def classify_domains_error(message: str) -> type[DailyError]:
    """The domains API has no error codes, only messages: classify by keywords."""
    text = message.lower()
    if any(word in text for word in _AUTH_WORDS):
        return AuthError
    if any(word in text for word in _NOT_FOUND_WORDS):
        return NotFound
    if any(word in text for word in _TRANSIENT_WORDS):
        return Unavailable
    return InvalidRequest


class DomainsClient(DailyClient):
    dialect = Dialect.DOMAINS

    def __init__(
        self,
        transport: Transport,
        *,
        team: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(transport, clock=clock)
        self.team = validation.team_name(team)
        self._team_segment = validation.segment(self.team, field="team")

    def _known_team_name(self) -> str | None:
        return self.team

    def _check_room_name(self, name: object, *, field: str = "name") -> str:
        return validation.room_name(name, dialect=Dialect.DOMAINS, team=self.team, field=field)

    def _path(self, *encoded_segments: str) -> str:
        return "/".join(("/domains/by-name", self._team_segment, *encoded_segments))

    def _room_url(self, name: str) -> str:
        return f"https://{self.team}.daily.co/{quote(name, safe='')}"

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, read: bool = False
    ) -> dict[str, Any]:
        """One call, its error inside a 200 raised. `read`: the call changes nothing (the
        `meetings` POST), so it is retried like a GET, a transient error in a 200 too."""
        attempt = 0
        while True:
            try:
                return self._call_once(method, path, body, read=read)
            except Unavailable as exc:
                if not (read and exc.status == 200):
                    raise
                if not self._transport.retry_later(
                    method, path, "reported a passing error", attempt
                ):
                    raise
                attempt += 1

    def _call_once(
        self, method: str, path: str, body: dict[str, Any] | None, *, read: bool
    ) -> dict[str, Any]:
        reply = self._transport.request(method, path, json_body=body, idempotent=read or None)
        data = reply.data
        if not isinstance(data, dict):
            raise ParseError(
                "Daily answered with JSON that is not an object.",
                status=reply.status,
                method=method,
                path=path,
            )
        error = data.get("error")
        # The docs: errors are "reported as an error field". Any value but null/false counts,
        # so an empty or odd error object is never mistaken for an empty team.
        if error is not None and error is not False:
            raw = error.get("message") if isinstance(error, dict) else error
            text = raw.strip() if isinstance(raw, str) and raw.strip() else ""
            message = self._transport.redact(text) if text else "Daily reported an error."
            cls = classify_domains_error(message)
            raise cls(message, status=200, method=method, path=path)
        return data

    def _expect_flag(self, data: dict[str, Any], key: str, method: str, path: str) -> None:
        if not parse.true_flag(data.get(key)):
            raise ParseError(
                f"Daily's answer did not confirm the change ({key} is not true).",
                status=200,
                method=method,
                path=path,
            )

    # -- team and rooms ----------------------------------------------------------------

    # Reference: domains-api-original "Get invite link, rooms list, and user list for a team"
    def team_info(self) -> TeamInfo:
        path = self._path()
        data = self._call("GET", path)
        with self._parsing("GET", path):
            return self._parse_team(data)

    # Reference: domains-api-original "Get invite link, rooms list, and user list for a team"
    def list_rooms(self) -> list[Room]:
        return self.team_info().rooms

    # Reference: domains-api-original "Get invite link, rooms list, and user list for a team"
    def get_room(self, name: str) -> Room:
        name = self._check_room_name(name)
        for room in self.team_info().rooms:
            if room.name == name:
                return room
        raise NotFound(f"Room {name} does not exist in this team.")

    # Reference: domains-api-original "Create a room"
    def create_room(
        self,
        name: str | None = None,
        privacy: Privacy | None = None,
        properties: RoomProperties | None = None,
    ) -> Room:
        if properties is not None:
            self._unsupported(Capability.ROOM_PROPERTIES)
        if name is None:
            raise InvalidInput("A room name is required for this team.", field="name")
        name = self._check_room_name(name)
        body: dict[str, Any] = {"name": name}
        chosen = None
        if privacy is not None:
            chosen = validation.privacy(privacy, dialect=self.dialect)
            body["privacy"] = chosen.value
        path = self._path("room")
        data = self._call("POST", path, body)
        returned = data.get("name")
        room_name = returned if isinstance(returned, str) and returned else name
        # Privacy defaults to org ("team") when none is given, per the domains docs.
        return Room(
            name=room_name,
            privacy=chosen or Privacy.TEAM,
            url=self._room_url(room_name),
            dial_in_pin=parse.pin(data.get("dialInPIN")),
        )

    # Reference: domains-api-original "Change privacy setting for a room"
    def set_privacy(self, name: str, privacy: Privacy) -> None:
        name = self._check_room_name(name)
        chosen = validation.privacy(privacy, dialect=self.dialect)
        path = self._path("room", validation.segment(name, field="name"))
        data = self._call("POST", path, {"privacy": chosen.value})
        self._expect_flag(data, "updated", "POST", path)

    # Reference: domains-api-original "Delete a room"
    def delete_room(self, name: str, *, missing_ok: bool = False) -> None:
        name = self._check_room_name(name)
        path = self._path("room", validation.segment(name, field="name"))
        try:
            data = self._call("DELETE", path)
        except NotFound as exc:
            # "team not found" is a configuration problem, not an already-deleted room.
            if missing_ok and "team" not in exc.message.lower():
                return
            raise
        self._expect_flag(data, "deleted", "DELETE", path)

    # Reference: domains-api-original "Remove a user from a team"
    def remove_user(self, email: str) -> None:
        email = validation.email(email)
        path = self._path("user", validation.segment(email, field="email"))
        data = self._call("DELETE", path)
        self._expect_flag(data, "deleted", "DELETE", path)

    # -- meetings ---------------------------------------------------------------------

    def _iter_meetings(self, start: datetime, end: datetime, room: str | None) -> Iterator[Meeting]:
        """Split any window that reports `moreResults` until every part is complete.

        The answer of an overflowing window is discarded and both halves (split on a whole
        minute: Daily's times are minute-accurate) are asked again, left half first. Each
        meeting is yielded from the window that contains its start, so none twice.
        Meetings are yielded as windows complete, so a WindowOverflow can come after some
        meetings: callers that need all or nothing (the sync) must treat it as a failed run.
        """
        seen: set[str] = set()
        pending = [(start, end)]
        while pending:
            low, high = pending.pop()
            meetings, more = self._meetings_call(low, high, room)
            if more:
                if high - low <= ONE_MINUTE:
                    raise WindowOverflow(
                        f"More than {MEETINGS_PER_CALL} meetings started between "
                        f"{to_iso_z(low)} and {to_iso_z(high)}"
                        f"{f' in room {room}' if room else ''}; the original API cannot list "
                        "them completely in a window this small, so the listing stopped "
                        "instead of missing meetings.",
                        start=low,
                        end=high,
                        room=room,
                    )
                middle = _split_point(low, high)
                log.debug("domains meetings: window overflows, splitting at %s", to_iso_z(middle))
                pending.append((middle, high))
                pending.append((low, middle))
                continue
            for meeting in meetings:
                if not low <= meeting.start < high or meeting.key in seen:
                    continue
                if room is not None and meeting.room != room:
                    continue
                seen.add(meeting.key)
                yield meeting

    # Reference: domains-api-original "Get information about meetings and participants"
    def _meetings_call(
        self, start: datetime, end: datetime, room: str | None
    ) -> tuple[list[Meeting], bool]:
        body: dict[str, Any] = {"start": to_iso_z(start), "end": to_iso_z(end)}
        if room is not None:
            body["room"] = room
        path = self._path("meetings")
        # A read: retried like a GET (docs: it "retrieves a list of meetings").
        data = self._call("POST", path, body, read=True)
        with self._parsing("POST", path):
            raw = data.get("meetings")
            if not isinstance(raw, list):
                raise ParseError("meetings is not a list")
            more = data.get("moreResults")
            if more is not None and not isinstance(more, bool | str):
                raise ParseError("moreResults is not a boolean")
            if parse.true_flag(more):
                # The caller discards an overflowing window's meetings and asks for its
                # halves, which contain them all: parsing them here would be wasted (a
                # malformed one is still found, in the half that holds it).
                return [], True
            times = TimeMemo()
            return [parse.domains_meeting(item, times) for item in raw], False

    # -- parsing ------------------------------------------------------------------------

    def _parse_team(self, data: dict[str, Any]) -> TeamInfo:
        name = data.get("name")
        invite = data.get("teamInviteLink")
        rooms = data.get("rooms") or []
        users = data.get("users") or {}
        if not isinstance(rooms, list):
            raise ParseError("rooms is not a list")
        if isinstance(users, dict):
            user_items = [(key, value) for key, value in users.items()]
        elif isinstance(users, list):
            user_items = [(None, value) for value in users]
        else:
            raise ParseError("users is not an object")
        return TeamInfo(
            name=name if isinstance(name, str) and name else self.team,
            invite_link=invite if isinstance(invite, str) and invite else None,
            rooms=[parse.domains_room(item, self._room_url) for item in rooms],
            users=[parse.domains_user(key, value) for key, value in user_items],
        )


def _split_point(low: datetime, high: datetime) -> datetime:
    """A whole minute strictly inside (low, high), as near the middle as possible.

    Callers guarantee high - low > one minute, so such a minute always exists.
    """
    point = floor_minute(low + (high - low) / 2)
    if point <= low:
        point += ONE_MINUTE
    return point
