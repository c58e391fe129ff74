"""What every benchmark shares: the processes, the database, the data and the timing.

A `Harness` is a context manager. Entering it creates a PostgreSQL database of its own
(`dailyadmin_bench_<pid>`, on the host of DATABASE_URL when that names PostgreSQL,
else 127.0.0.1:5432 as user postgres), points Django at it through the environment
(so gunicorn and the sync subprocess see the same settings), migrates, collects the
static files, starts the simulator and creates the teams and the user. Leaving it
stops every process it started and drops the database, also after a failure or a
Ctrl-C (SIGTERM is turned into the same exit).

Settings are the production shape: DEBUG off, the manifest static files storage, a
cache shared by the gunicorn workers. The cache is Django's file cache in the run's
own temporary folder: a shared Redis would mix the run's keys with whatever else uses
it (team ids from two databases look alike), and on a page view the cost is the same
pickle either way.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import requests

from tests.support.simulator import SimulatorProcess

REPO = Path(__file__).resolve().parent.parent
# The simulator's clock, frozen: the same seed gives the same history on every run.
SIM_NOW = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
SIM_SEED = "demo"
HISTORY_START = datetime.combine(SIM_NOW.date(), datetime.min.time(), UTC) - timedelta(days=90)


@dataclass(frozen=True)
class Profile:
    name: str
    scale: float  # the simulator's --scale (45: >= 100,000 meetings, >= 1 M sessions)
    rooms: int  # rooms per team
    few_rooms: int  # the smaller team of the queries-per-page comparison
    history_days: int  # days before SIM_NOW synced into the database
    first_window_days: int  # memory: the first sync window; the second is the rest
    sample_days: float  # ingest against COPY: the meetings of this many days
    load_seconds: int  # load per page
    reps: int  # timed repetitions of each comparison (the median counts)
    report_days: int = 30  # the date range of the report pages and queries


FULL = Profile(
    "full",
    scale=45,
    rooms=2000,
    few_rooms=100,
    history_days=90,
    first_window_days=9,
    sample_days=3,
    load_seconds=30,
    reps=7,
)
SHORT = Profile(
    "short",
    scale=0.3,
    rooms=120,
    few_rooms=6,
    history_days=3,
    first_window_days=1,
    sample_days=0.5,
    load_seconds=1,
    reps=2,
)


class HarnessError(RuntimeError):
    pass


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- timing ----------------------------------------------------------------------------
def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def compare(
    measured: Callable[[], Any],
    baseline: Callable[[], Any],
    reps: int,
    *,
    between: Callable[[], Any] | None = None,
) -> tuple[float, float]:
    """Median seconds of `measured` and of `baseline`, run alternately after a warm-up.

    The order alternates on every repetition, so neither side always runs on the cache
    the other left warm. `between` runs (untimed) after every single timing.
    """
    times: dict[str, list[float]] = {"m": [], "b": []}
    pairs = [("m", measured), ("b", baseline)]
    for rep in range(reps + 1):
        for key, fn in pairs if rep % 2 == 0 else reversed(pairs):
            seconds, _ = timed(fn)
            if rep:  # the first round warms up
                times[key].append(seconds)
            if between is not None:
                between()
    return statistics.median(times["m"]), statistics.median(times["b"])


# -- the database ------------------------------------------------------------------------
@dataclass(frozen=True)
class Database:
    """A PostgreSQL database created and dropped by the harness."""

    name: str
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def for_this_run(cls) -> Database:
        url = os.environ.get("DATABASE_URL", "")
        parts = urlsplit(url) if url.startswith(("postgres://", "postgresql://")) else None
        return cls(
            name=f"dailyadmin_bench_{os.getpid()}",
            host=(parts.hostname if parts else None) or "127.0.0.1",
            port=(parts.port if parts else None) or 5432,
            user=unquote(parts.username) if parts and parts.username else "postgres",
            password=unquote(parts.password) if parts and parts.password else "",
        )

    @property
    def url(self) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{self.port}/{self.name}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    def create(self) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def server_version(self) -> str:
        with self._admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


# -- child processes ---------------------------------------------------------------------
def _read_until(
    stream: Any, found: Callable[[str], bool], timeout: float, what: str, tail: list[str]
) -> str:
    """Read lines of `stream` (in a thread) until one satisfies `found`; keep draining."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            tail.append(line)
            del tail[:-50]
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise HarnessError(f"{what}: not ready within {timeout:.0f} s") from None
        if line is None:
            raise HarnessError(f"{what} stopped: {''.join(tail[-10:])}")
        if found(line):
            return line


def stop_process(proc: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


@dataclass(frozen=True)
class SyncResult:
    meetings: int
    rows: int
    seconds: float
    peak_rss_kib: int
    start_rss_kib: int
    outcome: str


class Harness:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.db = Database.for_this_run()
        self._stack = contextlib.ExitStack()
        self.tmp = Path()
        self.sim = SimulatorProcess()
        self._few_sim: SimulatorProcess | None = None
        self.loaded = False
        self.teams: dict[str, Any] = {}
        self.user: Any = None
        self._previous_sigterm: Any = None

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> Harness:
        self._previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._stack.close()
        finally:
            if self._previous_sigterm is not None:
                signal.signal(signal.SIGTERM, self._previous_sigterm)
                self._previous_sigterm = None

    def _start(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="dailyadmin-bench-"))
        self._stack.callback(shutil.rmtree, self.tmp, ignore_errors=True)
        say(f"database {self.db.name} on {self.db.host}:{self.db.port}")
        self.db.create()
        self._stack.callback(self.db.drop)
        self._configure_environment()

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        # Runs before the drop (an ExitStack unwinds in reverse).
        self._stack.callback(connections.close_all)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        p = self.profile
        say(f"simulator: --scale {p.scale} --rooms {p.rooms}")
        self.sim.start(
            "--scale",
            str(p.scale),
            "--rooms",
            str(p.rooms),
            seed=SIM_SEED,
            rate_limits=False,
            now=SIM_NOW.isoformat(),
            frozen=True,
        )
        self._stack.callback(self.sim.stop)
        self._make_teams()

    def _configure_environment(self) -> None:
        from cryptography.fernet import Fernet

        var = self.tmp / "var"
        var.mkdir()
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "dailyadmin.settings",
                "DATABASE_URL": self.db.url,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                "SECURE_SSL_REDIRECT": "0",
                "DAILYADMIN_VAR_DIR": str(var),
                "LOG_LEVEL": "WARNING",
                # The simulator runs on loopback: an allowed API host here.
                "DAILY_API_HOSTS": "127.0.0.1",
            }
        )
        # The run's own file cache, never a shared Redis (see the module docstring).
        os.environ.pop("REDIS_URL", None)

    def _make_teams(self) -> None:
        from django.contrib.auth import get_user_model

        self.user = get_user_model().objects.create_user(
            username="bench-owner", password=secrets.token_urlsafe(20)
        )
        self.add_team("rest", self.sim, "rest")
        self.add_team("domains", self.sim, "domains")

    # -- the few-rooms simulator (queries per page at two sizes) ----------------------
    @property
    def few_sim(self) -> SimulatorProcess:
        if self._few_sim is None:
            sim = SimulatorProcess().start(
                "--scale",
                "0.05",
                "--rooms",
                str(self.profile.few_rooms),
                seed=SIM_SEED,
                rate_limits=False,
                now=SIM_NOW.isoformat(),
                frozen=True,
            )
            self._stack.callback(sim.stop)
            self._few_sim = sim
        return self._few_sim

    def team(self, key: str) -> Any:
        from teams.models import Team

        return Team.objects.get(pk=self.teams[key].pk)

    def add_team(self, key: str, sim: SimulatorProcess, dialect: str) -> Any:
        """A team on `sim` (slug `bench-<key>`), owned by the benchmark user."""
        from teams.models import Membership, Role, Team

        if key in self.teams:
            return self.team(key)
        rest = dialect == "rest"
        team = Team(
            name=sim.rest_domain if rest else sim.domains_team,
            slug=f"bench-{key}",
            dialect=dialect,
            base_url=sim.rest_base_url if rest else sim.domains_base_url,
        )
        team.set_token(sim.rest_token if rest else sim.domains_token)
        team.save()
        Membership.objects.create(user=self.user, team=team, role=Role.OWNER)
        self.teams[key] = team
        return team

    # -- the data ------------------------------------------------------------------------
    @property
    def history_since(self) -> datetime:
        if self.profile.history_days >= 90:
            return HISTORY_START
        day = SIM_NOW.date() - timedelta(days=self.profile.history_days)
        return datetime.combine(day, datetime.min.time(), UTC)

    @property
    def history_until(self) -> datetime:
        return SIM_NOW - timedelta(seconds=60)

    def sync_in_child(
        self, team_key: str, since: datetime, until: datetime | None = None
    ) -> SyncResult:
        """`attendance.sync.sync_team` in a process of its own (its peak RSS is its own)."""
        cmd = [
            sys.executable,
            "-m",
            "bench.sync_child",
            "--team",
            self.teams[team_key].slug,
            "--since",
            since.isoformat(),
            "--now",
            SIM_NOW.isoformat(),
        ]
        if until is not None:
            cmd += ["--until", until.isoformat()]
        done = subprocess.run(
            cmd, cwd=REPO, capture_output=True, text=True, timeout=3600, check=False
        )
        if done.returncode != 0:
            raise HarnessError(f"the sync failed: {done.stderr[-2000:]}")
        data = json.loads(done.stdout.strip().splitlines()[-1])
        result = SyncResult(**data)
        if result.outcome != "ok":
            raise HarnessError(f"the sync ended {result.outcome}")
        return result

    def ensure_history(self) -> None:
        """The REST team's history in the database (the ingest benchmark loads it itself)."""
        if self.loaded:
            return
        say("syncing the history (untimed: the ingest benchmark was not selected)")
        self.sync_in_child("rest", self.history_since)
        self.after_load()

    def after_load(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            # What autovacuum would do soon after a load, done now so plans are stable.
            cursor.execute(
                "VACUUM (ANALYZE) attendance_meeting, attendance_attendance,"
                " attendance_meetingpresence, attendance_personday"
            )
        self.loaded = True

    def report_range(self) -> tuple[Any, Any]:
        """The date range (inclusive days) of the report pages and queries."""
        last = SIM_NOW.date()
        return last - timedelta(days=self.profile.report_days - 1), last

    # -- web --------------------------------------------------------------------------
    def session_cookie(self) -> str:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(self.user)
        return (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    @contextlib.contextmanager
    def gunicorn(self, workers: int = 2) -> Iterator[str]:
        """gunicorn serving the project on a free loopback port; yields its base URL."""
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "dailyadmin.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            "127.0.0.1:0",
            "--log-level",
            "info",
            "--error-logfile",
            "-",
            "--timeout",
            "60",
        ]
        proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            tail: list[str] = []
            line = _read_until(proc.stderr, lambda s: "Listening at:" in s, 60, "gunicorn", tail)
            url = line.split("Listening at:", 1)[1].split()[0].rstrip("/")
            _wait_http(url + "/healthz", 60)
            yield url
        finally:
            stop_process(proc)
            if proc.stderr is not None:
                proc.stderr.close()


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise HarnessError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.1)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
