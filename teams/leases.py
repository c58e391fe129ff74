"""One worker at a time per team for a walk of Daily's lists: a lease on the team's row.

A lease is a `lease_until` column on a per-team row (the rooms mirror's, the recordings
mirror's), taken with one conditional UPDATE, which is atomic on every database Django
supports: PostgreSQL in production and SQLite in the embedded set-up alike, and it survives
a Redis restart. Its own expiry time is its token: only the holder knows it, so renewing
with `lease_until=<ours>` fails once another run took the row after ours lapsed. The holder
renews as it makes progress (within the transaction that stores each page); a killed worker
stops renewing and its lease lapses after `ttl`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone

import daily
from teams.models import Team

# Only errors that a later attempt can cure are retried; an authentication error stops (it
# shows on the page the walk fills) until an owner fixes the token.
RETRYABLE = (daily.RateLimited, daily.Unavailable)

# Celery options of a task that walks one of Daily's lists for one team: acknowledged only
# once done (a killed worker's walk is delivered again and resumes from its checkpoint), and
# retried with backoff while Daily is busy or unreachable.
WALK_TASK: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": 15,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 25 * 60,
    "time_limit": 30 * 60,
}


def connected_team(team_id: int) -> Team | None:
    """The team a walk is for, or None once it is gone or has no token to walk with."""
    return Team.objects.filter(pk=team_id).exclude(token_encrypted="").first()


class LeaseLost(Exception):
    """Another worker took the team's row after our lease lapsed."""


class Lease:
    """Subclasses name the `model` (with `team` and `lease_until`) and what it guards."""

    model: type[Model]
    what = "background work"

    def __init__(self, team: Team, ttl: timedelta) -> None:
        self.team = team
        self.ttl = ttl
        self.until: datetime | None = None

    def _rows(self):  # a QuerySet of the team's one row
        return self.model._default_manager.filter(team=self.team)

    def acquire(self) -> bool:
        self.model._default_manager.get_or_create(team=self.team)
        now = timezone.now()
        until = now + self.ttl
        taken = (
            self._rows()
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=until)
        )
        self.until = until if taken == 1 else None
        return self.until is not None

    def renew(self) -> None:
        """Within the caller's transaction: a page is stored only while the lease is ours."""
        until = timezone.now() + self.ttl
        renewed = self._rows().filter(lease_until=self.until).update(lease_until=until)
        if renewed != 1:
            self.until = None
            raise LeaseLost(f"The {self.what} of {self.team} was taken over by another run.")
        self.until = until

    def release(self) -> None:
        if self.until is not None:
            self._rows().filter(lease_until=self.until).update(lease_until=None)
            self.until = None
