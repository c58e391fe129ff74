"""The client interface both dialects implement.

A method a dialect does not have raises `Unsupported` before any HTTP; the UI avoids
reaching that by asking `client.supports(Capability.X)` first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import ClassVar, NoReturn, Self
from urllib.parse import unquote, urlsplit

from daily import validation
from daily.call_metrics import CallMetrics
from daily.domain_config import DomainProperties
from daily.enums import CAPABILITIES, PRIVACY_CHOICES, Capability, Dialect, Privacy
from daily.errors import InvalidInput, ParseError, Unsupported
from daily.http import Transport
from daily.properties import MeetingTokenProperties, RoomProperties
from daily.recordings import AccessLink, DeletedRecording, Recording, RecordingPage
from daily.timeutil import utcnow
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


@dataclass(frozen=True)
class RoomPage:
    """One page of a team's room list, newest first, and Daily's count of all its rooms
    (None when Daily did not say). `rooms` empty: the list has no more."""

    rooms: list[Room]
    total_count: int | None
    # True when this page holds the rest of the list (domains: the whole list at once).
    last: bool = False


class DailyClient(ABC):
    dialect: ClassVar[Dialect]

    def __init__(
        self, transport: Transport, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._transport = transport
        self._clock = clock or utcnow

    def __repr__(self) -> str:
        base_url = self._transport.base_url
        return f"{type(self).__name__}(dialect={self.dialect.value!r}, base_url={base_url!r})"

    # -- capabilities ----------------------------------------------------------------

    @property
    def capabilities(self) -> frozenset[Capability]:
        return CAPABILITIES[self.dialect]

    @property
    def privacy_choices(self) -> tuple[Privacy, ...]:
        return PRIVACY_CHOICES[self.dialect]

    def supports(self, capability: Capability | str) -> bool:
        try:
            return Capability(capability) in self.capabilities
        except ValueError:
            return False

    def _unsupported(self, capability: Capability) -> NoReturn:
        raise Unsupported(
            f"This team uses {self.dialect.label}, which does not support "
            f"{capability.description}.",
            capability=capability.value,
        )

    def _now(self) -> datetime:
        return self._clock()

    @contextmanager
    def _parsing(self, method: str, path: str) -> Iterator[None]:
        """Turn any shape problem while reading an answer into a ParseError naming the call.

        Python errors are caught too: a body of the wrong shape must never escape as a
        TypeError or KeyError from deep inside a parser.
        """
        try:
            yield
            return
        except ParseError as exc:
            if exc.method:
                raise
            failure = exc.message
        except (
            TypeError,
            ValueError,
            KeyError,
            AttributeError,
            IndexError,
            ArithmeticError,
        ) as exc:
            failure = f"unexpected data ({type(exc).__name__})"
        raise ParseError(
            f"Daily's answer had an unexpected shape: {failure}", method=method, path=path
        )

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- both dialects ---------------------------------------------------------------

    @abstractmethod
    def team_info(self) -> TeamInfo: ...

    @abstractmethod
    def list_rooms(self) -> list[Room]: ...

    def count_rooms(self) -> int:
        """How many rooms the team has (a dialect may answer without listing them)."""
        return len(self.list_rooms())

    def room_page(self, starting_after: str | None = None, limit: int = 100) -> RoomPage:
        """The rooms after the room of id `starting_after` (None: the newest), at most
        `limit`. A dialect without paging answers its whole list as the one, last page."""
        if starting_after is not None:
            return RoomPage(rooms=[], total_count=None, last=True)
        listed = self.list_rooms()
        return RoomPage(rooms=listed, total_count=len(listed), last=True)

    @abstractmethod
    def get_room(self, name: str) -> Room: ...

    @abstractmethod
    def create_room(
        self,
        name: str | None = None,
        privacy: Privacy | None = None,
        properties: RoomProperties | None = None,
    ) -> Room: ...

    @abstractmethod
    def set_privacy(self, name: str, privacy: Privacy) -> None: ...

    @abstractmethod
    def delete_room(self, name: str, *, missing_ok: bool = False) -> None: ...

    def meetings(
        self, start: datetime, end: datetime, room: str | None = None
    ) -> Iterator[Meeting]:
        """Every meeting whose start is in [start, end), each exactly once.

        Arguments are checked now, not on first iteration, so a bad window fails at the
        call. The iterator fetches lazily, page by page (or window by window).
        """
        start_at, end_at = validation.window(start, end)
        room_name = None if room is None else self._check_room_name(room, field="room")
        return self._iter_meetings(start_at, end_at, room_name)

    @abstractmethod
    def _iter_meetings(
        self, start: datetime, end: datetime, room: str | None
    ) -> Iterator[Meeting]: ...

    @abstractmethod
    def _check_room_name(self, name: object, *, field: str = "name") -> str: ...

    # -- pipecat helper parity (both dialects) ----------------------------------------

    # Reference: rest-v1-pipecat-helper "Get Name From URL"
    @staticmethod
    def room_name_from_url(url: str) -> str:
        """The room name of `https://<team>.daily.co/<room>` (query and fragment ignored)."""
        try:
            validation.http_url(url, field="url")
        except InvalidInput:
            raise InvalidInput(
                "Enter a room URL such as https://team.daily.co/room.", field="url"
            ) from None
        name = unquote(urlsplit(url).path.strip("/"))
        return validation.room_name(name, dialect=Dialect.REST, field="url")

    def _check_room_url_host(self, url: str) -> None:
        """Refuse a *.daily.co URL of another team: acting on a same-named room here is wrong."""
        host = (urlsplit(url).hostname or "").lower()
        team = self._known_team_name()
        if team and host.endswith(".daily.co") and host != f"{team.lower()}.daily.co":
            raise InvalidInput("This room URL belongs to another Daily team.", field="url")

    def _known_team_name(self) -> str | None:
        return None

    # Reference: rest-v1-pipecat-helper "Get Room From URL"
    def room_from_url(self, url: str) -> Room:
        name = self.room_name_from_url(url)
        self._check_room_url_host(url)
        return self.get_room(name)

    # Reference: rest-v1-pipecat-helper "Delete Room By URL"
    def delete_room_by_url(self, url: str) -> None:
        """Delete the room of a URL; a room that is already gone counts as deleted."""
        name = self.room_name_from_url(url)
        self._check_room_url_host(url)
        self.delete_room(name, missing_ok=True)

    # Reference: rest-v1-pipecat-helper "Get Token"
    def token_for_room_url(
        self,
        room_url: str,
        *,
        expiry_seconds: float,
        owner: bool = False,
        eject_at_token_exp: bool = False,
        properties: MeetingTokenProperties | None = None,
    ) -> str:
        """A meeting token for a room URL (pipecat's get_token).

        room_name, exp, is_owner and eject_at_token_exp come from the arguments and
        override the same fields of `properties`.
        """
        if not self.supports(Capability.MEETING_TOKENS):
            self._unsupported(Capability.MEETING_TOKENS)
        name = self.room_name_from_url(room_url)
        self._check_room_url_host(room_url)
        if (
            isinstance(expiry_seconds, bool)
            or not isinstance(expiry_seconds, int | float)
            or not expiry_seconds > 0
        ):
            raise InvalidInput(
                "The token lifetime must be a positive number of seconds.", field="expiry_seconds"
            )
        base = properties if properties is not None else MeetingTokenProperties()
        merged = replace(
            base,
            room_name=name,
            exp=self._now() + timedelta(seconds=expiry_seconds),
            is_owner=owner,
            eject_at_token_exp=eject_at_token_exp,
        )
        return self.create_meeting_token(merged)

    # -- one dialect only: Unsupported unless overridden ---------------------------

    def update_room(
        self,
        name: str,
        *,
        privacy: Privacy | None = None,
        properties: RoomProperties | None = None,
    ) -> Room:
        self._unsupported(Capability.ROOM_PROPERTIES)

    def batch_create_rooms(self, specs: Sequence[RoomSpec]) -> list[Room]:
        self._unsupported(Capability.BATCH)

    def batch_delete_rooms(self, names: Sequence[str]) -> int:
        self._unsupported(Capability.BATCH)

    def remove_user(self, email: str) -> None:
        self._unsupported(Capability.REMOVE_USER)

    def meeting_participants(self, meeting_id: str) -> list[Participant]:
        # Not a missing capability: domains meetings carry their participants inline.
        raise Unsupported(
            f"This team uses {self.dialect.label}, whose meetings list their participants "
            "inline; there is no separate participants call.",
            capability=Capability.MEETINGS.value,
        )

    def create_meeting_token(self, properties: MeetingTokenProperties) -> str:
        self._unsupported(Capability.MEETING_TOKENS)

    def validate_meeting_token(self, token: str) -> MeetingTokenProperties:
        self._unsupported(Capability.MEETING_TOKENS)

    def presence(self) -> list[PresenceParticipant]:
        self._unsupported(Capability.PRESENCE)

    def eject(
        self,
        room: str,
        *,
        session_ids: Sequence[str] = (),
        user_ids: Sequence[str] = (),
        ban: bool = False,
    ) -> list[str]:
        self._unsupported(Capability.EJECT)

    def domain_config(self) -> DomainConfig:
        self._unsupported(Capability.DOMAIN_CONFIG)

    def update_domain_config(self, changes: DomainProperties) -> DomainConfig:
        self._unsupported(Capability.DOMAIN_CONFIG)

    def call_metrics(self, session_id: str, *, limit: int = 4000) -> CallMetrics:
        self._unsupported(Capability.CALL_METRICS)

    def create_webhook(
        self,
        url: str,
        *,
        event_types: Sequence[str] | None = None,
        hmac: str | None = None,
    ) -> Webhook:
        self._unsupported(Capability.WEBHOOKS)

    def list_webhooks(self) -> list[Webhook]:
        self._unsupported(Capability.WEBHOOKS)

    def get_webhook(self, webhook_id: str) -> Webhook:
        self._unsupported(Capability.WEBHOOKS)

    def update_webhook(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        event_types: Sequence[str] | None = None,
        hmac: str | None = None,
    ) -> Webhook:
        self._unsupported(Capability.WEBHOOKS)

    def delete_webhook(self, webhook_id: str) -> None:
        self._unsupported(Capability.WEBHOOKS)

    # Reference: docs.daily.co/reference/rest-api/recordings (REST only: the original
    # team API has no recordings calls)
    def recording_page(
        self,
        *,
        starting_after: str | None = None,
        ending_before: str | None = None,
        room_name: str | None = None,
        limit: int = 100,
    ) -> RecordingPage:
        self._unsupported(Capability.RECORDINGS)

    def recording_pages(
        self, *, room_name: str | None = None, limit: int = 100
    ) -> Iterator[RecordingPage]:
        self._unsupported(Capability.RECORDINGS)

    def list_recordings(self, *, room_name: str | None = None) -> list[Recording]:
        self._unsupported(Capability.RECORDINGS)

    def get_recording(self, recording_id: str) -> Recording:
        self._unsupported(Capability.RECORDINGS)

    def recording_access_link(
        self, recording_id: str, *, valid_for_secs: int | None = None
    ) -> AccessLink:
        self._unsupported(Capability.RECORDINGS)

    def delete_recording(self, recording_id: str, *, missing_ok: bool = False) -> DeletedRecording:
        self._unsupported(Capability.RECORDINGS)
