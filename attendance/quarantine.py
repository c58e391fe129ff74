"""Bad values never block a team: text is sanitised, and what still fails is quarantined.

Daily's strings are not ours to trust: a guest chooses their own name (a NUL character
in it makes PostgreSQL refuse the whole batch), and ids or rooms can be longer than
their columns. `clean` makes every string the sync writes storable. A meeting that still
cannot be stored (a number out of range, a value a column refuses) is recorded here as a
`QuarantinedMeeting` of the run, with the error and a short summary of what Daily said;
the rest of its batch is stored and the sync goes on (attendance.sync.write_batch).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db import DataError, IntegrityError
from django.utils import timezone

import daily
from attendance.models import QuarantinedMeeting, SyncRun
from teams.models import Team

# What one meeting's values can make the database (or the values' building) refuse. Other
# errors (the connection, a lock, the lease) are not the meeting's fault: they fail the run.
UNSTORABLE: tuple[type[BaseException], ...] = (DataError, IntegrityError, ValueError, TypeError)
try:  # psycopg's own errors reach us unwrapped from the COPY of attendance.sync
    import psycopg

    UNSTORABLE += (psycopg.DataError, psycopg.IntegrityError)
except ImportError:  # pragma: no cover - SQLite-only installs
    pass

SUMMARY_TEXT = 200  # characters of any one string in a quarantined meeting's summary
SUMMARY_PARTICIPANTS = 5


def clean(value: object, size: int) -> str:
    """`value` as a string any database stores: NUL removed, lone surrogates replaced
    (they cannot be encoded as UTF-8), clipped to `size` characters."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:size]


def _short(value: object) -> Any:
    """A value for the summary's JSON: numbers as they are, the rest as short clean text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return clean(value, SUMMARY_TEXT)


def summary(meeting: daily.Meeting) -> dict[str, Any]:
    participants = list(getattr(meeting, "participants", None) or [])
    fields = ("upstream_id", "end", "ongoing", "duration", "max_participants")
    result: dict[str, Any] = {f: _short(getattr(meeting, f, None)) for f in fields}
    result["participants"] = len(participants)
    result["first_participants"] = [
        {
            f: _short(getattr(p, f, None))
            for f in ("session_key", "user_id", "user_name", "email", "join", "leave", "duration")
        }
        for p in participants[:SUMMARY_PARTICIPANTS]
    ]
    return result


def quarantine(run: SyncRun, team: Team, meeting: daily.Meeting, exc: BaseException) -> str:
    """Record `meeting` as refused by the database, on `run`; answer its key.

    One row per meeting: refused again by a later run (an ongoing meeting is revisited by
    every run), the row tells the latest refusal.
    """
    start = getattr(meeting, "start", None)
    key = clean(getattr(meeting, "key", ""), 255)
    QuarantinedMeeting.objects.update_or_create(
        team=team,
        key=key,
        defaults={
            "run": run,
            "room": clean(getattr(meeting, "room", ""), 128),
            "start": start if isinstance(start, datetime) and start.tzinfo is not None else None,
            "error_type": clean(type(exc).__name__, 64),
            "error": clean(str(exc), 2000) or "The database refused this meeting.",
            "summary": summary(meeting),
            "created_at": timezone.now(),
        },
    )
    run.quarantined += 1
    return key


def release(team: Team, keys: set[str]) -> None:
    """These meetings are stored now (a later sync wrote them): no longer set aside."""
    if keys:
        QuarantinedMeeting.objects.filter(team=team, key__in=keys).delete()
