"""The one HTTP layer: session, headers, timeouts, retries, error mapping, logging.

Retry policy (one place, like stripe-python's):
- GET and DELETE are idempotent: retried on connection errors, timeouts and 5xx, with
  capped exponential backoff and full jitter (`random() * min(cap, base * 2**attempt)`).
- 429 is retried for every method, POST included: a rate-limited request was not
  performed. `Retry-After` (seconds or an HTTP date) is honoured; a wait longer than
  `MAX_RETRY_AFTER` is not slept through in a web request but raised as `RateLimited`
  with `.retry_after`, so a task can reschedule itself.
- A POST is never retried after a timeout, a connection error or a 5xx: it may have
  created something, and a retry could create it twice. A POST that only reads (the
  domains `meetings` call) says so with `idempotent=True` and is retried like a GET.
- With a `Pacer` (daily/pacing.py), every attempt first takes a slot under Daily's
  documented rate limit, shared by all of the team's work; a 429 then holds the whole
  bucket back instead of sleeping this request alone.

Observers (daily/observers.py): every attempt is reported, after it ends, to the
callables registered with `add_observer`; this layer knows no metrics library.

Secrets: the token lives only in the request headers. Log lines and error messages name
the method and the path (with secret segments replaced by the caller), nothing else, and
any echo of the token in Daily's error text is redacted.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from daily.errors import (
    AuthError,
    DailyError,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unavailable,
)
from daily.hosts import ADDRESS_REFUSED, AddressRefused, HostNotAllowed, HostPolicy, guard_session
from daily.observers import notify
from daily.pacing import Pacer
from daily.timeutil import utcnow

log = logging.getLogger("daily")

IDEMPOTENT_METHODS = frozenset({"GET", "DELETE"})
MAX_RETRY_AFTER = 60.0
MAX_MESSAGE_LENGTH = 300
REDACTED = "[redacted]"
REFUSED = "refused by the host policy"  # _send_once's failure for AddressRefused

# REST error types (`{"error": "<type>", "info": "<text>"}`), matched exactly.
ERROR_TYPES: Mapping[str, type[DailyError]] = {
    "authentication-error": AuthError,
    "authorization-header-error": AuthError,
    "forbidden-error": AuthError,
    "not-found": NotFound,
    "invalid-request-error": InvalidRequest,
    "json-parsing-error": InvalidRequest,
    "rate-limit-error": RateLimited,
    "server-error": Unavailable,
}

_STATUS_MESSAGES: Mapping[type[DailyError], str] = {
    AuthError: "Daily did not accept the API token for this request.",
    NotFound: "Daily does not know this resource.",
    InvalidRequest: "Daily refused the request.",
    RateLimited: "Daily is rate limiting this team; try again shortly.",
    Unavailable: "Daily is unavailable right now.",
}


@dataclass(frozen=True)
class Reply:
    """A decoded answer: the status and the JSON body (None for an empty body)."""

    status: int
    data: Any


def class_for_status(status: int) -> type[DailyError]:
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFound
    if status == 429:
        return RateLimited
    if 400 <= status < 500:
        return InvalidRequest
    return Unavailable


def parse_retry_after(value: str | None, now: Callable[[], datetime] = utcnow) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


class Transport:
    """One requests.Session per client, with the retry policy of the module docstring."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        user_agent: str,
        timeout: tuple[float, float] = (3.05, 10.0),
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        sleep: Callable[[float], object] = time.sleep,
        session: requests.Session | None = None,
        random_fn: Callable[[], float] = random.random,
        clock: Callable[[], datetime] = utcnow,
        pacer: Pacer | None = None,
        label: str = "",
        host_policy: HostPolicy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.label = label  # the team, for observers (daily/observers.py)
        self.pacer = pacer
        self._token = token
        self._timeout = timeout
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._random = random_fn
        self._clock = clock
        # A session passed in belongs to the caller: we neither close it nor store our
        # Authorization header on it (headers go with each request instead).
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self.host_policy = host_policy
        if host_policy is not None:
            # Checked before anything is sent, then again for every address connected to
            # (daily/hosts.py); a session passed in is guarded too.
            host_policy.check_url(self.base_url)
            guard_session(self._session, host_policy)
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent,
        }

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def backoff(self, attempt: int) -> float:
        return self._random() * min(self._backoff_cap, self._backoff_base * (2**attempt))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        display_path: str | None = None,
        accept: Iterable[int] = (),
        secrets: Iterable[str] = (),
        idempotent: bool | None = None,
    ) -> Reply:
        """Send with retries; return a Reply for 2xx (or a status in `accept`), else raise.

        `path` must already be built from validated, percent-encoded segments.
        `display_path` replaces `path` in logs and errors when the path holds a secret.
        `idempotent` overrides the method's default (a POST that only reads).
        """
        shown = display_path or path
        # The token is added by redact() itself: no local of this frame holds it.
        secret_list = list(secrets)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        started = time.monotonic()
        attempt = 0
        while True:
            if self.pacer is not None:
                self.pacer.before(method, shown)
            sent = time.monotonic()
            response, failure, transient = self._send_once(method, path, params, json_body)
            notify(
                method,
                shown,
                None if response is None else response.status_code,
                time.monotonic() - sent,
                self.label,
            )
            if failure == REFUSED:
                log.warning("%s %s refused: the address is not allowed", method, shown)
                raise HostNotAllowed(ADDRESS_REFUSED, method=method, path=shown)
            if response is None:
                if transient and idempotent and attempt < self._max_retries:
                    self._wait(method, shown, failure, self.backoff(attempt), attempt)
                    attempt += 1
                    continue
                log.warning("%s %s %s after %d retries", method, shown, failure, attempt)
                raise Unavailable(f"Daily {failure}.", method=method, path=shown)

            status = response.status_code
            retry_after = None
            if status == 429:
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock)
                if attempt < self._max_retries and (
                    retry_after is None or retry_after <= MAX_RETRY_AFTER
                ):
                    delay = self.backoff(attempt) if retry_after is None else retry_after
                    if self.pacer is not None:
                        # The next slot of the whole bucket moves back: this request and
                        # every other of the team's wait there.
                        log.warning(
                            "%s %s was rate limited (429); bucket held %.2f s", method, shown, delay
                        )
                        self.pacer.rate_limited(method, shown, delay)
                    else:
                        self._wait(method, shown, "was rate limited (429)", delay, attempt)
                    attempt += 1
                    continue
            elif status >= 500 and idempotent and attempt < self._max_retries:
                self._wait(method, shown, f"answered {status}", self.backoff(attempt), attempt)
                attempt += 1
                continue
            break

        elapsed_ms = (time.monotonic() - started) * 1000
        level = logging.DEBUG if 200 <= status < 300 else logging.WARNING
        log.log(
            level, "%s %s -> %d in %.0f ms (%d retries)", method, shown, status, elapsed_ms, attempt
        )

        ok = 200 <= status < 300
        data, decoded = self._decode(response)
        if ok or status in accept:
            if ok and not decoded:
                raise Unavailable(
                    "Daily answered with a body that is not JSON.",
                    status=status,
                    method=method,
                    path=shown,
                )
            return Reply(status=status, data=data)
        raise self.error_for(
            method, shown, status, data, retry_after=retry_after, secrets=secret_list
        )

    def _send_once(
        self, method: str, path: str, params: Mapping[str, Any] | None, json_body: Any
    ) -> tuple[requests.Response | None, str, bool]:
        """One attempt: (response, failure text, transient?). Never raises requests errors."""
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                headers=self._headers,
                timeout=self._timeout,
                # An API has no business redirecting; following one could carry the
                # request somewhere unexpected. A 3xx becomes Unavailable below.
                allow_redirects=False,
            )
        except AddressRefused:
            return None, REFUSED, False
        except requests.exceptions.Timeout:
            return None, "did not answer in time", True
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
            return None, "could not be reached", True
        except requests.exceptions.RequestException as exc:
            # Only the class name: the text of some requests errors quotes headers.
            return None, f"request failed ({type(exc).__name__})", False
        return response, "", False

    def retry_later(self, method: str, shown: str, what: str, attempt: int) -> bool:
        """For a caller that found a transient failure inside a 2xx answer (the domains
        dialect's errors in 200) of an idempotent call: wait the backoff of `attempt` and
        answer True, or answer False when the retries are used up."""
        if attempt >= self._max_retries:
            return False
        self._wait(method, shown, what, self.backoff(attempt), attempt)
        return True

    def _wait(self, method: str, shown: str, what: str, delay: float, attempt: int) -> None:
        log.warning(
            "%s %s %s; retry %d of %d in %.2f s",
            method,
            shown,
            what,
            attempt + 1,
            self._max_retries,
            delay,
        )
        self._sleep(delay)

    @staticmethod
    def _decode(response: requests.Response) -> tuple[Any, bool]:
        """(data, decoded). An empty body decodes to None; non-JSON is (None, False)."""
        content = response.content
        if not content or content.isspace():  # isspace() stops at the first other byte
            return None, True
        try:
            return json.loads(content), True
        except (ValueError, RecursionError):
            return None, False

    def redact(self, text: str, secrets: Iterable[str] = ()) -> str:
        for secret in (self._token, *secrets):
            # Very short "secrets" would mangle ordinary words; real tokens are long.
            if secret and len(secret) >= 6:
                text = text.replace(secret, REDACTED)
        if len(text) > MAX_MESSAGE_LENGTH:
            text = text[:MAX_MESSAGE_LENGTH] + "…"
        return text

    def error_for(
        self,
        method: str,
        shown: str,
        status: int,
        data: Any,
        *,
        retry_after: float | None = None,
        secrets: Iterable[str] = (),
    ) -> DailyError:
        """Map a non-2xx answer to the hierarchy: REST `error` type first, then status."""
        error_type: str | None = None
        info: str | None = None
        if isinstance(data, dict):
            raw_error = data.get("error")
            if isinstance(raw_error, str) and raw_error:
                error_type = raw_error
                raw_info = data.get("info")
                info = raw_info if isinstance(raw_info, str) and raw_info.strip() else None
            elif isinstance(raw_error, dict):
                # The domains dialect's shape, seen here only on a non-200.
                message = raw_error.get("message")
                info = message if isinstance(message, str) and message.strip() else None
        if 300 <= status < 400:
            cls: type[DailyError] = Unavailable
            info = "Daily answered with an unexpected redirect."
        else:
            cls = ERROR_TYPES.get(error_type or "") or class_for_status(status)
        message = self.redact(info, secrets) if info else _STATUS_MESSAGES[cls]
        if error_type is not None:
            error_type = self.redact(error_type, secrets)[:64]
        kwargs: dict[str, Any] = {
            "status": status,
            "error_type": error_type,
            "method": method,
            "path": shown,
        }
        if cls is RateLimited:
            return RateLimited(message, retry_after=retry_after, **kwargs)
        return cls(message, **kwargs)
