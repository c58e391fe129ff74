"""Celery tasks: thin wrappers around attendance.sync (ids in, retries, scheduling)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

import daily
from attendance import alerts, sync
from attendance.models import SyncOutcome, SyncRun, SyncState, SyncTrigger
from teams.models import Team

log = logging.getLogger(__name__)

# Only errors that a later attempt can cure are retried; an authentication
# error stops and shows on the team page until an owner fixes the token.
RETRYABLE = (daily.RateLimited, daily.Unavailable)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=15,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def sync_team_task(self, team_id: int, trigger: str = SyncTrigger.SCHEDULE) -> int | None:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return None
    run = sync.sync_team(team, trigger=SyncTrigger(trigger))
    if run.outcome == SyncOutcome.SKIPPED and trigger != SyncTrigger.SCHEDULE:
        # Another run holds the team's lease (or a dead one's lease has not
        # lapsed yet): a requested sync waits its turn rather than vanishing.
        # A scheduled one needs no retry: the next dispatch comes anyway.
        raise self.retry(countdown=settings.DAILY_SYNC_LEASE_SECONDS, max_retries=10)
    return run.pk


@shared_task(ignore_result=True)
def dispatch_due_syncs() -> list[int]:
    """Beat calls this every minute; it queues each team whose interval has passed.

    One beat entry serves every team, each at its own interval (Team.sync_interval),
    so adding a team or changing its interval needs no change to the schedule.
    """
    now = timezone.now()
    blocked = set(SyncState.objects.filter(blocked_by_auth=True).values_list("team_id", flat=True))
    last_started = dict(
        SyncRun.objects.exclude(outcome=SyncOutcome.SKIPPED)
        .values_list("team_id")
        .annotate(last=Max("started_at"))
    )
    queued = []
    for team in Team.objects.filter(sync_enabled=True).exclude(token_encrypted=""):
        if team.pk in blocked:
            continue
        last = last_started.get(team.pk)
        if last is None or now - last >= timedelta(seconds=team.sync_interval):
            sync_team_task.delay(team.pk, SyncTrigger.SCHEDULE)
            queued.append(team.pk)
    return queued


@shared_task(ignore_result=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def check_alerts() -> dict[str, int]:
    """Beat calls this every two minutes: email the owners of teams whose sync or webhook
    stopped, once per incident, and again when it is resolved (attendance.alerts)."""
    return alerts.check()
