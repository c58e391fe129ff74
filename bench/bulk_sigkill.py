"""A bulk delete of every room of a large REST team, with the worker SIGKILLed halfway.

    DATABASE_URL=postgres://... DAILYADMIN_VAR_DIR=/tmp/x \\
        python -m bench.bulk_sigkill --rooms 2000

A simulator with `--rooms N` and its rate limits ON, a REST team on it, its rooms mirror
filled, and one job deleting every room, as "every room matching" makes it. A Celery worker
with embedded beat runs it at Daily's pace (the background client's pacing, Daily's
"DELETE /rooms/:name ... about 2 requests per second, or 50 requests over a 30 second
window"); when half the rooms are done the worker's process group is SIGKILLed, and a new
worker (with beat, whose dispatcher queues the job again once the dead runner's lease lapses)
finishes it. Printed: the rooms done, failed, the audit events per room, the rooms left at
the simulator, the time and the delete rate against Daily's.

Not part of `make bench` (it takes about 25 minutes at 2,000 rooms); run it by hand.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DELETES_PER_SECOND = 50 / 30  # docs.daily.co/reference/rest-api, "Rate limits"


def _worker(log: Path) -> subprocess.Popen[bytes]:
    schedule = Path(os.environ["DAILYADMIN_VAR_DIR"]) / "beat-schedule"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dailyadmin",
            "worker",
            "-B",
            "--schedule",
            str(schedule),
            "-c",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ],
        cwd=REPO,
        env=dict(os.environ),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
    )


def _stop(proc: subprocess.Popen[bytes], sig: int) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailyadmin.settings")
    # A throwaway run: no production secrets needed; the simulator runs on loopback, an
    # allowed API host here (docs/security.md). The worker inherits both.
    os.environ.setdefault("DEBUG", "1")
    os.environ["DAILY_API_HOSTS"] = "127.0.0.1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from rooms import bulk, mirror
    from rooms.models import BulkItemState, BulkJob
    from teams.daily_client import client_for
    from teams.models import AuditAction, AuditEvent, Role
    from tests.factories import make_member, make_team
    from tests.support.simulator import SimulatorProcess

    var = Path(os.environ["DAILYADMIN_VAR_DIR"])
    var.mkdir(parents=True, exist_ok=True)
    sim = SimulatorProcess().start("--scale", "0.01", "--rooms", str(args.rooms))
    first = second = None
    try:
        slug = f"bulk-kill-{int(time.time())}"
        team = make_team(
            sim.rest_domain, dialect="rest", base_url=sim.rest_base_url, token=sim.rest_token
        )
        # The workers run this job alone: no attendance sync of the team in between.
        team.slug, team.sync_enabled = slug, False
        team.save(update_fields=["slug", "sync_enabled"])
        mirror.fill(team)
        names = list(mirror.rooms(team).order_by("name").values_list("name", "privacy"))
        user = make_member(team, Role.ADMIN)
        job = bulk.create_job(
            team=team, user_id=user.pk, action="delete", privacy=None, rooms=names, matching=True
        )
        print(f"job {job.pk}: delete {job.total} rooms", flush=True)
        started = time.monotonic()
        first = _worker(var / "first-worker.log")
        from rooms.bulk_tasks import run_bulk_job

        run_bulk_job.delay(job.pk)
        half = job.total // 2
        while BulkJob.objects.get(pk=job.pk).done_count < half:
            time.sleep(0.2)
        time.sleep(0.25)  # about half a DELETE's spacing: often killed with one in flight
        _stop(first, signal.SIGKILL)
        killed_at = time.monotonic() - started
        state = BulkJob.objects.get(pk=job.pk)
        in_flight = list(
            job.items.filter(state=BulkItemState.SENDING).values_list("room", flat=True)
        )
        print(
            f"SIGKILL after {killed_at:.0f} s: {state.done_count} done, state {state.state}, "
            f"in flight: {in_flight}",
            flush=True,
        )
        second = _worker(var / "second-worker.log")
        while BulkJob.objects.get(pk=job.pk).active:
            time.sleep(1)
        seconds = time.monotonic() - started
        _stop(second, signal.SIGTERM)
        job.refresh_from_db()
        events = AuditEvent.objects.filter(team=team, action=AuditAction.ROOM_DELETE)
        per_room = Counter(events.values_list("target", flat=True))
        outcomes = Counter(events.values_list("outcome", flat=True))
        with client_for(team, background=True) as client:
            left = {room.name for room in client.list_rooms()} & {n for n, _ in names}
        states = Counter(job.items.values_list("state", flat=True))
        messages = Counter(job.items.exclude(message="Deleted.").values_list("message", flat=True))
        print(f"job state {job.state}: items {dict(states)}; other messages {dict(messages)}")
        print(
            f"audit events {sum(per_room.values())} for {len(per_room)} rooms, "
            f"outcomes {dict(outcomes)}, rooms with more than one: "
            f"{sum(1 for n in per_room.values() if n > 1)}, without: {len(names) - len(per_room)}"
        )
        print(f"rooms of the job still at the simulator: {len(left)}")
        rate = job.total / seconds
        print(
            f"{job.total} rooms in {seconds:.0f} s (the SIGKILL and the takeover included): "
            f"{rate:.2f} deletes/s, {rate / DELETES_PER_SECOND:.0%} of Daily's 50 per 30 s"
        )
        ok = (
            job.state == "done"
            and states == Counter({BulkItemState.DONE: len(names)})
            and all(n == 1 for n in per_room.values())
            and len(per_room) == len(names)
            and not left
        )
        print("RESULT:", "exactly once per room" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        for proc in (first, second):
            if proc is not None:
                _stop(proc, signal.SIGKILL)
        sim.stop()


if __name__ == "__main__":
    raise SystemExit(main())
