"""The retention policy: "delete recordings older than N days", per team.

- `preview(team, days)`: the exact recordings the policy would delete now, from the
  mirror (finished or canceled, started more than N days ago), oldest first; `digest` of
  that list. Enabling requires the digest the person saw: if the list changed since the
  preview, enabling is refused and the preview shown again.
- `run(team)` (the worker, paced by the background client at Daily's rate): writes one
  `RetentionDeletion` per recording due (unique per team and recording), then deletes
  them one by one. Each deletion runs in one transaction with its row locked: Daily's
  DELETE, the audit event and `done_at` commit together, so a killed worker repeats at
  most the call (Daily then answers 404, which counts as deleted) and the recording gets
  exactly one "ok" audit event. Failed attempts are audited as failed.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from daily import AuthError, DailyError, RateLimited, Unavailable
from recordings import mirror, services
from recordings.models import MirroredRecording, RetentionDeletion, RetentionPolicy, Status
from teams.audit import Refused, User, error_type_of, perform_local, record
from teams.models import Outcome, Team
from teams.permissions import Permission

log = logging.getLogger(__name__)

# A policy runs at most this often (a run goes on until nothing is due).
RUN_EVERY = timedelta(hours=1)
LEASE = timedelta(minutes=10)
PREVIEW_LIMIT = 500  # the preview lists at most this many (and says how many more)


def policy_of(team: Team) -> RetentionPolicy:
    policy, _ = RetentionPolicy.objects.get_or_create(team=team)
    return policy


def cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


def preview(team: Team, days: int, now: datetime | None = None) -> QuerySet[MirroredRecording]:
    """What the policy deletes now, oldest first (in-progress recordings never)."""
    return (
        mirror.recordings(team)
        .filter(started_at__lt=cutoff(days, now))
        .exclude(status=Status.IN_PROGRESS)
        .order_by("started_at", "id")
    )


def digest(team: Team, days: int, now: datetime | None = None) -> str:
    """A fingerprint of the previewed list (its ids and the number of days)."""
    h = hashlib.sha256(f"{team.pk}|{days}".encode())
    for rid in preview(team, days, now).values_list("recording_id", flat=True).iterator():
        h.update(b"|" + rid.encode())
    return h.hexdigest()


def enable(
    *, actor: User, team: Team, days: int, seen_digest: str, request_id: str = ""
) -> RetentionPolicy:
    """Turn the policy on for `days`, if the list is still the one previewed."""
    count = preview(team, days).count()

    def operation() -> RetentionPolicy:
        if seen_digest != digest(team, days):
            # Translated where it is shown (the audit log keeps it in English).
            raise Refused(
                gettext_noop(
                    "The list of recordings to delete changed since the preview. "
                    "Look at the new list, then enable."
                )
            )
        policy = RetentionPolicy.objects.select_for_update().get(pk=policy_of(team).pk)
        policy.days = days
        policy.enabled = True
        policy.enabled_at = timezone.now()
        policy.enabled_by = getattr(actor, "username", "")[:150] if actor else ""
        policy.last_run_at = None
        policy.save()
        return policy

    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_ROOMS,
        action=services.ACTION_RETENTION,
        target=f"older than {days} days",
        operation=operation,
        request_id=request_id,
        message=f"Enabled: {count} recordings due now.",
    )


def disable(*, actor: User, team: Team, request_id: str = "") -> RetentionPolicy:
    def operation() -> RetentionPolicy:
        policy = policy_of(team)
        policy.enabled = False
        policy.save(update_fields=["enabled"])
        return policy

    days = policy_of(team).days
    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_ROOMS,
        action=services.ACTION_RETENTION,
        target=f"older than {days} days" if days else "retention",
        operation=operation,
        request_id=request_id,
        message="Disabled.",
    )


def due(policy: RetentionPolicy, now: datetime) -> bool:
    return policy.enabled and (policy.last_run_at is None or policy.last_run_at < now - RUN_EVERY)


def pending(team: Team) -> QuerySet[RetentionDeletion]:
    return RetentionDeletion.objects.filter(team=team, done_at__isnull=True)


def _take(team: Team) -> datetime | None:
    now = timezone.now()
    until = now + LEASE
    taken = (
        RetentionPolicy.objects.filter(team=team, enabled=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until)
    )
    return until if taken == 1 else None


def run(team: Team, now: datetime | None = None) -> int:
    """Delete what the enabled policy says is due; the number deleted by this run."""
    until = _take(team)
    if until is None:
        return 0
    deleted = 0
    try:
        policy = RetentionPolicy.objects.get(team=team)
        assert policy.days is not None
        due_rows = preview(team, policy.days, now)
        RetentionDeletion.objects.bulk_create(
            [
                RetentionDeletion(
                    team=team,
                    recording_id=row.recording_id,
                    room_name=row.room_name,
                    started_at=row.started_at,
                )
                for row in due_rows
            ],
            ignore_conflicts=True,
        )
        for item_id in list(
            pending(team).order_by("started_at", "id").values_list("pk", flat=True)
        ):
            if not RetentionPolicy.objects.filter(team=team, enabled=True).exists():
                break  # turned off meanwhile: stop at once
            if _delete_one(team, item_id, policy.days):
                deleted += 1
            RetentionPolicy.objects.filter(team=team, lease_until__isnull=False).update(
                lease_until=timezone.now() + LEASE
            )
        RetentionPolicy.objects.filter(team=team).update(last_run_at=timezone.now())
    finally:
        RetentionPolicy.objects.filter(team=team).update(lease_until=None)
    return deleted


def _delete_one(team: Team, item_id: int, days: int) -> bool:
    """One recording: Daily's DELETE, its audit event and `done_at` commit together."""
    try:
        with transaction.atomic():
            item = RetentionDeletion.objects.select_for_update().get(pk=item_id)
            if item.done_at is not None:
                return False
            item.attempts += 1
            gone = services.delete(
                actor=None,
                team=team,
                recording_id=item.recording_id,
                background=True,
                message=f"Retention policy: older than {days} days.",
            )
            item.done_at = timezone.now()
            item.outcome = "deleted"
            item.message = services.bucket_note(gone)
            item.save(update_fields=["attempts", "done_at", "outcome", "message"])
            return True
    except (RateLimited, Unavailable, AuthError) as exc:
        # The failure is audited (perform) but rolled back with the transaction: record
        # it again outside, then let the task retry later (or stop on a bad token).
        _audit_failure(team, item_id, exc)
        raise
    except DailyError as exc:
        _audit_failure(team, item_id, exc)
        RetentionDeletion.objects.filter(pk=item_id).update(
            done_at=timezone.now(), outcome="failed", message=str(exc)[:2000]
        )
        return False


def _audit_failure(team: Team, item_id: int, exc: DailyError) -> None:
    item = RetentionDeletion.objects.filter(pk=item_id).first()
    if item is None:
        return
    RetentionDeletion.objects.filter(pk=item_id).update(attempts=item.attempts + 1)
    record(
        team=team,
        actor=None,
        action=services.ACTION_DELETE,
        target=f"{item.room_name} / {item.recording_id}",
        outcome=Outcome.FAILED,
        error_type=error_type_of(exc),
        message=f"Retention policy: {exc}",
    )
