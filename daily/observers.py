"""Observers of the HTTP layer: every attempt at a request, reported when it ends.

This layer knows no metrics library: the application registers a callable with
`add_observer` (teams/metrics.py counts with prometheus-client) and receives a `Call`
(method, route template, status, outcome, seconds) for every attempt, retries included.
An observer that raises is logged and ignored: counting never breaks a call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("daily")

# Path segments that are the API's own words; any other segment (a team, a room name, an
# email, an id) becomes "{id}" in a route, so routes are few whatever the data.
ROUTE_WORDS = frozenset(
    {
        "domains",
        "by-name",
        "room",
        "rooms",
        "user",
        "users",
        "meetings",
        "participants",
        "meeting-tokens",
        "presence",
        "webhooks",
        "batch",
        "eject",
        "recordings",
        "logs",
    }
)


@dataclass(frozen=True)
class Call:
    """One attempt at a request, as reported to observers. `status` is None when Daily
    could not be reached or did not answer in time; `outcome` is one of `ok`,
    `rate_limited`, `client_error`, `server_error`, `redirect`, `unreachable`."""

    method: str
    route: str
    status: int | None
    outcome: str
    seconds: float
    team: str = ""  # the Daily team or domain the client was made for, when given


_observers: list[Callable[[Call], object]] = []


def add_observer(observer: Callable[[Call], object]) -> None:
    """Report every attempt from now on to `observer` (once, however often it is added)."""
    if observer not in _observers:
        _observers.append(observer)


def remove_observer(observer: Callable[[Call], object]) -> None:
    if observer in _observers:
        _observers.remove(observer)


def route_of(path: str) -> str:
    """The route template of a request path: `/rooms/standup/eject` -> `/rooms/{id}/eject`."""
    segments = path.split("?", 1)[0].strip("/").split("/")
    if segments == [""]:
        return "/"
    return "/" + "/".join(s if s in ROUTE_WORDS else "{id}" for s in segments)


def outcome_of(status: int | None) -> str:
    if status is None:
        return "unreachable"
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "rate_limited"
    if 300 <= status < 400:
        return "redirect"
    if 400 <= status < 500:
        return "client_error"
    return "server_error"


def notify(method: str, shown: str, status: int | None, seconds: float, team: str = "") -> None:
    if not _observers:
        return
    call = Call(method, route_of(shown), status, outcome_of(status), seconds, team)
    for observer in list(_observers):
        try:
            observer(call)
        except Exception:  # an observer's failure must never become the call's
            log.exception("an observer of Daily calls failed")
