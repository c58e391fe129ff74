"""One sync run in a process of its own: prints its figures and its peak memory as JSON.

    python -m bench.sync_child --team SLUG --since ISO [--until ISO] --now ISO

Run by the harness with the benchmark's environment (DATABASE_URL and the rest). The
peak RSS (`ru_maxrss`) is this process's own; `start_rss_kib` is the RSS once Django
and the sync are imported, before the run, so the growth during the run shows too.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import datetime


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_child")
    parser.add_argument("--team", required=True)
    parser.add_argument("--since", required=True, type=datetime.fromisoformat)
    parser.add_argument("--until", type=datetime.fromisoformat)
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from attendance.models import SyncTrigger
    from attendance.sync import sync_team
    from teams.models import Team

    team = Team.objects.get(slug=args.team)
    start_rss = _rss_kib()
    started = time.perf_counter()
    run = sync_team(
        team, trigger=SyncTrigger.COMMAND, since=args.since, until=args.until, now=args.now
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "meetings": run.meetings_written,
                "rows": run.rows_written,
                "seconds": seconds,
                "peak_rss_kib": peak,
                "start_rss_kib": start_rss,
                "outcome": run.outcome,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
