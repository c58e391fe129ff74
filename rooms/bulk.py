"""Bulk actions on rooms (delete, or set privacy), run by the worker room by room.

Design. A job and its rooms (`BulkJob`, `BulkItem`) are written when the person confirms
the preview, from the names the preview showed; the worker (`rooms.bulk_tasks`) then runs
`run_job`, oldest room first. Every room is its own audited mutation (`teams.audit.perform`
with the background client, which waits for the team's pacing slot: deletes go at Daily's
delete rate, about 2 a second, shared with all of the team's other work). The pages only
read the database, so the progress shows in any tab and after logging in again.

Exactly once per room, across a killed worker. The call to Daily cannot sit in a database
transaction, so a room is marked `sending` before the call and `done` or `failed` right
after Daily answers. A run that finds a room still `sending` (its worker died in between)
looks for the room's audit event first, which carries the item's own request id: found, the
outcome is taken from it and Daily is not called again; not found, the call is made again,
and a delete answered 404 then counts as deleted by the interrupted attempt. Either way the
room has exactly one audit event.

One runner at a time: a lease on the job taken with a conditional UPDATE and renewed before
every room (which also reads the cancel flag); a killed runner's lease lapses after
`DAILY_BULK_LEASE_SECONDS` and the job is taken up again (the task's redelivery, or the beat
dispatcher). Long jobs run in slices, each a task of its own, so no task hits a time limit.
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from daily import AuthError, Capability, DailyClient, DailyError, NotFound, Privacy, RateLimited
from rooms import mirror, services
from rooms.models import BulkAction, BulkItem, BulkItemState, BulkJob, BulkJobState
from rooms.words import number
from teams.audit import Refused, error_type_of, perform
from teams.models import AuditAction, AuditEvent, Outcome, Team
from teams.permissions import Permission
from teams.services.errors import describe

log = logging.getLogger(__name__)

# Deletes of more rooms than this need the typed confirmation ("delete 1,234 rooms").
CONFIRM_OVER = 100
RATE_LIMITED_WAIT = 5.0
# Daily's documented delete limit ("50 requests over a 30 second window"), at the share of
# it the pacer plans to use: what the preview's time estimate assumes.
DELETES_PER_SECOND = 50 / 30 * 0.95
OPEN_ITEMS = (BulkItemState.PENDING, BulkItemState.SENDING)


class Run(enum.Enum):
    """How a call of `run_job` ended."""

    FINISHED = "finished"  # done, cancelled or stopped: nothing left to run
    MORE = "more"  # the slice is used up: queue the job again
    BUSY = "busy"  # another runner holds the lease (or a dead one's has not lapsed)
    GONE = "gone"  # no such job, or it is no longer active


def confirmation_phrase(count: int) -> str:
    """What a person types to confirm a large delete, in the reader's language ("delete
    12,345 rooms", "12.345 Räume löschen"): the sentence they read is the one they type."""
    return ngettext("delete %(count)s room", "delete %(count)s rooms", count) % {
        "count": number(count)
    }


def _english_phrase(count: int) -> str:
    return f"delete {count:,} room{'s' if count != 1 else ''}"


def job_words(action: str, privacy: Privacy | str | None, count: int) -> str:
    """The job in words, for its audit events: "delete 1,234 rooms"."""
    rooms = f"{count:,} room{'s' if count != 1 else ''}"
    if action == BulkAction.DELETE:
        return f"delete {rooms}"
    label = Privacy(privacy).label if privacy else "?"
    return f"set privacy to {label} on {rooms}"


def needs_typed_confirmation(action: str, count: int) -> bool:
    return action == BulkAction.DELETE and count > CONFIRM_OVER


def typed_confirmation_matches(typed: str, count: int) -> bool:
    # Spaces and case are forgiven; the number is not. The English phrase is taken in every
    # language (a person who switches language, or follows an English runbook).
    said = " ".join(typed.split()).lower()
    return said in (confirmation_phrase(count).lower(), _english_phrase(count))


def create_job(
    *,
    team: Team,
    user_id: int,
    action: str,
    privacy: Privacy | None,
    rooms: Iterable[tuple[str, str]],
    matching: bool = False,
    query: str = "",
) -> BulkJob:
    """The job and one item per (room name, privacy before), in one transaction."""
    with transaction.atomic():
        job = BulkJob.objects.create(
            team=team,
            created_by_id=user_id,
            action=action,
            privacy=privacy.value if privacy else "",
            matching=matching,
            query=query[:128],
        )
        items = [BulkItem(job=job, room=name, before=before[:32]) for name, before in rooms]
        BulkItem.objects.bulk_create(items, batch_size=1000)
        job.total = len(items)
        job.save(update_fields=["total"])
    return job


def request_cancel(job: BulkJob) -> None:
    """Ask the runner to stop before its next room; a job not started yet stops at once."""
    BulkJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    if job.state == BulkJobState.QUEUED:
        # No runner may hold it: cancel here, under the same lease rule as a runner.
        owner = uuid.uuid4().hex
        if _take_lease(job.pk, owner):
            _cancel(job, owner)
    job.refresh_from_db()


def audit_key(job: BulkJob, item: BulkItem) -> str:
    """The request id of the room's audit event: how a resumed run finds it."""
    return f"bulk-{job.pk}-{item.pk}"


# -- the runner -----------------------------------------------------------------------------


def _lease_seconds() -> int:
    return settings.DAILY_BULK_LEASE_SECONDS


def _take_lease(job_id: int, owner: str) -> bool:
    now = timezone.now()
    return bool(
        BulkJob.objects.filter(pk=job_id, state__in=(BulkJobState.QUEUED, BulkJobState.RUNNING))
        .filter(Q(lease_owner="") | Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            state=BulkJobState.RUNNING,
            lease_owner=owner,
            lease_until=now + timedelta(seconds=_lease_seconds()),
            started_at=Coalesce(F("started_at"), Value(now)),
        )
    )


def _renew(job: BulkJob, owner: str) -> bool:
    """Renew the lease unless a cancel was asked for (or the lease was lost)."""
    until = timezone.now() + timedelta(seconds=_lease_seconds())
    return bool(
        BulkJob.objects.filter(pk=job.pk, lease_owner=owner, cancel_requested=False).update(
            lease_until=until
        )
    )


def _close(
    job: BulkJob, owner: str, state: BulkJobState, *, skip: str = "", error: str = ""
) -> None:
    """End the job in `state`; rooms not done yet are skipped with the sentence `skip`."""
    now = timezone.now()
    with transaction.atomic():
        skipped = 0
        if skip:
            # A room a killed worker had sent may be changed at Daily: say so, not "skipped".
            skipped = job.items.filter(state=BulkItemState.SENDING).update(
                state=BulkItemState.SKIPPED,
                message="Stopped while Daily was being asked: check this room.",
                finished_at=now,
            )
            skipped += job.items.filter(state=BulkItemState.PENDING).update(
                state=BulkItemState.SKIPPED, message=skip[:500], finished_at=now
            )
        BulkJob.objects.filter(pk=job.pk, lease_owner=owner).update(
            state=state,
            finished_at=now,
            lease_owner="",
            lease_until=None,
            skipped_count=F("skipped_count") + skipped,
            error=error,
            notice="",
        )


def _cancel(job: BulkJob, owner: str) -> None:
    _close(job, owner, BulkJobState.CANCELLED, skip="Cancelled before this room.")


def _release(job: BulkJob, owner: str) -> None:
    """Hand the job to the next slice's task: anyone may take it, and the dispatcher leaves
    it alone for a lease's time (the next slice's message is on its way)."""
    until = timezone.now() + timedelta(seconds=_lease_seconds())
    BulkJob.objects.filter(pk=job.pk, lease_owner=owner).update(lease_owner="", lease_until=until)


def run_job(job_id: int, *, slice_seconds: float | None = None) -> Run:
    """Run the job's rooms, oldest first, until done, cancelled or `slice_seconds` pass."""
    owner = uuid.uuid4().hex
    if not _take_lease(job_id, owner):
        job = BulkJob.objects.filter(pk=job_id).only("state").first()
        return Run.BUSY if job is not None and job.active else Run.GONE
    job = BulkJob.objects.select_related("team", "created_by").get(pk=job_id)
    deadline = time.monotonic() + (slice_seconds or settings.DAILY_BULK_SLICE_SECONDS)
    while True:
        if not _renew(job, owner):
            if BulkJob.objects.filter(pk=job.pk, lease_owner=owner).exists():
                _cancel(job, owner)
                return Run.FINISHED
            return Run.BUSY  # the lease lapsed and another runner took the job
        item = job.items.filter(state__in=OPEN_ITEMS).order_by("id").first()
        if item is None:
            _close(job, owner, BulkJobState.DONE)
            return Run.FINISHED
        try:
            wait = _run_item(job, item)
        except _Stop as stop:
            _close(
                job,
                owner,
                BulkJobState.FAILED,
                skip="Not attempted: the job stopped.",
                error=stop.reason,
            )
            return Run.FINISHED
        if wait:
            time.sleep(wait)
        if time.monotonic() >= deadline:
            _release(job, owner)
            return Run.MORE


class _Stop(Exception):
    """A failure that every further room would repeat: the job stops with `reason`."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _operation(job: BulkJob, room: str, resumed: bool) -> Callable[[DailyClient], str]:
    """The Daily call for one room; answers the sentence the job page shows."""
    if job.action == BulkAction.DELETE:

        def delete(client: DailyClient) -> str:
            try:
                client.delete_room(room)
            except NotFound:
                if not resumed:
                    raise
                # The interrupted attempt's DELETE reached Daily before its worker died.
                return "Deleted (by the attempt the stopped worker had sent)."
            return "Deleted."

        return delete
    privacy = Privacy(job.privacy)

    def set_privacy(client: DailyClient) -> str:
        # The same calls as rooms.services.set_privacy; setting a privacy twice is harmless.
        if client.supports(Capability.ROOM_PROPERTIES):
            client.update_room(room, privacy=privacy)
        else:
            client.set_privacy(room, privacy)
        return f"Now {privacy.label}."

    return set_privacy


def _action_and_target(job: BulkJob, room: str) -> tuple[AuditAction, str]:
    if job.action == BulkAction.DELETE:
        return AuditAction.ROOM_DELETE, room
    return AuditAction.ROOM_PRIVACY, f"{room} to {Privacy(job.privacy).label}"


def _run_item(job: BulkJob, item: BulkItem) -> float:
    """Run one room; answer the seconds to wait before the next (after a 429)."""
    team = job.team
    key = audit_key(job, item)
    resumed = item.state == BulkItemState.SENDING
    if resumed:
        event = (
            AuditEvent.objects.filter(team=team, request_id=key)
            .exclude(error_type="RateLimited")
            .order_by("-id")
            .first()
        )
        if event is not None:
            # The worker died after Daily answered and the event was written.
            ok = event.outcome == Outcome.OK
            _settle(
                job,
                item,
                ok=ok,
                message="Done." if ok else event.message,
                error_type=event.error_type,
            )
            return 0.0
    else:
        BulkItem.objects.filter(pk=item.pk).update(state=BulkItemState.SENDING)
    if job.created_by is None:
        raise _Stop("The person who started this job no longer has an account.")
    action, target = _action_and_target(job, item.room)
    try:
        message = perform(
            actor=job.created_by,
            team=team,
            permission=Permission.MANAGE_ROOMS,
            action=action,
            target=target,
            operation=_operation(job, item.room, resumed),
            request_id=key,
            background=True,
        )
    except PermissionDenied:
        BulkItem.objects.filter(pk=item.pk).update(state=BulkItemState.PENDING)
        raise _Stop(
            f"{job.created_by.get_username()} may no longer change this team's rooms."
        ) from None
    except RateLimited as exc:
        # Nothing was done: the room waits its turn again.
        wait = exc.retry_after or RATE_LIMITED_WAIT
        BulkItem.objects.filter(pk=item.pk).update(state=BulkItemState.PENDING)
        BulkJob.objects.filter(pk=job.pk).update(
            notice=f"Daily asked us to slow down; continuing in {round(wait)} s."
        )
        return wait
    except AuthError as exc:
        _settle(job, item, ok=False, message=describe(exc), error_type=error_type_of(exc))
        raise _Stop(describe(exc)) from None
    except (DailyError, Refused) as exc:
        text = describe(exc) if isinstance(exc, DailyError) else exc.message
        _settle(job, item, ok=False, message=text, error_type=error_type_of(exc))
    else:
        _settle(job, item, ok=True, message=message, write_through=True)
    finally:
        # Also after a failure: a timed-out call may still have changed something.
        services.invalidate(team)
    return 0.0


def _settle(
    job: BulkJob,
    item: BulkItem,
    *,
    ok: bool,
    message: str,
    error_type: str = "",
    write_through: bool = False,
) -> None:
    """The room's outcome, its job's counts and the mirror, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        BulkItem.objects.filter(pk=item.pk).update(
            state=BulkItemState.DONE if ok else BulkItemState.FAILED,
            message=message[:500],
            error_type=error_type[:64],
            finished_at=now,
        )
        counter = "done_count" if ok else "failed_count"
        BulkJob.objects.filter(pk=job.pk).update(**{counter: F(counter) + 1}, notice="")
        if ok:
            _write_through(job, item.room)


def _write_through(job: BulkJob, room: str) -> None:
    """The mirror changes with Daily, so the rooms list shows the change at once."""
    if job.action == BulkAction.DELETE:
        mirror.forget_room(job.team, room)
    else:
        mirror.store_privacy(job.team, room, Privacy(job.privacy))


def redispatch_due() -> list[int]:
    """Active jobs that no runner holds: new ones whose message went missing, and those
    whose runner died (lease lapsed). The beat dispatcher queues them again."""
    moment = timezone.now()
    grace = moment - timedelta(seconds=_lease_seconds())
    due = BulkJob.objects.filter(state__in=(BulkJobState.QUEUED, BulkJobState.RUNNING)).filter(
        Q(lease_until__lt=moment) | Q(lease_until__isnull=True, created_at__lt=grace)
    )
    return list(due.order_by("id").values_list("id", flat=True)[:100])
