"""Daily's failures in plain words for the pages (never a token, never a traceback)."""

from __future__ import annotations

from daily import (
    AuthError,
    DailyError,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unavailable,
    Unsupported,
)
from teams.models import Team


def describe(exc: DailyError, team: Team | None = None) -> str:
    """One or two sentences saying what went wrong and what a person can do about it."""
    if isinstance(exc, AuthError):
        return (
            "Authentication failed: Daily refused the API token. "
            "Check the token in the team settings."
        )
    if isinstance(exc, RateLimited):
        wait = f" about {round(exc.retry_after)} seconds" if exc.retry_after else " a moment"
        return f"Daily is limiting the rate of requests. Try again in{wait}."
    if isinstance(exc, NotFound):
        return f"Daily does not know this: {exc.message}"
    if isinstance(exc, Unsupported):
        return exc.message
    if isinstance(exc, Unavailable):
        where = f" at {team.base_url}" if team is not None else ""
        return f"Could not reach the Daily API{where} ({exc.message}). Try again in a moment."
    if isinstance(exc, InvalidRequest):
        return f"Daily refused the request: {exc.message}"
    return f"Daily answered with an error: {exc.message}"
