"""The "rest" dialect: Daily's current REST API (`https://api.daily.co/v1`).

The domain, rooms, batch, meetings, meeting tokens, presence, eject and webhooks; the
recordings and call-quality calls are in `daily.recordings` and `daily.call_metrics`, next
to their types. Lists page with `limit=100` and `starting_after=<last id>` until a page
comes back empty.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from daily import domain_config, parse, validation
from daily.base import DailyClient, RoomPage
from daily.call_metrics import RestCallMetrics
from daily.domain_config import DomainProperties
from daily.enums import Dialect, Privacy
from daily.errors import (
    InvalidInput,
    InvalidRequest,
    ParseError,
    as_auth_error,
    bad_authorization_header,
)
from daily.http import Reply, Transport
from daily.parse import listing, obj, text, true_flag
from daily.properties import MeetingTokenProperties, RoomProperties
from daily.recordings import RestRecordings
from daily.timeutil import to_unix
from daily.types import (
    DomainConfig,
    Meeting,
    Participant,
    PresenceParticipant,
    Room,
    RoomSpec,
    TeamInfo,
    Webhook,
)

PAGE_LIMIT = 100
# Daily's meeting list embeds at most this many participants per meeting (observed cap,
# see RestClient._iter_meetings); a list of this length may be truncated.
INLINE_PARTICIPANTS_CAP = 100
# What logs and errors show instead of the path that holds a meeting token.
REDACTED_TOKEN_PATH = "/meeting-tokens/[redacted]"  # noqa: S105 (a placeholder, not a secret)


class RestClient(RestRecordings, RestCallMetrics, DailyClient):
    dialect = Dialect.REST

    def __init__(
        self,
        transport: Transport,
        *,
        team: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(transport, clock=clock)
        # The domain name, used only to build room URLs Daily did not send.
        self._domain_name = None if team is None else validation.team_name(team)

    def _known_team_name(self) -> str | None:
        return self._domain_name

    def _check_room_name(self, name: object, *, field: str = "name") -> str:
        return validation.room_name(name, dialect=Dialect.REST, field=field)

    def _room_path(self, name: str, *suffix: str) -> str:
        return "/".join(("/rooms", validation.segment(name, field="name"), *suffix))

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        display_path: str | None = None,
        accept: Sequence[int] = (),
        secrets: Sequence[str] = (),
    ) -> Reply:
        try:
            return self._transport.request(
                method,
                path,
                params=params,
                json_body=body,
                display_path=display_path,
                accept=accept,
                secrets=secrets,
            )
        except InvalidRequest as exc:
            # A malformed Authorization header is a credentials problem, though Daily
            # types it `invalid-request-error` (see errors.bad_authorization_header).
            if bad_authorization_header(exc):
                raise as_auth_error(exc) from None
            raise

    def _domain(self) -> str:
        if self._domain_name is None:
            self._domain_name = self.domain_config().domain_name
        return self._domain_name

    def _room_url(self, name: str) -> str:
        # Daily sends `url` with every room; this is the fallback when it does not.
        return f"https://{self._domain()}.daily.co/{quote(name, safe='')}"

    def _room_body(
        self, name: str | None, privacy: Privacy | None, properties: RoomProperties | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = self._check_room_name(name)
        if privacy is not None:
            body["privacy"] = validation.privacy(privacy, dialect=self.dialect).value
        if properties is not None:
            checked = validation.room_properties(properties, now=self._now())
            body["properties"] = checked.to_config()
        return body

    def _parse_room(self, data: Any, method: str, path: str) -> Room:
        with self._parsing(method, path):
            return parse.room(data, self._room_url)

    # -- domain -----------------------------------------------------------------------

    # Reference: docs.daily.co/reference/rest-api/domain/get-domain-config
    def domain_config(self) -> DomainConfig:
        data = self._request("GET", "/").data
        with self._parsing("GET", "/"):
            config = parse.domain(data)
        if self._domain_name is None:
            self._domain_name = config.domain_name
        return config

    # Reference: docs.daily.co/reference/rest-api/your-domain/set-domain-config
    def update_domain_config(self, changes: DomainProperties) -> DomainConfig:
        """Send only the properties set in `changes` (`POST /`); Daily answers the domain.

        Not retried: a POST (DESIGN.md), though setting the same values twice is harmless.
        """
        checked = domain_config.domain_properties(changes)
        body = {"properties": checked.to_config()}
        data = self._request("POST", "/", body=body).data
        with self._parsing("POST", "/"):
            return parse.domain(data)

    # Reference: docs.daily.co/reference/rest-api/domain/get-domain-config (+ list-rooms)
    def team_info(self) -> TeamInfo:
        """The REST API has no team members or invite links: users is empty by design."""
        config = self.domain_config()
        return TeamInfo(
            name=config.domain_name, invite_link=None, rooms=self.list_rooms(), users=[]
        )

    # -- rooms ------------------------------------------------------------------------

    # Reference: docs.daily.co/reference/rest-api/rooms/list-rooms
    def list_rooms(self) -> list[Room]:
        rooms: list[Room] = []
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT}
            if cursor is not None:
                params["starting_after"] = cursor
            data = self._request("GET", "/rooms", params=params).data
            with self._parsing("GET", "/rooms"):
                page = listing(data, "the room list", "data")
                if not page:
                    return rooms
                parsed = [parse.room(item, self._room_url) for item in page]
            for room in parsed:
                key = room.id or room.name
                if key not in seen:
                    seen.add(key)
                    rooms.append(room)
            cursor = self._next_cursor(parsed[-1].id, cursor, "GET", "/rooms")

    # Reference: docs.daily.co/reference/rest-api/rooms/list-rooms ("limit", "starting_after")
    def room_page(self, starting_after: str | None = None, limit: int = PAGE_LIMIT) -> RoomPage:
        """One page of the room list, newest first: the rooms after the room of id
        `starting_after`, at most `limit` (1 to 100), and Daily's `total_count`. A page
        shorter than `limit` is the last."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {PAGE_LIMIT}.", field="limit")
        params: dict[str, Any] = {"limit": limit}
        if starting_after is not None:
            params["starting_after"] = validation.identifier(starting_after, field="starting_after")
        data = self._request("GET", "/rooms", params=params).data
        with self._parsing("GET", "/rooms"):
            page = listing(data, "the room list", "data")
            parsed = [parse.room(item, self._room_url) for item in page]
            total = data.get("total_count") if isinstance(data, dict) else None
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            total = None
        if parsed and starting_after is not None and parsed[-1].id == starting_after:
            raise ParseError(
                "Daily's pagination did not advance; the list cannot be read completely.",
                method="GET",
                path="/rooms",
            )
        if any(not room.id for room in parsed):
            raise ParseError("a room of the list has no id", method="GET", path="/rooms")
        return RoomPage(rooms=parsed, total_count=total, last=len(parsed) < limit)

    def count_rooms(self) -> int:
        """`total_count` of a one-room page: one request, where listing takes one per 100."""
        data = self._request("GET", "/rooms", params={"limit": 1}).data
        total = data.get("total_count") if isinstance(data, dict) else None
        if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
            return total
        return len(self.list_rooms())  # not said: count them the long way

    @staticmethod
    def _next_cursor(last: str | None, previous: str | None, method: str, path: str) -> str:
        # A server that ignores the cursor would otherwise make us loop forever.
        if not last or last == previous:
            raise ParseError(
                "Daily's pagination did not advance; the list cannot be read completely.",
                method=method,
                path=path,
            )
        return last

    # Reference: docs.daily.co/reference/rest-api/rooms/get-room
    def get_room(self, name: str) -> Room:
        path = self._room_path(self._check_room_name(name))
        return self._parse_room(self._request("GET", path).data, "GET", path)

    # Reference: docs.daily.co/reference/rest-api/rooms/create-room
    def create_room(
        self,
        name: str | None = None,
        privacy: Privacy | None = None,
        properties: RoomProperties | None = None,
    ) -> Room:
        body = self._room_body(name, privacy, properties)
        return self._parse_room(self._request("POST", "/rooms", body=body).data, "POST", "/rooms")

    # Reference: docs.daily.co/reference/rest-api/rooms/set-room-config
    def update_room(
        self,
        name: str,
        *,
        privacy: Privacy | None = None,
        properties: RoomProperties | None = None,
    ) -> Room:
        path = self._room_path(self._check_room_name(name))
        if privacy is None and properties is None:
            raise InvalidInput("Nothing to change: give a privacy or properties.", field=None)
        body = self._room_body(None, privacy, properties)
        return self._parse_room(self._request("POST", path, body=body).data, "POST", path)

    # Reference: docs.daily.co/reference/rest-api/rooms/set-room-config
    def set_privacy(self, name: str, privacy: Privacy) -> None:
        path = self._room_path(self._check_room_name(name))
        chosen = validation.privacy(privacy, dialect=self.dialect)
        self._request("POST", path, body={"privacy": chosen.value})

    # Reference: docs.daily.co/reference/rest-api/rooms/delete-room
    def delete_room(self, name: str, *, missing_ok: bool = False) -> None:
        path = self._room_path(self._check_room_name(name))
        reply = self._request("DELETE", path, accept=(404,))
        deleted = isinstance(reply.data, dict) and true_flag(reply.data.get("deleted"))
        if reply.status == 404:
            # An expired room answers 404 with deleted: true; Daily removed it already.
            if deleted or missing_ok:
                return
            raise self._transport.error_for("DELETE", path, 404, reply.data)
        if not deleted:
            raise ParseError(
                "Daily's answer did not confirm the deletion.",
                status=reply.status,
                method="DELETE",
                path=path,
            )

    # -- batch ------------------------------------------------------------------------

    # Reference: docs.daily.co/reference/rest-api/batch/create-rooms
    def batch_create_rooms(self, specs: Sequence[RoomSpec]) -> list[Room]:
        bodies = []
        names: set[str] = set()
        for index, spec in enumerate(specs):
            if not isinstance(spec, RoomSpec):
                raise InvalidInput(f"Room {index + 1} is not a room spec.", field="specs")
            try:
                body = self._room_body(spec.name, spec.privacy, spec.properties)
            except InvalidInput as exc:
                raise InvalidInput(
                    f"Room {index + 1}: {exc.message}", field=f"rooms[{index}].{exc.field}"
                ) from None
            if spec.name is not None:
                if spec.name in names:
                    raise InvalidInput(
                        f"Room {index + 1}: the name is used twice in this batch.",
                        field=f"rooms[{index}].name",
                    )
                names.add(spec.name)
            bodies.append(body)
        if not bodies:
            return []
        data = self._request("POST", "/batch/rooms", body={"rooms": bodies}).data
        with self._parsing("POST", "/batch/rooms"):
            items = listing(data, "the created rooms", "data", "rooms")
            return [parse.room(item, self._room_url) for item in items]

    # Reference: docs.daily.co/reference/rest-api/batch/delete-rooms
    def batch_delete_rooms(self, names: Sequence[str]) -> int:
        if isinstance(names, str):
            raise InvalidInput("Expected a list of room names.", field="names")
        checked = [self._check_room_name(name, field="names") for name in names]
        if not checked:
            return 0
        data = self._request("DELETE", "/batch/rooms", body={"room_names": checked}).data
        with self._parsing("DELETE", "/batch/rooms"):
            count = obj(data, "the answer").get("deleted_count")
            if isinstance(count, bool) or not isinstance(count, int):
                raise ParseError("deleted_count is not a number")
            return count

    # -- meetings ---------------------------------------------------------------------

    # Reference: docs.daily.co/reference/rest-api/meetings/get-meeting-information
    def _iter_meetings(self, start: datetime, end: datetime, room: str | None) -> Iterator[Meeting]:
        """Page newest-first with `starting_after=<last id>` until a page is empty.

        Inline participants: the meeting list embeds at most INLINE_PARTICIPANTS_CAP (100)
        participants per meeting. We cannot tell a meeting of exactly 100 from a truncated
        one, so a list of 100 or more is always replaced by the complete list from
        `/meetings/<id>/participants` (one extra call for the rare exact-100 meeting).
        """
        base: dict[str, Any] = {
            "timeframe_start": to_unix(start),
            # Round up so a fractional end never cuts off the last second; the local
            # [start, end) filter below keeps the window exact.
            "timeframe_end": math.ceil(end.timestamp()),
            "limit": PAGE_LIMIT,
        }
        if room is not None:
            base["room"] = room
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            params = dict(base)
            if cursor is not None:
                params["starting_after"] = cursor
            data = self._request("GET", "/meetings", params=params).data
            with self._parsing("GET", "/meetings"):
                page = listing(data, "the meeting list", "data")
                if not page:
                    return
                meetings = [parse.meeting(item) for item in page]
                truncated = {
                    m.key
                    for m, item in zip(meetings, page, strict=True)
                    if len(item.get("participants") or []) >= INLINE_PARTICIPANTS_CAP
                }
            for meeting in meetings:
                if meeting.key in seen or not start <= meeting.start < end:
                    continue
                seen.add(meeting.key)
                if meeting.key in truncated:
                    everyone = self.meeting_participants(meeting.key)
                    meeting = replace(meeting, participants=parse.still_in(meeting, everyone))
                yield meeting
            cursor = self._next_cursor(meetings[-1].key, cursor, "GET", "/meetings")

    # Reference: docs.daily.co/reference/rest-api/meetings/get-meeting-participants
    def meeting_participants(self, meeting_id: str) -> list[Participant]:
        """Every participant session, `joined_after` the last one until Daily says 404.

        "Once there are no more users remaining, you'll receive a 404" (the page above):
        a 404 after the first page is the end of the list. On the first page it cannot
        be, since a meeting session always has someone in it (docs.daily.co/reference/
        rest-api/meetings: "a set of one or more people"), so there it is NotFound: no
        such meeting. Daily's figures as they are: someone still in has `leave` set to
        their time so far, as only the meeting tells whether it is ongoing (`meetings()`
        settles that).
        """
        meeting_id = validation.identifier(meeting_id, field="meeting_id")
        path = f"/meetings/{validation.segment(meeting_id, field='meeting_id')}/participants"
        result: list[Participant] = []
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT}
            if cursor is not None:
                params["joined_after"] = cursor
            reply = self._request("GET", path, params=params, accept=(404,) if result else ())
            if reply.status == 404:
                return result
            data = reply.data
            with self._parsing("GET", path):
                raw = listing(data, "participants", "data")
                page = [parse.participant(item) for item in raw]
            if not page:
                return result
            for participant in page:
                if participant.session_key not in seen:
                    seen.add(participant.session_key)
                    result.append(participant)
            cursor = self._next_cursor(page[-1].session_key, cursor, "GET", path)

    # -- meeting tokens ---------------------------------------------------------------

    # Reference: docs.daily.co/reference/rest-api/meeting-tokens/create-meeting-token
    def create_meeting_token(self, properties: MeetingTokenProperties) -> str:
        checked = validation.token_properties(properties, now=self._now())
        data = self._request(
            "POST", "/meeting-tokens", body={"properties": checked.to_config()}
        ).data
        with self._parsing("POST", "/meeting-tokens"):
            return text(obj(data, "the answer"), "token", "the answer")

    # Reference: docs.daily.co/reference/rest-api/meeting-tokens/validate-meeting-token
    def validate_meeting_token(self, token: str) -> MeetingTokenProperties:
        """The properties of a token, as Daily decoded them. 4xx if it is not valid."""
        token = validation.meeting_token(token)
        path = "/meeting-tokens/" + validation.segment(token, field="token")
        # The meeting token is a credential: it stays out of logs and error messages.
        data = self._request("GET", path, display_path=REDACTED_TOKEN_PATH, secrets=(token,)).data
        with self._parsing("GET", REDACTED_TOKEN_PATH):
            body = obj(data, "the token")
            inner = body.get("properties")
            return MeetingTokenProperties.from_config(inner if isinstance(inner, dict) else body)

    # -- presence and eject -----------------------------------------------------------

    # Reference: docs.daily.co/reference/rest-api/presence
    def presence(self) -> list[PresenceParticipant]:
        data = self._request("GET", "/presence").data
        with self._parsing("GET", "/presence"):
            return parse.presence(data)

    # Reference: docs.daily.co/reference/rest-api/rooms/eject
    def eject(
        self,
        room: str,
        *,
        session_ids: Sequence[str] = (),
        user_ids: Sequence[str] = (),
        ban: bool = False,
    ) -> list[str]:
        path = self._room_path(self._check_room_name(room, field="room"), "eject")
        ids = validation.session_ids(session_ids, field="session_ids")
        users = validation.session_ids(user_ids, field="user_ids")
        if not ids and not users:
            raise InvalidInput("Choose at least one participant to eject.", field="session_ids")
        if not isinstance(ban, bool):
            raise InvalidInput("Choose yes or no.", field="ban")
        body: dict[str, Any] = {"ban": ban}
        if ids:
            body["ids"] = ids
        if users:
            body["user_ids"] = users
        data = self._request("POST", path, body=body).data
        with self._parsing("POST", path):
            ejected = obj(data, "the answer").get("ejectedIds") or []
            if not isinstance(ejected, list):
                raise ParseError("ejectedIds is not a list")
            return [str(item) for item in ejected]

    # -- webhooks ---------------------------------------------------------------------

    def _webhook_body(
        self, url: str | None, event_types: Sequence[str] | None, hmac: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if url is not None:
            body["url"] = validation.http_url(url)
        if event_types is not None:
            body["eventTypes"] = validation.event_types(event_types)
        if hmac is not None:
            if not isinstance(hmac, str) or not hmac.strip():
                raise InvalidInput("The signing secret must not be empty.", field="hmac")
            body["hmac"] = hmac
        return body

    def _webhook_path(self, webhook_id: str) -> str:
        webhook_id = validation.identifier(webhook_id, field="webhook_id")
        return "/webhooks/" + validation.segment(webhook_id, field="webhook_id")

    def _webhook_send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        # The signing secret goes in the body; keep any echo of it out of error messages.
        secrets = (body["hmac"],) if "hmac" in body else ()
        return self._request(method, path, body=body, secrets=secrets).data

    # Reference: docs.daily.co/reference/rest-api/webhooks/create-webhook
    def create_webhook(
        self,
        url: str,
        *,
        event_types: Sequence[str] | None = None,
        hmac: str | None = None,
    ) -> Webhook:
        if url is None:
            raise InvalidInput("Enter a valid http(s) URL.", field="url")
        body = self._webhook_body(url, event_types, hmac)
        data = self._webhook_send("POST", "/webhooks", body)
        with self._parsing("POST", "/webhooks"):
            return parse.webhook(data)

    # Reference: docs.daily.co/reference/rest-api/webhooks/list-webhooks
    def list_webhooks(self) -> list[Webhook]:
        data = self._request("GET", "/webhooks").data
        with self._parsing("GET", "/webhooks"):
            return [parse.webhook(item) for item in listing(data, "webhooks", "data")]

    # Reference: docs.daily.co/reference/rest-api/webhooks/get-webhook
    def get_webhook(self, webhook_id: str) -> Webhook:
        path = self._webhook_path(webhook_id)
        data = self._request("GET", path).data
        with self._parsing("GET", path):
            return parse.webhook(data)

    # Reference: docs.daily.co/reference/rest-api/webhooks/update-webhook
    def update_webhook(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        event_types: Sequence[str] | None = None,
        hmac: str | None = None,
    ) -> Webhook:
        path = self._webhook_path(webhook_id)
        body = self._webhook_body(url, event_types, hmac)
        if not body:
            raise InvalidInput(
                "Nothing to change: give a URL, event types or a secret.", field=None
            )
        data = self._webhook_send("POST", path, body)
        with self._parsing("POST", path):
            return parse.webhook(data)

    # Reference: docs.daily.co/reference/rest-api/webhooks/delete-webhook
    def delete_webhook(self, webhook_id: str) -> None:
        self._request("DELETE", self._webhook_path(webhook_id))
