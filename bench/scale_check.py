"""A team of many rooms, end to end, on the embedded defaults (SQLite, filesystem broker).

    .venv/bin/python -m bench.scale_check [--rooms 100000] [--views 30]

What a new user does: a simulator with `--rooms N` rooms per team and its rate limits on,
a Celery worker and beat, then `manage.py add_team` of the simulator's REST domain. The
check prints how long until the team's rooms page lists all N rooms (the mirror READY with
N rooms), then stops the worker and beat and loads the rooms page (first page, each sort
the other way round, a deep page, the searches of SEARCHES, and each search's count,
which the page loads after it is shown) `--views` times each, counting the simulator's
requests (Daily calls per view) and timing each view's p50 against a minimal logged-in
page with the same base template (the password change page), in this process, on the
same database, round after round of every view (a shared machine's load drifts). The
load average is printed with the figures: ratios taken under load are the less exact.

Every process runs in a temporary folder of its own (DAILYADMIN_VAR_DIR); nothing of the
developer's `var/` is touched. It stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "scale-check-password"  # noqa: S105 (a throwaway user of a throwaway database)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_check", description=__doc__)
    parser.add_argument("--rooms", type=int, default=100_000)
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the fill")
    args = parser.parse_args(argv)

    var = Path(tempfile.mkdtemp(prefix="dailyadmin-scale-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # The simulator runs on loopback: an allowed API host here (docs/security.md).
    env.update(
        DAILYADMIN_VAR_DIR=str(var),
        DEBUG="1",
        PYTHONUNBUFFERED="1",
        DAILY_API_HOSTS="127.0.0.1",
    )
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(REPO))

    from tests.support.simulator import SimulatorProcess

    procs: list[subprocess.Popen] = []
    sim = SimulatorProcess().start("--rooms", str(args.rooms), rate_limits=True)
    try:
        manage = [sys.executable, str(REPO / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env, cwd=REPO)
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailyadmin.settings")
        django.setup()
        from django.contrib.auth.models import User

        User.objects.create_user("owner", password=PASSWORD)
        celery = [sys.executable, "-m", "celery", "-A", "dailyadmin"]
        log = open(var / "celery.log", "w")  # noqa: SIM115 (closed with the processes)
        for cmd in (
            [*celery, "worker", "--loglevel", "INFO", "-c", "2"],
            [*celery, "beat", "--loglevel", "INFO", "-s", str(var / "celerybeat-schedule")],
        ):
            procs.append(
                subprocess.Popen(
                    cmd, env=env, cwd=REPO, stdout=log, stderr=log, start_new_session=True
                )
            )
        time.sleep(3)  # the worker is listening before the team is added

        started = time.monotonic()
        subprocess.run(
            [*manage, "add_team", sim.rest_domain, "--dialect", "rest", "--base-url",
             sim.rest_base_url, "--token-env", "SCALE_TOKEN", "--owner", "owner"],
            check=True, env={**env, "SCALE_TOKEN": sim.rest_token}, cwd=REPO,
        )  # fmt: skip
        from rooms.models import MirroredRoom, MirrorState, RoomMirror
        from teams.models import Team

        team = Team.objects.get(name=sim.rest_domain)
        loaded, state = 0, ""
        while time.monotonic() - started < args.timeout:
            mirror = RoomMirror.objects.filter(team=team).first()
            state = mirror.state if mirror else "none"
            loaded = MirroredRoom.objects.filter(team=team).count()
            if state == MirrorState.READY and loaded >= args.rooms:
                break
            time.sleep(1)
        fill_seconds = time.monotonic() - started
        print(f"rooms loaded: {loaded:,} of {args.rooms:,} ({state}) in {fill_seconds:.1f} s")
        _stop(procs)
        if loaded < args.rooms:
            print("the fill did not finish: see", var / "celery.log")
            return 1
        return _views(team, sim, args.views)
    finally:
        _stop(procs)
        sim.stop()


def _stop(procs: list[subprocess.Popen]) -> None:
    """Stop the worker and beat (with their children): a warm shutdown first, which waits
    for the task under way (a paced refresh may take a while), then SIGKILL."""
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
    procs.clear()


# The searches of the rooms_page benchmark, in the simulator's names ("<adjective>-<noun>-<n>",
# e.g. "jolly-otter-123"): what each one costs depends on how many rooms it matches and
# where they sort.
SEARCHES = {
    "one letter": "y",  # in "dusty", "fuzzy", "hazy", "icy", "jolly": half the rooms
    "a common word": "otter",  # a noun: a ninth of the rooms, spread over every page
    "a common word, sorting last": "jolly",  # an adjective: a tenth, all on the last pages
    "a rare name": "12345",
    "no match": "sun",
}


def _views(team, sim, views: int) -> int:
    from django.test import Client
    from django.urls import reverse

    from rooms.models import MirroredRoom

    client = Client(HTTP_HOST="localhost")
    assert client.login(username="owner", password=PASSWORD)
    rooms = reverse("rooms:list", kwargs={"team_slug": team.slug})
    count = reverse("rooms:count", kwargs={"team_slug": team.slug})
    deep = max(1, MirroredRoom.objects.filter(team=team).count() // 50 - 10)
    pages = {
        "minimal page (password change)": (reverse("password_change"), {}),
        "rooms, first page": (rooms, {}),
        "rooms, by name descending": (rooms + "?sort=-name", {}),
        "rooms, newest first": (rooms + "?sort=-created", {}),
        "rooms, by privacy descending": (rooms + "?sort=-privacy", {}),
        f"rooms, deep page ({deep:,})": (rooms + f"?page={deep}", {}),
    }
    for label, q in SEARCHES.items():
        pages[f"rooms, search of {label} ({q!r})"] = (rooms + f"?q={q}", {})
    # A search of more than one page is counted after its page (rooms:count, by htmx):
    # each count is a request of its own, shown apart from the pages.
    htmx = {"HTTP_HX_REQUEST": "true"}
    for q in SEARCHES.values():
        pages[f"  its count, loaded after ({q!r})"] = (count + f"?q={q}", htmx)
    sim.clear_request_counts()
    timings: dict[str, list[float]] = {}
    for url, headers in pages.values():
        client.get(url, **headers)  # warm
    # Round after round of every view, so that the load of a shared machine, which drifts,
    # weighs on every view alike (not on whichever ran while it peaked).
    for _ in range(views):
        for what, (url, headers) in pages.items():
            t = time.perf_counter()
            response = client.get(url, **headers)
            timings.setdefault(what, []).append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                print(f"{what}: HTTP {response.status_code}")
                return 1
    calls = sum(sim.request_counts().values())
    base = statistics.median(timings["minimal page (password change)"])
    print(f"{'view':52} {'p50 ms':>8} {'ratio':>6}")
    worst = 0.0
    for what, values in timings.items():
        p50 = statistics.median(values)
        ratio = p50 / base
        if what.startswith("rooms"):
            worst = max(worst, ratio)
        print(f"{what:52} {p50:8.1f} {ratio:6.2f}x")
    print(f"Daily calls during {views * len(pages) + len(pages)} views: {calls}")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"worst rooms page: {worst:.2f}x the minimal page (target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
