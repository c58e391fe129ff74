"""Bulk actions on rooms: delete, or set privacy, one room per request.

Design. A bulk action is a job kept in Django's cache (a day): the rooms the preview
showed, each with a status. The browser advances it with small POSTs (`step`), one room
per request, so no request can run into a timeout however many rooms there are, and the
page shows the progress after each room. The pace is enforced here, not in the browser:
a step that comes before `next_at` does nothing, so two open tabs cannot exceed Daily's
delete limit (about 2 per second; 50 per 30 s). A 429 puts the room back and waits.
Every room is its own audited mutation (`services.delete_room` / `services.set_privacy`).
Closing the page pauses the job; opening it again continues.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from django.core.cache import cache

from daily import DailyError, Privacy, RateLimited
from rooms import services
from teams.models import Team
from teams.services.errors import describe

Action = Literal["delete", "privacy"]
ACTIONS: tuple[Action, ...] = ("delete", "privacy")
# Seconds between two calls: deletes stay under 50 per 30 s, other calls under 20 per s.
DELETE_INTERVAL = 0.65
PRIVACY_INTERVAL = 0.1
RATE_LIMITED_WAIT = 5.0
JOB_TTL = 24 * 3600
MAX_ROOMS = 500
PENDING, DONE, FAILED, SKIPPED = "pending", "done", "failed", "skipped"


@dataclass
class BulkItem:
    room: str
    before: str = ""  # what the preview showed (privacy label), for the result list
    status: str = PENDING
    message: str = ""


@dataclass
class BulkJob:
    id: str
    team_id: int
    user_id: int
    action: Action
    privacy: str | None
    items: list[BulkItem]
    next_at: float = 0.0
    stopped: bool = False
    notice: str = ""
    created_at: float = field(default_factory=time.time)

    @property
    def target_privacy(self) -> Privacy | None:
        return Privacy(self.privacy) if self.privacy else None

    @property
    def total(self) -> int:
        return len(self.items)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def count_done(self) -> int:
        return self.count(DONE)

    @property
    def count_failed(self) -> int:
        return self.count(FAILED)

    @property
    def count_skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def finished_count(self) -> int:
        return self.total - self.count(PENDING)

    @property
    def running(self) -> bool:
        return not self.stopped and self.count(PENDING) > 0

    @property
    def interval(self) -> float:
        return DELETE_INTERVAL if self.action == "delete" else PRIVACY_INTERVAL

    def delay_ms(self, now: float | None = None) -> int:
        """How long the browser waits before the next step."""
        now = time.time() if now is None else now
        return max(int((self.next_at - now) * 1000), 0) + 50

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BulkJob:
        items = [BulkItem(**item) for item in data.pop("items")]
        return cls(items=items, **data)


def _key(job_id: str) -> str:
    return f"dailyadmin:rooms:bulk:{job_id}"


def create_job(
    *, team: Team, user_id: int, action: Action, privacy: Privacy | None, items: list[BulkItem]
) -> BulkJob:
    job = BulkJob(
        id=uuid.uuid4().hex,
        team_id=team.pk,
        user_id=user_id,
        action=action,
        privacy=privacy.value if privacy else None,
        items=items,
    )
    save(job)
    return job


def save(job: BulkJob) -> None:
    cache.set(_key(job.id), job.to_dict(), JOB_TTL)


def load(job_id: str, *, team: Team, user_id: int) -> BulkJob | None:
    """The job if it exists and belongs to this person and team (else None: a 404)."""
    data = cache.get(_key(job_id))
    if not data:
        return None
    job = BulkJob.from_dict(dict(data))
    if job.team_id != team.pk or job.user_id != user_id:
        return None
    return job


def stop(job_id: str, *, team: Team, user_id: int) -> BulkJob | None:
    """Skip every room not yet done. Waits briefly for a step in flight to finish."""
    for _ in range(30):
        with _locked(job_id) as acquired:
            if not acquired:
                time.sleep(0.1)
                continue
            job = load(job_id, team=team, user_id=user_id)
            if job is not None:
                job.stopped = True
                for item in job.items:
                    if item.status == PENDING:
                        item.status, item.message = SKIPPED, "Stopped before this room."
                save(job)
            return job
    return load(job_id, team=team, user_id=user_id)


class _locked:
    """A short cache lock per job, so two tabs never run the same room twice."""

    def __init__(self, job_id: str) -> None:
        self.key = _key(job_id) + ":lock"
        self.acquired = False

    def __enter__(self) -> bool:
        self.acquired = cache.add(self.key, 1, timeout=60)
        return self.acquired

    def __exit__(self, *exc: object) -> None:
        if self.acquired:
            cache.delete(self.key)


def step(job_id: str, *, team: Team, actor: Any, request_id: str = "") -> BulkJob | None:
    """Run the next pending room if it is time; return the job as it is now."""
    with _locked(job_id) as acquired:
        job = load(job_id, team=team, user_id=actor.pk)
        if job is None or not acquired or not job.running:
            return job
        now = time.time()
        if now < job.next_at:
            return job
        item = next(item for item in job.items if item.status == PENDING)
        job.notice = ""
        try:
            if job.action == "delete":
                services.delete_room(actor=actor, team=team, room=item.room, request_id=request_id)
                item.message = "Deleted."
            else:
                privacy = job.target_privacy
                assert privacy is not None
                services.set_privacy(
                    actor=actor, team=team, room=item.room, privacy=privacy, request_id=request_id
                )
                item.message = f"Now {privacy.label}."
            item.status = DONE
            job.next_at = time.time() + job.interval
        except RateLimited as exc:
            # Nothing was done: the room stays pending and the job waits.
            wait = exc.retry_after or RATE_LIMITED_WAIT
            job.next_at = time.time() + wait
            job.notice = f"Daily asked us to slow down; continuing in {round(wait)} s."
        except DailyError as exc:
            item.status, item.message = FAILED, describe(exc)
            job.next_at = time.time() + job.interval
        save(job)
        return job
