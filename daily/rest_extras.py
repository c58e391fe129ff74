"""REST calls beyond rooms and meetings: meeting tokens, presence, eject, webhooks.

A mixin of RestClient (kept apart only to keep modules small); it relies on the
client's `_request`, `_parsing`, `_now`, `_check_room_name` and `_room_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from daily import rest_parse, validation
from daily.errors import InvalidInput, ParseError
from daily.properties import MeetingTokenProperties
from daily.shapes import listing, obj, text
from daily.types import PresenceParticipant, Webhook

if TYPE_CHECKING:
    from daily.http import Reply

# What logs and errors show instead of the path that holds a meeting token.
REDACTED_TOKEN_PATH = "/meeting-tokens/[redacted]"  # noqa: S105 (a placeholder, not a secret)


class RestExtras:
    if TYPE_CHECKING:
        _request: Callable[..., Reply]
        _parsing: Callable[[str, str], AbstractContextManager[None]]
        _now: Callable[[], datetime]
        _check_room_name: Callable[..., str]
        _room_path: Callable[..., str]

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
            return rest_parse.presence(data)

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
            return rest_parse.webhook(data)

    # Reference: docs.daily.co/reference/rest-api/webhooks/list-webhooks
    def list_webhooks(self) -> list[Webhook]:
        data = self._request("GET", "/webhooks").data
        with self._parsing("GET", "/webhooks"):
            return [rest_parse.webhook(item) for item in listing(data, "webhooks", "data")]

    # Reference: docs.daily.co/reference/rest-api/webhooks/get-webhook
    def get_webhook(self, webhook_id: str) -> Webhook:
        path = self._webhook_path(webhook_id)
        data = self._request("GET", path).data
        with self._parsing("GET", path):
            return rest_parse.webhook(data)

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
            return rest_parse.webhook(data)

    # Reference: docs.daily.co/reference/rest-api/webhooks/delete-webhook
    def delete_webhook(self, webhook_id: str) -> None:
        self._request("DELETE", self._webhook_path(webhook_id))
