"""Daily's failures in plain words for the pages (never a token, never a traceback)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop, ngettext

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

# In the active language: the pages' reader's, or English in the worker.
TRY_AGAIN = gettext_noop("Try again in a moment.")


def describe(exc: DailyError, team: Team | None = None) -> str:
    """One or two sentences saying what went wrong and what a person can do about it."""
    if isinstance(exc, AuthError):
        return gettext(
            "Authentication failed: Daily refused the API token. "
            "Check the token in the team settings."
        )
    if isinstance(exc, RateLimited):
        if exc.retry_after:
            seconds = max(round(exc.retry_after), 1)
            return ngettext(
                "Daily is limiting the rate of requests. Try again in about %(seconds)d second.",
                "Daily is limiting the rate of requests. Try again in about %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        return gettext("Daily is limiting the rate of requests. Try again in a moment.")
    if isinstance(exc, HostNotAllowed):
        # Nothing was sent: no answer of that host to show, and no hint of what listens there.
        if exc.method:  # refused at connect time: the listed name resolved to such an address
            return gettext(
                "Nothing was sent: the API host resolves to an address that is not public, "
                "which this dashboard reaches only when its operator lists that address "
                "(DAILY_API_HOSTS)."
            )
        return gettext(
            "Nothing was sent: the team's API base URL is not on this dashboard's list of "
            "allowed API hosts (DAILY_API_HOSTS). An owner can correct it in the team settings."
        )
    if isinstance(exc, NotFound):
        return gettext("Daily does not know this: %(message)s") % {"message": exc.message}
    if isinstance(exc, Unsupported):
        return exc.message
    if isinstance(exc, Unavailable):
        return _unavailable(exc, team)
    if isinstance(exc, InvalidRequest):
        return gettext("Daily refused the request: %(message)s") % {"message": exc.message}
    return gettext("Daily answered with an error: %(message)s") % {"message": exc.message}


def for_background(exc: DailyError, team: Team | None = None) -> str:
    """`describe` for what the worker does and retries by itself (a sync, a refresh of the
    rooms): the failure in words, without asking the reader to try again."""
    return describe(exc, team).removesuffix(f" {gettext(TRY_AGAIN)}")


# The service layer's failures (daily/http.py) that have words of their own here: without
# the team's address, and with it.
UNAVAILABLE = {
    "Daily could not be reached": (
        gettext_noop("The Daily API could not be reached"),
        gettext_noop("The Daily API at %(url)s could not be reached"),
    ),
    "Daily did not answer in time": (
        gettext_noop("The Daily API did not answer in time"),
        gettext_noop("The Daily API at %(url)s did not answer in time"),
    ),
    "Daily answered with a body that is not JSON": (
        gettext_noop("The Daily API answered with a body that is not JSON"),
        gettext_noop("The Daily API at %(url)s answered with a body that is not JSON"),
    ),
}


def _unavailable(exc: Unavailable, team: Team | None) -> str:
    """Said once: the service layer's own words ("Daily could not be reached.", "Daily did
    not answer in time.") become the sentence's verb, instead of being quoted after
    another "could not reach"."""
    message = exc.message.strip().rstrip(".")
    failed = "Daily request failed"
    if message.startswith(failed):  # "Daily request failed (SSLError)"
        reason = message[len(failed) :].strip()
        if team is not None:
            said = gettext("The request to the Daily API at %(url)s failed %(reason)s")
        else:
            said = gettext("The request to the Daily API failed %(reason)s")
        said = said % {"url": team.base_url if team else "", "reason": reason}
    elif message in UNAVAILABLE:  # "Daily could not be reached", "Daily did not answer…"
        if team is not None:
            said = gettext(UNAVAILABLE[message][1]) % {"url": team.base_url}
        else:
            said = gettext(UNAVAILABLE[message][0])
    elif message.startswith("Daily "):  # the service layer's words, untranslated
        where = f" at {team.base_url}" if team is not None else ""
        said = f"The Daily API{where} {message[len('Daily ') :]}"
    else:
        if team is not None:
            said = gettext("The Daily API at %(url)s did not give a usable answer (%(message)s)")
        else:
            said = gettext("The Daily API did not give a usable answer (%(message)s)")
        said = said % {"url": team.base_url if team else "", "message": message}
    return f"{said.rstrip()}. {gettext(TRY_AGAIN)}"
