"""Daily's failures in plain words for the pages (never a token, never a traceback)."""

from __future__ import annotations

from django.utils.translation import ngettext

from daily import (
    AuthError,
    DailyError,
    HostNotAllowed,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unavailable,
    Unsupported,
)
from teams.models import Team

TRY_AGAIN = "Try again in a moment."


def describe(exc: DailyError, team: Team | None = None) -> str:
    """One or two sentences saying what went wrong and what a person can do about it."""
    if isinstance(exc, AuthError):
        return (
            "Authentication failed: Daily refused the API token. "
            "Check the token in the team settings."
        )
    if isinstance(exc, RateLimited):
        wait = "a moment"
        if exc.retry_after:
            seconds = max(round(exc.retry_after), 1)
            wait = f"about {seconds} {ngettext('second', 'seconds', seconds)}"
        return f"Daily is limiting the rate of requests. Try again in {wait}."
    if isinstance(exc, HostNotAllowed):
        # Nothing was sent: no answer of that host to show, and no hint of what listens there.
        if exc.method:  # refused at connect time: the listed name resolved to such an address
            return (
                "Nothing was sent: the API host resolves to an address that is not public, "
                "which this dashboard reaches only when its operator lists that address "
                "(DAILY_API_HOSTS)."
            )
        return (
            "Nothing was sent: the team's API base URL is not on this dashboard's list of "
            "allowed API hosts (DAILY_API_HOSTS). An owner can correct it in the team settings."
        )
    if isinstance(exc, NotFound):
        return f"Daily does not know this: {exc.message}"
    if isinstance(exc, Unsupported):
        return exc.message
    if isinstance(exc, Unavailable):
        return _unavailable(exc, team)
    if isinstance(exc, InvalidRequest):
        return f"Daily refused the request: {exc.message}"
    return f"Daily answered with an error: {exc.message}"


def for_background(exc: DailyError, team: Team | None = None) -> str:
    """`describe` for what the worker does and retries by itself (a sync, a refresh of the
    rooms): the failure in words, without asking the reader to try again."""
    return describe(exc, team).removesuffix(f" {TRY_AGAIN}")


def _unavailable(exc: Unavailable, team: Team | None) -> str:
    """Said once: the service layer's own words ("Daily could not be reached.", "Daily did
    not answer in time.") become the sentence's verb, instead of being quoted after
    another "could not reach"."""
    where = f" at {team.base_url}" if team is not None else ""
    message = exc.message.strip().rstrip(".")
    failed = "Daily request failed"
    if message.startswith(failed):  # "Daily request failed (SSLError)"
        said = f"The request to the Daily API{where} failed{message[len(failed) :]}"
    elif message.startswith("Daily "):  # "Daily could not be reached", "Daily did not answer…"
        said = f"The Daily API{where} {message[len('Daily ') :]}"
    else:
        said = f"The Daily API{where} did not give a usable answer ({message})"
    return f"{said}. {TRY_AGAIN}"
