"""Beat's entry for the digests: thin, the work is in `usage.digests`."""

from __future__ import annotations

from celery import shared_task

from usage import digests


@shared_task(ignore_result=True, soft_time_limit=10 * 60, time_limit=11 * 60)
def send_due_digests() -> dict[str, int]:
    """Beat calls this every 15 minutes; each digest is sent once per period, however many
    beat processes run (usage.digests)."""
    return digests.send_due()
