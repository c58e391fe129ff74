"""One sync at a time per team: a lease in the database.

A lease is taken with one conditional UPDATE, which is atomic on every
database Django supports, so the same mechanism serves PostgreSQL in
production and SQLite in the embedded set-up, and survives a Redis restart.
The holder renews it as it makes progress; a killed worker stops renewing and
its lease lapses after `ttl`, so the next run goes ahead without waiting for
the task's whole time limit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from attendance.models import SyncState
from teams.models import Team


class LeaseLost(Exception):
    """Another run took the lease after ours lapsed."""


class TeamLease:
    def __init__(self, team: Team, ttl: timedelta | None = None) -> None:
        self.team = team
        self.ttl = ttl or timedelta(seconds=settings.DAILY_SYNC_LEASE_SECONDS)
        self.token = secrets.token_hex(16)
        self.held = False

    def acquire(self) -> bool:
        SyncState.objects.get_or_create(team=self.team)
        now = timezone.now()
        taken = (
            SyncState.objects.filter(team=self.team)
            .filter(Q(lock_expires__isnull=True) | Q(lock_expires__lt=now))
            .update(lock_token=self.token, lock_expires=now + self.ttl)
        )
        self.held = taken == 1
        return self.held

    def renew(self) -> None:
        renewed = SyncState.objects.filter(team=self.team, lock_token=self.token).update(
            lock_expires=timezone.now() + self.ttl
        )
        if renewed != 1:
            self.held = False
            raise LeaseLost(f"The sync lease of {self.team} was taken over by another run.")

    def release(self) -> None:
        if self.held:
            SyncState.objects.filter(team=self.team, lock_token=self.token).update(
                lock_token="", lock_expires=None
            )
            self.held = False

    def __enter__(self) -> TeamLease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
