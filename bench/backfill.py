"""6. Backfill: the sync's use of Daily's rate limit, and its progress under faults.

A simulator of its own, rate limits on (Daily's documented 20 requests/s, 100 over 5 s),
its clock frozen at the real time of start, at `--scale 3` for the full run (the size of
issue 12's acceptance: `sync_attendance --since <85 days ago>`; the short run: `--scale
0.3`, 2 days). Each scenario uses a team of its own, with nothing stored.

- backfill_rate: a REST backfill (`attendance.sync.sync_team`, as the command runs it),
  no faults. Measured: the requests the simulator served during the run over the run's
  seconds, against Daily's allowed 20 requests/s (target >= 0.9 of it: the sync fetches
  a sub-window ahead while it writes, so it is call-bound and the pacing sets the rate),
  and the requests answered 429 against all of them (target < 1%). A 429 is counted
  from the client's own log, where every one it receives leaves one line.
- backfill_faults: `manage.py sync_attendance --team T --since <days ago>`, run again
  after each failure as an operator would, with the simulator at 2% faults
  (`{"p_5xx":0.02,"p_drop":0.01,"p_error_in_200":0.01}`, target: done within 3 runs)
  and at 10% (`p_5xx`, `p_drop`, `p_error_in_200` at 0.1 each: every run must advance
  the checkpoint), for both dialects; then, faults off, whether the stored meetings and
  sessions and the people report over the window's whole days equal what the
  simulator's ground truth gives (computed here, independently of the reports).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from bench.harness import Harness, HarnessError, say
from bench.results import EQUAL, NONE, Row, at_most, ratio_at_least, ratio_at_most
from tests.attendance.helpers import at, db_state, truth_state
from tests.support.simulator import SimulatorProcess, real_now_minute

NAME = "backfill"
ALLOWED_RATE = 20.0  # Daily's general limit: 100 requests over 5 s
SIZES = {"full": (3.0, 85), "short": (0.3, 2)}  # profile: (simulator --scale, days)
FAULTS = {
    "2%": {"p_5xx": 0.02, "p_drop": 0.01, "p_error_in_200": 0.01},
    "10%": {"p_5xx": 0.10, "p_drop": 0.10, "p_error_in_200": 0.10},
}
MAX_RUNS = {"2%": 10, "10%": 20}  # runs tried before giving up


class Counted(logging.Handler):
    """Counts the client's log lines about a 429 it received."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.too_many = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "429" in record.getMessage():
            self.too_many += 1


def backfill_rate(h: Harness, sim: SimulatorProcess, since: dt.datetime) -> list[Row]:
    from attendance.models import SyncOutcome, SyncTrigger
    from attendance.sync import sync_team

    team = h.add_team("backfill-rate", sim, "rest")
    counter = Counted()
    client_log = logging.getLogger("daily")
    client_log.addHandler(counter)
    sim.clear_request_counts()
    try:
        started = time.monotonic()
        run = sync_team(team, trigger=SyncTrigger.COMMAND, since=since)
        seconds = time.monotonic() - started
    finally:
        client_log.removeHandler(counter)
    if run.outcome != SyncOutcome.OK:
        raise HarnessError(f"the rate backfill ended {run.outcome}")
    counts = sim.request_counts()
    served = sum(counts.values())
    routes = ", ".join(f"{route} x{n}" for route, n in sorted(counts.items()))
    days = (run.window_end - run.window_start).days
    return [
        Row(
            NAME,
            f"backfill_rate: REST backfill of {days} days, requests/s against Daily's allowed "
            f"rate ({served} requests in {seconds:.0f} s)",
            served / seconds,
            ALLOWED_RATE,
            "requests/s",
            ratio_at_least(0.9),
            note=routes,
        ),
        Row(
            NAME,
            "backfill_rate: requests answered 429, against all requests",
            counter.too_many,
            served,
            "requests",
            ratio_at_most(0.01),
        ),
    ]


def backfill_faults(h: Harness, sim: SimulatorProcess, since: dt.datetime) -> list[Row]:
    rows: list[Row] = []
    for level, faults in FAULTS.items():
        for dialect in ("domains", "rest"):
            team = h.add_team(f"faults-{level.rstrip('%')}-{dialect}", sim, dialect)
            say(f"backfill: {dialect} under {level} faults")
            sim.faults(fault_seed=12, **faults)
            try:
                runs, advanced = _until_done(team, since, MAX_RUNS[level])
            finally:
                sim.clear_faults()
            done = runs[-1].outcome == "ok"
            equal = done and _equals_truth(sim, team, since)
            limit = MAX_RUNS[level]
            rows += [
                Row(
                    NAME,
                    f"backfill_faults: runs of sync_attendance needed, {level} faults ({dialect})",
                    len(runs) if done else None,
                    None,
                    "runs",
                    at_most(3, "runs") if level == "2%" else NONE,
                    note=f"every run advanced the checkpoint: {'yes' if advanced else 'NO'}"
                    + ("" if done else f"; not done after {limit} runs"),
                ),
                Row(
                    NAME,
                    f"backfill_faults: sessions and people report equal the ground truth, "
                    f"{level} faults ({dialect})",
                    1 if equal else 0,
                    1,
                    "",
                    EQUAL,
                ),
            ]
    return rows


def _until_done(team: Any, since: dt.datetime, limit: int) -> tuple[list[Any], bool]:
    """The command, again after each failure (at most `limit` runs); did each advance?"""
    from attendance.models import SyncRun

    runs: list[Any] = []
    reached = since
    advanced = True
    for _ in range(limit):
        try:
            call_command(
                "sync_attendance",
                "--team",
                team.slug,
                "--since",
                since.isoformat(),
                stdout=StringIO(),
            )
        except CommandError as exc:
            say(f"backfill: a run failed: {str(exc)[:160]}")
        run = SyncRun.objects.filter(team=team).first()
        runs.append(run)
        if run.checkpoint is None or run.checkpoint <= reached:
            advanced = False
        reached = max(reached, run.checkpoint or reached)
        if run.outcome == "ok":
            break
    return runs, advanced


def _equals_truth(sim: SimulatorProcess, team: Any, since: dt.datetime) -> bool:
    """Stored meetings and sessions of the window, and the people report over its whole
    days, equal the simulator's ground truth."""
    from attendance.models import SyncState
    from attendance.reports.filters import ReportFilters
    from attendance.reports.people import people_rows

    end = SyncState.objects.get(team=team).watermark
    truth = sim.truth(team.name, int(since.timestamp()), int(end.timestamp()))
    if truth_state(truth) != db_state(team, since, end):
        say(f"backfill: {team.slug}'s stored meetings differ from the ground truth")
        return False
    # Whole days that had ended before the window's end (so every meeting has ended).
    last = (end - dt.timedelta(days=1)).date()
    f = ReportFilters(
        team=team, date_from=since.date(), date_to=last, now=end.replace(microsecond=0)
    )
    truth = sim.truth(team.name, int(f.start.timestamp()), int(f.end.timestamp()))
    want = _people(truth["meetings"])
    got = {r.identity: (r.meetings, r.sessions, r.seconds) for r in people_rows(f)}
    if got != want:
        say(f"backfill: {team.slug}'s people report differs from the ground truth")
    return got == want


def _who(p: dict) -> tuple[str, bool]:
    """(identity, is guest) of a ground-truth participant, by Daily's documented rules."""
    if p["email"] is not None:
        return p["email"], p["email"] in ("guest", "Daily.co TV")
    if p["user_id"] and p["user_id"] not in (p["participant_id"], "hipaa"):
        return p["user_id"], False
    return f"session:{p['participant_id']}", True


def _union(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, None
    for a, b in sorted(spans):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def _people(meetings: list[dict]) -> dict[str, tuple[int, int, int]]:
    figures: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for m in meetings:
        if m["ongoing"]:
            raise HarnessError("a meeting of the report's days is still ongoing")
        spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for p in m["participants"]:
            identity, guest = _who(p)
            if not guest:
                spans[identity].append((p["join"], min(p["leave"], m["end"])))
        for identity, own in spans.items():
            e = figures[identity]
            e[0] += 1
            e[1] += len(own)
            e[2] += _union(own)
    return {k: (int(a), int(b), round(c)) for k, (a, b, c) in figures.items()}


def run(h: Harness) -> list[Row]:
    scale, days = SIZES[h.profile.name]
    sim = SimulatorProcess().start(
        "--scale", str(scale), seed="demo", rate_limits=True, now=real_now_minute(), frozen=True
    )
    try:
        now = at(sim.now())
        since = dt.datetime.combine((now - dt.timedelta(days=days)).date(), dt.time(), dt.UTC)
        say(f"backfill: simulator --scale {scale}, {days} days from {since:%Y-%m-%d}")
        return backfill_rate(h, sim, since) + backfill_faults(h, sim, since)
    finally:
        sim.stop()
