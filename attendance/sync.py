"""The attendance sync: plain functions, testable without Celery.

For one team, a run walks the window ``[watermark - overlap, now - settle]`` oldest
first in sub-windows (1 to 24 hours, sized by what they hold: `next_size`). Each
sub-window is fetched through ``daily/`` outside any transaction (by a thread of its
own, one sub-window ahead, so that Daily's rate is used while the previous one is
written), upserted in batches, then
CHECKPOINTED: the watermark moves to its end and the run records it. A run that dies
loses at most the sub-window it was in; the next run starts an overlap behind the
watermark. The unique constraints make the second write of a row an update, never a
duplicate. Meetings still ongoing at a checkpoint stay marked ongoing, and every later
run widens its window back to their start, so they are revisited until they end.

A backfill (`since`, e.g. ``sync_attendance --since``) records its own checkpoint on
the team's SyncState: asking again for a window that starts where an unfinished
backfill started (or anywhere in what it has written) continues at its checkpoint.
A batch the database refuses is written again meeting by meeting, and a meeting that
still cannot be stored is quarantined on the run (attendance.quarantine), never a
blocker for the rest.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

import daily
from attendance.locks import TeamLease
from attendance.models import (
    Meeting,
    QuarantinedMeeting,
    SyncOutcome,
    SyncRun,
    SyncState,
    SyncTrigger,
)
from attendance.quarantine import UNSTORABLE, clean, quarantine, release
from attendance.reconcile import reconcile
from attendance.summary import summarise_pending
from attendance.upsert import (  # noqa: F401  (the writing step's names, used from here before)
    MEETING_COLUMNS,
    SESSION_COLUMNS,
    meeting_values,
    session_values,
    write_meetings,
)
from teams.daily_client import client_for
from teams.models import Team
from teams.services.errors import for_background

log = logging.getLogger(__name__)

# Daily's times are accurate to about a minute (domains) or 15 s (REST), and a
# meeting's end is reported up to ~20 s late: refetch a margin behind the
# watermark, and leave the last minute for the next run.
OVERLAP = timedelta(minutes=10)
SETTLE = timedelta(seconds=60)
# A meeting that claims to be ongoing for longer than this is not revisited.
MAX_ONGOING_LOOKBACK = timedelta(days=2)
BATCH_MEETINGS = 500
# The unit of progress. A failure loses at most one sub-window, and each sub-window costs
# one listing call more than one big window would (REST ends each listing on an empty
# page; domains asks at least once per window). So a sub-window is sized by what it
# holds, not by the clock: the first is SUB_WINDOW long; one that held fewer than
# FEW_MEETINGS (one REST page, one domains answer) makes the next twice as long, one that
# held more than BATCH_MEETINGS halves it, within [SUB_WINDOW_MIN, SUB_WINDOW_MAX]. A
# failure then costs a few seconds of requests at most, and a quiet team's backfill a call
# a day. Half hours keep domains windows on whole minutes.
SUB_WINDOW = timedelta(hours=6)
SUB_WINDOW_MIN = timedelta(hours=1)
SUB_WINDOW_MAX = timedelta(days=1)
FEW_MEETINGS = 100
# A sub-window whose listing fails for a passing reason is asked again this many times in
# all, after a pause that grows (seconds), before the run fails.
SUB_WINDOW_ATTEMPTS = 3
SUB_WINDOW_PAUSE = 2.0
LEASE_RENEW_WAIT = 20.0  # seconds: well inside the shortest sensible lease

Progress = Callable[[SyncRun, datetime | None], None]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def initial_history() -> timedelta:
    return timedelta(days=getattr(settings, "DAILY_SYNC_INITIAL_DAYS", 90))


def plan_window(
    team: Team,
    state: SyncState,
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Window:
    end = until or (now - SETTLE)
    if since is not None:
        start = resume_point(state, since, end)
    elif state.watermark is not None:
        start = state.watermark - OVERLAP
    else:
        start = now - initial_history()
    oldest_ongoing = Meeting.objects.filter(
        team=team, ongoing=True, start__gte=now - MAX_ONGOING_LOOKBACK, start__lt=end
    ).aggregate(oldest=Min("start"))["oldest"]
    if oldest_ongoing is not None and oldest_ongoing < start:
        start = oldest_ongoing
    # Whole minutes: the domains API is minute-accurate, and a window edge
    # inside a minute could cut a meeting reported at that minute.
    start = start.replace(second=0, microsecond=0)
    return Window(start=start, end=max(end, start + timedelta(minutes=1)))


def resume_point(state: SyncState, since: datetime, end: datetime) -> datetime:
    """Where a backfill from `since` starts: at the checkpoint of an unfinished backfill
    that has written everything from `since` on to it, else at `since`."""
    done_from, done_until = state.backfill_from, state.backfill_checkpoint
    if done_from is None or done_until is None:
        return since
    if done_from <= since <= done_until < end:
        return done_until
    return since


def next_size(size: timedelta, meetings: int) -> timedelta:
    """The length of the sub-window after one of `size` that held `meetings`."""
    if meetings < FEW_MEETINGS:
        return min(size * 2, SUB_WINDOW_MAX)
    if meetings > BATCH_MEETINGS:
        return max(size / 2, SUB_WINDOW_MIN)
    return size


def sync_team(
    team: Team,
    *,
    trigger: SyncTrigger = SyncTrigger.SCHEDULE,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SyncRun:
    """Run one sync of `team`. Records a SyncRun; re-raises a DailyError after recording it."""
    now = now or timezone.now()
    state, _ = SyncState.objects.get_or_create(team=team)
    window = plan_window(team, state, now, since=since, until=until)
    run = SyncRun.objects.create(
        team=team, trigger=trigger, window_start=window.start, window_end=window.end
    )
    lease = TeamLease(team)
    if not lease.acquire():
        run.outcome = SyncOutcome.SKIPPED
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "finished_at"])
        return run
    # Holding the lease, any other run still marked running is one whose
    # worker died: say so instead of leaving it "running" forever.
    SyncRun.objects.filter(team=team, outcome=SyncOutcome.RUNNING).exclude(pk=run.pk).update(
        outcome=SyncOutcome.FAILED,
        finished_at=timezone.now(),
        error="The process running this sync stopped before it finished.",
        error_type="WorkerLost",
    )
    try:
        # Planned again under the lease: a run that held it meanwhile moved the checkpoints.
        state.refresh_from_db()
        window = plan_window(team, state, now, since=since, until=until)
        run.window_start, run.window_end = window.start, window.end
        run.save(update_fields=["window_start", "window_end"])
        if since is not None and resume_point(state, since, window.end) == since:
            # A new backfill (not the continuation of one): its checkpoint starts here.
            state.backfill_from = state.backfill_checkpoint = since
            state.save(update_fields=["backfill_from", "backfill_checkpoint"])
        _fetch_and_write(team, state, window, run, lease, progress, backfill=since is not None)
    except Exception as exc:
        # Recorded whatever it was (the history page shows it), then re-raised
        # so the caller decides: the task retries what is retryable.
        _finish_failed(run, state, exc)
        raise
    finally:
        lease.release()
    _advance(state, window, backfill=since is not None)
    run.outcome = SyncOutcome.OK
    run.finished_at = timezone.now()
    run.save()
    return run


_DONE = object()


def _fetched(client: daily.DailyClient, window: Window, stop: threading.Event, out: queue.Queue):
    """Put (sub-window, its meetings) on `out`, oldest first, then _DONE or the error.

    Runs in a thread of its own that does nothing but talk to Daily (the database is the
    caller's): the next sub-window is fetched while the caller writes this one, so a
    backfill's requests keep to the paced rate instead of pausing for every write.
    """

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    try:
        start, size = window.start, SUB_WINDOW
        while start < window.end:
            sub = Window(start, min(start + size, window.end))
            meetings = _listing(client, sub, stop)
            if not put((sub, meetings)) or stop.is_set():
                return
            start, size = sub.end, next_size(size, len(meetings))
    except BaseException as exc:  # handed to the caller, which raises it
        put(exc)
        return
    put(_DONE)


def _listing(client: daily.DailyClient, sub: Window, stop: threading.Event) -> list[daily.Meeting]:
    """The meetings of `sub`. A listing that fails for a passing reason (the transport
    has retried each request already) is asked again whole: it is a read, and a run that
    gives up loses the rest of its window until the next run."""
    for attempt in range(1, SUB_WINDOW_ATTEMPTS + 1):
        try:
            return list(client.meetings(sub.start, sub.end))
        except daily.Unavailable:
            if attempt == SUB_WINDOW_ATTEMPTS or stop.wait(SUB_WINDOW_PAUSE * attempt):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _fetch_and_write(
    team: Team,
    state: SyncState,
    window: Window,
    run: SyncRun,
    lease: TeamLease,
    progress: Progress | None,
    *,
    backfill: bool,
) -> None:
    stop = threading.Event()
    ahead: queue.Queue = queue.Queue(maxsize=1)  # one sub-window fetched ahead, no more
    set_aside = set(QuarantinedMeeting.objects.filter(team=team).values_list("key", flat=True))
    with client_for(team, background=True) as client:
        fetcher = threading.Thread(
            target=_fetched, args=(client, window, stop, ahead), name="sync-fetch", daemon=True
        )
        fetcher.start()
        try:
            while (item := _next(ahead, lease)) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                sub, meetings = item
                run.meetings_seen += len(meetings)
                run.rows_seen += sum(len(m.participants) for m in meetings)
                for first in range(0, len(meetings), BATCH_MEETINGS):
                    batch = meetings[first : first + BATCH_MEETINGS]
                    refused = write_batch(team, run, batch)
                    if set_aside:  # stored now, after an earlier run set them aside
                        stored = {clean(m.key, 255) for m in batch} & set_aside - refused
                        release(team, stored)
                        set_aside -= stored
                    lease.renew()
                    if progress and first + BATCH_MEETINGS < len(meetings):
                        progress(run, meetings[first + BATCH_MEETINGS].start)
                # Webhook rows of the sub-window that Daily's own data now supersedes.
                reconcile(team, sub.start, sub.end)
                _checkpoint(state, run, sub, backfill=backfill)
                lease.renew()
                if progress:
                    progress(run, sub.end)
        finally:
            stop.set()
            fetcher.join(timeout=60)
    # Meetings written before summaries existed (an upgrade), a batch at a time per run.
    summarise_pending(team)
    if progress:
        progress(run, None)


def _next(ahead: queue.Queue, lease: TeamLease) -> object:
    """The next fetched sub-window; the lease is renewed while Daily keeps us waiting."""
    while True:
        try:
            return ahead.get(timeout=LEASE_RENEW_WAIT)
        except queue.Empty:
            lease.renew()


def write_batch(team: Team, run: SyncRun, batch: list[daily.Meeting]) -> set[str]:
    """Write `batch`; if the database refuses it, each meeting alone, quarantining those
    it still refuses (each write is its own transaction, or savepoint inside one).
    Answers the keys of the meetings quarantined."""
    refused_keys: set[str] = set()
    try:
        written, rows = write_meetings(team, batch)
    except UNSTORABLE as exc:
        log.warning(
            "A batch of %s's meetings was refused (%s); writing them one by one",
            team,
            type(exc).__name__,
        )
        written = rows = 0
        for meeting in batch:
            try:
                one, its_rows = write_meetings(team, [meeting])
            except UNSTORABLE as refused:
                refused_keys.add(quarantine(run, team, meeting, refused))
                continue
            written += one
            rows += its_rows
    run.meetings_written += written
    run.rows_written += rows
    return refused_keys


def _checkpoint(state: SyncState, run: SyncRun, sub: Window, *, backfill: bool) -> None:
    """Everything that started in `sub` is written: say so where the next run looks."""
    run.checkpoint = sub.end
    run.save(
        update_fields=[
            "meetings_seen",
            "rows_seen",
            "meetings_written",
            "rows_written",
            "quarantined",
            "checkpoint",
        ]
    )
    fields = []
    # Never backward, and never over a gap (a backfill of a separate, older window).
    contiguous = state.watermark is None or sub.start <= state.watermark
    if contiguous and (state.watermark is None or sub.end > state.watermark):
        state.watermark = sub.end
        fields.append("watermark")
    if backfill:
        state.backfill_checkpoint = sub.end
        fields.append("backfill_checkpoint")
    if fields:
        state.save(update_fields=fields)


def _advance(state: SyncState, window: Window, *, backfill: bool) -> None:
    """The run is complete: record it (the watermark moved with each checkpoint)."""
    state.last_success_at = timezone.now()
    state.last_error = ""
    state.last_error_type = ""
    state.blocked_by_auth = False
    fields = ["last_success_at", "last_error", "last_error_type", "blocked_by_auth"]
    if backfill:  # finished: asking for its window again syncs it again
        state.backfill_from = state.backfill_checkpoint = None
        fields += ["backfill_from", "backfill_checkpoint"]
    state.save(update_fields=fields)


def _finish_failed(run: SyncRun, state: SyncState, exc: Exception) -> None:
    error_type = (
        (exc.error_type or type(exc).__name__)
        if isinstance(exc, daily.DailyError)
        else type(exc).__name__
    )
    run.outcome = SyncOutcome.FAILED
    run.finished_at = timezone.now()
    run.error = str(exc)[:2000]
    run.error_type = error_type[:64]
    run.save()
    # The run keeps the technical detail (sync history); the state the failure in words,
    # as the reports' freshness line says it.
    state.last_error = (
        for_background(exc, run.team)[:2000] if isinstance(exc, daily.DailyError) else run.error
    )
    state.last_error_type = run.error_type
    state.blocked_by_auth = isinstance(exc, daily.AuthError)
    state.save(update_fields=["last_error", "last_error_type", "blocked_by_auth"])
    log.warning("Attendance sync of %s failed: %s", run.team, error_type)
