"""Facts about a team's whole synced history, cached between writes.

The rooms that have had a meeting (the suggestions and the check of the reports' room
filter) and the number of identified people seen: each is a DISTINCT over the whole
history (tens to hundreds of milliseconds for a large team) that would otherwise run on
every view. They are cached, and forgotten whenever meetings or sessions are written
(`forget`, after the writing transaction commits), so they are never older than the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from attendance.models import Attendance, Meeting
from teams.models import Team

T = TypeVar("T")
_FACTS = ("rooms", "people")


def _key(team_id: int, what: str) -> str:
    return f"attendance:known:{team_id}:{what}"


def _cached(team: Team, what: str, compute: Callable[[], T]) -> T:
    value = cache.get(_key(team.pk, what))
    if value is None:
        value = compute()
        cache.set(_key(team.pk, what), value, settings.ATTENDANCE_KNOWN_CACHE_SECONDS)
    return value


def rooms(team: Team) -> list[str]:
    """Rooms with at least one synced meeting, sorted."""
    return _cached(
        team,
        "rooms",
        lambda: list(
            Meeting.objects.filter(team=team)
            .order_by("room")
            .values_list("room", flat=True)
            .distinct()
        ),
    )


def people_count(team: Team) -> int:
    """Identified people (emails, token user ids) seen in any meeting; guests not counted."""
    return _cached(
        team,
        "people",
        lambda: (
            Attendance.objects.filter(team=team, is_guest=False)
            .values("identity")
            .distinct()
            .count()
        ),
    )


def forget(team_id: int) -> None:
    cache.delete_many([_key(team_id, what) for what in _FACTS])
