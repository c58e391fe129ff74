"""Daily's words on the rooms pages, in the reader's language (docs/operations.md, "Languages").

`daily` is the lowest layer, a client that also speaks to the worker, the management commands
and the audit log, all in English, and it keeps no catalog: its sentences stay English there.
The rooms pages translate the ones they show here, where they are shown: Daily's privacy
words (`privacy_word`), and the refusals of `daily.validation` a rooms form shows next to its
field (`refusal`), matched by their English text (a sentence not listed here is shown as
Daily's client wrote it, in English). The bulk pages keep their rooms' outcomes stored in
English (`BulkItem.message`, like the audit log) and show them through `outcome`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext, pgettext_lazy

from daily import InvalidInput, Privacy

# Daily's privacy words (`Privacy.label`, English) as the pages show them.
PRIVACY_WORDS = {
    Privacy.PUBLIC: pgettext_lazy("room privacy", "public"),
    Privacy.TEAM: pgettext_lazy("room privacy", "team"),
    Privacy.PRIVATE: pgettext_lazy("room privacy", "private"),
}
NOT_REPORTED = pgettext_lazy("room privacy", "not reported")


def privacy_word(value: object) -> str:
    """A privacy (a Privacy, its wire value, or its English label as stored by a bulk job)
    in the reader's language; "not reported" for none."""
    if value in (None, ""):
        return str(NOT_REPORTED)
    if value == "not reported":
        return str(NOT_REPORTED)
    try:
        return str(PRIVACY_WORDS[Privacy.parse(value)])
    except (ValueError, KeyError):
        return str(value)


def number(value: int) -> str:
    """A count with the language's thousands separator: 12,300 or 12.300."""
    return number_format(value, force_grouping=True)


# The refusals of daily.validation a rooms form can show, each marked for the catalog.
_FIXED = (
    gettext_noop("Enter a room name."),
    gettext_noop("Room names may only contain letters, digits, '-' and '_'."),
    gettext_noop("A user id must be a non-empty text."),
    gettext_noop("This value is required."),
    gettext_noop("This value is not allowed."),
    gettext_noop("This value must not contain spaces or control characters."),
    gettext_noop("A meeting token must name its room."),
    gettext_noop("A recordings bucket needs a bucket name, a region and a role ARN."),
    gettext_noop("Choose a language code such as en or de."),
    gettext_noop("Choose yes or no."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Room properties are not valid."),
    gettext_noop("SIP settings are not valid."),
    gettext_noop("The SIP display name must not be empty."),
    gettext_noop("The expiry time is in the past."),
    gettext_noop("The number of SIP endpoints must be at least 1."),
    gettext_noop("The recordings bucket is not valid."),
    gettext_noop("The start time must be before the expiry time."),
    gettext_noop("The user name must be text."),
    gettext_noop("Token properties are not valid."),
)


def _together(m: re.Match[str]) -> str:
    return (
        gettext(
            "Team name and room name together must be %(limit)s characters or fewer "
            "(team %(team)s + room %(room)s = %(total)s)."
        )
        % m.groupdict()
    )


def _room_length(m: re.Match[str]) -> str:
    return gettext("Room names must be %(limit)s characters or fewer (this one has %(n)s).") % (
        m.groupdict()
    )


def _user_id_length(m: re.Match[str]) -> str:
    limit = int(m["limit"])
    return ngettext(
        "A user id may be at most %(limit)s character long.",
        "A user id may be at most %(limit)s characters long.",
        limit,
    ) % {"limit": limit}


def _privacy_choices(m: re.Match[str]) -> str:
    words = ", ".join(privacy_word(label.strip()) for label in m["labels"].split(","))
    return gettext("Privacy must be one of: %(labels)s.") % {"labels": words}


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"Team name and room name together must be (?P<limit>\d+) characters or fewer "
            r"\(team (?P<team>\d+) \+ room (?P<room>\d+) = (?P<total>\d+)\)\."
        ),
        _together,
    ),
    (
        re.compile(
            r"Room names must be (?P<limit>\d+) characters or fewer \(this one has (?P<n>\d+)\)\."
        ),
        _room_length,
    ),
    (re.compile(r"A user id may be at most (?P<limit>\d+) characters long\."), _user_id_length),
    (re.compile(r"Privacy must be one of: (?P<labels>[a-z, ]+)\."), _privacy_choices),
)


def refusal(exc: InvalidInput | str) -> str:
    """A refusal of daily.validation in the reader's language (as written when unknown)."""
    message = exc.message if isinstance(exc, InvalidInput) else str(exc)
    if message in _FIXED:
        return gettext(message)
    for pattern, translate in _PATTERNS:
        if m := pattern.fullmatch(message):
            return translate(m)
    return message


# What a bulk job stores for a room (English, as the audit log): shown translated.
_OUTCOMES = (
    gettext_noop("Done."),
    gettext_noop("Deleted."),
    gettext_noop("Deleted (by the attempt the stopped worker had sent)."),
    gettext_noop("Cancelled before this room."),
    gettext_noop("Not attempted: the job stopped."),
    gettext_noop("Stopped while Daily was being asked: check this room."),
    gettext_noop("The person who started this job no longer has an account."),
)
_NOW = re.compile(r"Now (?P<privacy>[a-z]+)\.")
_SLOW_DOWN = re.compile(r"Daily asked us to slow down; continuing in (?P<n>\d+) s\.")
_NO_LONGER = re.compile(r"(?P<user>.+) may no longer change this team's rooms\.")


def outcome(message: str) -> str:
    """A bulk job's stored sentence (a room's outcome, the job's notice or its reason to
    stop) in the reader's language; Daily's own words as they came."""
    if message in _OUTCOMES:
        return gettext(message)
    if m := _NOW.fullmatch(message):
        return pgettext("bulk outcome", "Now %(privacy)s.") % {
            "privacy": privacy_word(m["privacy"])
        }
    if m := _SLOW_DOWN.fullmatch(message):
        return gettext("Daily asked us to slow down; continuing in %(n)s s.") % {"n": m["n"]}
    if m := _NO_LONGER.fullmatch(message):
        return gettext("%(user)s may no longer change this team's rooms.") % {"user": m["user"]}
    return message
