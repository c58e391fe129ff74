"""The one error hierarchy of the service layer.

Every failure that leaves `daily/` is a `DailyError`: HTTP problems, Daily's own error
answers (both dialects), bodies of the wrong shape and local validation. Callers (views,
Celery tasks) branch on the class and on `.retryable`, never on message text.

Messages carry the HTTP method and path only: never headers, query strings or the token.
"""

from __future__ import annotations

from typing import Any, ClassVar


def _rebuild(cls: type[DailyError], state: dict[str, Any]) -> DailyError:
    # Keyword-only constructors defeat the default exception pickling; Celery result
    # backends and multiprocessing need errors to survive a round trip.
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, state.get("_text", ""))
    return error


class DailyError(Exception):
    """Base class. `.message` is the human text (Daily's `info` or the domains message)."""

    default_retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.error_type = error_type
        self.method = method
        self.path = path
        self.retryable = self.default_retryable if retryable is None else retryable
        self._text = self._describe()
        super().__init__(self._text)

    def _describe(self) -> str:
        text = self.message
        if self.method and self.path:
            text = f"{self.method} {self.path}: {text}"
        detail = []
        if self.status is not None:
            detail.append(f"HTTP {self.status}")
        if self.error_type:
            detail.append(self.error_type)
        if detail:
            text = f"{text} ({', '.join(detail)})"
        return text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._text!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), dict(self.__dict__)))


class AuthError(DailyError):
    """The token is missing, wrong or not allowed to do this (401/403, auth error types)."""


class NotFound(DailyError):
    """The team, room, user, meeting or webhook does not exist (404, `not-found`)."""


class InvalidRequest(DailyError):
    """Daily refused the request as malformed or conflicting (400 and friends)."""


class InvalidInput(InvalidRequest):
    """Local validation refused the input before any HTTP; `.field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class RateLimited(DailyError):
    """429 after the retries were spent; `.retry_after` (seconds) when Daily said so."""

    default_retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class Unavailable(DailyError):
    """Daily could not be reached or answered with something that is not its API.

    5xx, timeouts, connection errors, redirects, non-JSON bodies. Retrying later may help.
    """

    default_retryable = True


class ParseError(Unavailable):
    """A successful answer whose JSON has the wrong shape (a required field missing, etc.).

    A subclass of `Unavailable` because, to the person using the dashboard, it is the same
    thing: Daily did not give a usable answer. Not retryable: the same request would most
    likely get the same body.
    """

    default_retryable = False


class WindowOverflow(DailyError):
    """A domains meetings window of one minute or less still reports `moreResults`.

    The original API cannot list more than 100 meetings per call and cannot be split below
    its one-minute time accuracy, so the listing would be incomplete. We refuse to truncate.
    """

    def __init__(
        self, message: str, *, start: Any = None, end: Any = None, room: str | None = None
    ):
        self.start = start
        self.end = end
        self.room = room
        super().__init__(message)


class Unsupported(DailyError):
    """The team's dialect has no such call; raised before any HTTP. `.capability` says which."""

    def __init__(self, message: str, *, capability: str | None = None) -> None:
        self.capability = capability
        super().__init__(message)


# Reference: docs.daily.co/docs/rest-api/errors, whose example is exactly this answer:
# `{"error": "invalid-request-error", "info": "bad Authorization header format"}`. Daily
# types a malformed header as a bad request, yet for the person it is the credentials
# that are wrong, so it becomes an AuthError. The one place `info` is read: the type
# alone cannot tell this answer from any other refused request.
BAD_AUTHORIZATION_HEADER = "bad Authorization header format"


def bad_authorization_header(error: DailyError) -> bool:
    return (
        isinstance(error, InvalidRequest)
        and error.status == 400
        and error.error_type == "invalid-request-error"
        and error.message.strip().lower() == BAD_AUTHORIZATION_HEADER.lower()
    )


def as_auth_error(error: DailyError) -> AuthError:
    """The same answer, as the credentials problem it is (status, type and path kept)."""
    return AuthError(
        error.message,
        status=error.status,
        error_type=error.error_type,
        method=error.method,
        path=error.path,
    )
