"""Celery tasks of the bulk actions: thin wrappers around rooms.bulk (ids in, re-queueing).

Registered through `CELERY_IMPORTS` (settings), beside the mirror's `rooms.tasks`.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from rooms import bulk

log = logging.getLogger(__name__)
BUSY_TRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def run_bulk_job(self, job_id: int) -> str:
    """Run a slice of the job; queue the next slice, or wait for a dead runner's lease."""
    outcome = bulk.run_job(job_id)
    if outcome is bulk.Run.MORE:
        # The next slice goes to the queue this one came from.
        queue = (self.request.delivery_info or {}).get("routing_key")
        run_bulk_job.apply_async(args=[job_id], **({"queue": queue} if queue else {}))
    elif outcome is bulk.Run.BUSY and self.request.retries < BUSY_TRIES:
        # Another runner holds the lease: dead (its worker was killed), the lease lapses and
        # this takes over; alive, it finishes the job and this ends quietly after a few tries.
        raise self.retry(countdown=settings.DAILY_BULK_LEASE_SECONDS + 1, max_retries=BUSY_TRIES)
    return outcome.value


@shared_task(ignore_result=True)
def dispatch_bulk_jobs() -> list[int]:
    """Beat calls this every minute: it queues each active job that no runner holds (a
    worker died, or a message was lost), so a job always finishes."""
    queued = bulk.redispatch_due()
    for job_id in queued:
        run_bulk_job.delay(job_id)
    if queued:
        log.info("bulk jobs queued again: %s", queued)
    return queued
