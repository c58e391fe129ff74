"""Reports at scale: every attendance page over a year of a large team.

`python -m bench.reports --sessions N` (`make bench-reports SESSIONS=N`) builds, or reuses,
a dataset of about N participant sessions over 366 days in a PostgreSQL database of its
own (`dailyadmin_bench_reports` on DATABASE_URL's server, kept between runs and rebuilt
when N or the seed changes), then prints one line per figure ending with its target and
`met` or `missed`. `--short` is the same code on a few thousand sessions (35 days) in a
throwaway database, three requests per page instead of a load (for the test suite); its
figures mean nothing.

The dataset: the simulator's deterministic history (`simulator.history`, the REST team of
seed `demo`, 2,000 rooms, 80 people with user ids, guests), at the --scale that gives N
sessions over the 366 days ending on the benchmarks' frozen day, written straight into
the tables with COPY (the rows the sync would write), then summarised by the app's own
builders (`attendance.summary.summarise_bulk`, `attendance.rollups.rebuild`).

Figures, for each report at the default range (30 days) and at 366 days:
- pages: p50 and p99 through gunicorn (2 workers, 2 connections, wrk as in the pages
  benchmark); target p99 <= 200 ms;
- queries: the function the page calls against the hand-written SQL over the raw rows
  of the queries benchmark (`bench.queries`), the same figures checked first, medians of
  alternating runs; target <= 1.2x;
- exports: peak RSS (VmHWM, reset before each through /proc/<pid>/clear_refs) of a
  gunicorn worker streaming the meetings CSV of 30 and of 366 days, the people CSV of
  366 days and the usage CSV of two months, with each export's size and time; target:
  the 366-day meetings export within 1.2x of the 30-day one (flat memory as the rows
  grow, in the same run).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import requests

from bench import load
from bench.harness import (
    REPO,
    SIM_NOW,
    Database,
    HarnessError,
    _read_until,
    _wait_http,
    compare,
    say,
    stop_process,
)

DB_NAME = "dailyadmin_bench_reports"
SEED = "demo"
ROOMS = 2000
DAYS = 366
TEAM_SLUG = "bench-reports"
TIME_ZONE = "Europe/Paris"  # midnights an hour or two off UTC: the ranges have edges
SHORT_DAYS = 35  # --short: the history's days (both ranges are still asked)
PAGE_P99_MS = 200.0
QUERY_RATIO = 1.2
RSS_RATIO = 1.2


@dataclasses.dataclass(frozen=True)
class Options:
    sessions: int
    seed: str
    seconds: int  # load per page (0: three requests one after the other, for --short)
    reps: int  # timed repetitions of each query comparison
    short: bool
    build_only: bool = False
    database: str = DB_NAME
    only: tuple[str, ...] = ()  # measure only the figures whose label contains one of these


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--seed", default=SEED)
    parser.add_argument("--seconds", type=int, default=10, help="load per page")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--short", action="store_true", help="tiny data, for the test suite")
    parser.add_argument("--database", default=DB_NAME, help="the dataset's database")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build (or check) the dataset and stop: build under `nice`, measure without",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="measure only the pages and queries whose label contains TEXT (repeatable;"
        " the exports only when TEXT is 'export')",
    )
    a = parser.parse_args(argv)
    if a.short:
        global HISTORY_DAYS
        HISTORY_DAYS = SHORT_DAYS
        return Options(20_000, a.seed, 0, 1, True)
    if a.sessions < 1000:
        parser.error("--sessions: at least 1000")
    return Options(
        a.sessions,
        a.seed,
        max(1, a.seconds),
        max(1, a.reps),
        False,
        a.build_only,
        a.database,
        tuple(a.only),
    )


def wanted(opts: Options, label: str) -> bool:
    return not opts.only or any(text in label for text in opts.only)


# -- results -----------------------------------------------------------------------------
LINES: list[str] = []


def line(what: str, figure: str, target: str, met: bool | None) -> None:
    verdict = "" if met is None else (": met" if met else ": missed")
    text = f"{what}: {figure}; target {target}{verdict}"
    LINES.append(text)
    print(text, flush=True)


# -- the environment ---------------------------------------------------------------------
def _environment(db: Database, var: Path) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "dailyadmin.settings",
            "DATABASE_URL": db.url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "DAILYADMIN_VAR_DIR": str(var),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)  # the run's own file cache (see bench.harness)


def _ensure_database(db: Database) -> None:
    with psycopg.connect(
        host=db.host,
        port=db.port,
        user=db.user,
        password=db.password or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{db.name}"')


# -- the dataset -------------------------------------------------------------------------
MARKER = """CREATE TABLE IF NOT EXISTS bench_reports_dataset (
    sessions_asked bigint, seed text, scale double precision, meetings bigint,
    sessions bigint, built_at timestamptz)"""


def _history(seed: str, scale: float) -> tuple[Any, Any]:
    from simulator.config import SimConfig
    from simulator.history import History
    from simulator.seed import profiles

    cfg = SimConfig(seed=seed, scale=scale, rooms=ROOMS)
    profs = profiles(cfg)
    return History(seed, scale, profs), cfg.rest_domain


HISTORY_DAYS = DAYS  # --short: SHORT_DAYS


def _days() -> list[dt.date]:
    last = SIM_NOW.date()
    return [last - dt.timedelta(days=HISTORY_DAYS - 1 - i) for i in range(HISTORY_DAYS)]


def _sessions_per_day(seed: str, scale: float, sample: list[dt.date]) -> float:
    history, team = _history(seed, scale)
    total = 0
    for day in sample:
        for plan in history.day_plans(team, _day_number(day)):
            total += len(history._make_sessions(plan))
    return total / len(sample)


def _day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _scale_for(sessions: int, seed: str) -> float:
    """The --scale giving about `sessions` over the days: sessions per day are a + b*scale
    (the chained rooms and the all-hands meetings do not grow with the scale)."""
    sample = _days()[-14:]
    low, high = _sessions_per_day(seed, 1, sample), _sessions_per_day(seed, 5, sample)
    b = (high - low) / 4
    a = low - b
    return max(0.01, (sessions / len(_days()) - a) / b)


def _build(team: Any, opts: Options) -> None:
    from django.db import connection, transaction

    from attendance import rollups
    from attendance.summary import summarise_bulk

    scale = _scale_for(opts.sessions, opts.seed)
    say(f"dataset: scale {scale:.2f} for about {opts.sessions:,} sessions over {DAYS} days")
    history, name = _history(opts.seed, scale)
    cut = SIM_NOW - dt.timedelta(seconds=60)
    cut_s = cut.timestamp()
    utc = dt.UTC
    with connection.cursor() as cursor:
        for table in (
            "attendance_roompersonperiod",
            "attendance_roomperiod",
            "attendance_meetingfigures",
            "attendance_personday",
            "attendance_meetingpresence",
            "attendance_attendance",
            "attendance_meeting",
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")  # a database of its own
    started = time.monotonic()
    meeting_id = 0
    meetings = sessions = 0
    days = _days()
    for chunk_start in range(0, len(days), 7):
        chunk = days[chunk_start : chunk_start + 7]
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor
            m_rows, s_rows = [], []
            for day in chunk:
                for plan in history.day_plans(name, _day_number(day)):
                    if plan.start >= cut_s:
                        continue
                    meeting_id += 1
                    ongoing = plan.end > cut_s
                    parts = [p for p in history._make_sessions(plan) if p.join < cut_s]
                    start = dt.datetime.fromtimestamp(plan.start, utc)
                    end = None if ongoing else dt.datetime.fromtimestamp(plan.end, utc)
                    m_rows.append(
                        (meeting_id, team.pk, plan.id, plan.id[:64], plan.room[:128], start, end,
                         ongoing, None if ongoing else plan.end - plan.start, plan.size,
                         len(parts), SIM_NOW, False)
                    )  # fmt: skip
                    for p in parts:
                        guest = p.user_id is None
                        leave = None if ongoing and p.leave > cut_s else p.leave
                        s_rows.append(
                            (meeting_id, team.pk, plan.room[:128], p.pid,
                             f"session:{p.pid}" if guest else p.user_id, guest, p.user_name or "",
                             dt.datetime.fromtimestamp(p.join, utc),
                             None if leave is None else dt.datetime.fromtimestamp(leave, utc),
                             None if leave is None else leave - p.join)
                        )  # fmt: skip
            m_cols = (
                'id, team_id, key, upstream_id, room, start, "end", ongoing, duration,'
                " max_participants, session_count, synced_at, summarised"
            )
            with cursor.copy(f"COPY attendance_meeting ({m_cols}) FROM STDIN") as copy:
                for row in m_rows:
                    copy.write_row(row)
            s_cols = (
                'meeting_id, team_id, room, session_key, identity, is_guest, user_name, "join",'
                " leave, duration"
            )
            with cursor.copy(f"COPY attendance_attendance ({s_cols}) FROM STDIN") as copy:
                for row in s_rows:
                    copy.write_row(row)
            meetings += len(m_rows)
            sessions += len(s_rows)
        say(f"dataset: {chunk[-1]}, {meetings:,} meetings, {sessions:,} sessions")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('attendance_meeting', 'id'), %s)",
            [max(meeting_id, 1)],
        )
        cursor.execute("VACUUM ANALYZE attendance_meeting, attendance_attendance")
    say(f"dataset: rows written in {time.monotonic() - started:.0f} s; summarising")
    # Local days (the team's time zone), two more at each end: every UTC day is covered.
    wider = [days[0] - dt.timedelta(days=2 - i) for i in range(2)] + days
    wider += [days[-1] + dt.timedelta(days=1 + i) for i in range(2)]
    for chunk_start in range(0, len(wider), 31):
        chunk = wider[chunk_start : chunk_start + 31]
        summarise_bulk(team, chunk[0], chunk[-1])
        say(f"dataset: summarised to {chunk[-1]}")
    with connection.cursor() as cursor:  # the statistics of the summarised meetings
        cursor.execute("ANALYZE attendance_meeting, attendance_meetingpresence")
    with transaction.atomic():
        rollups.rebuild(team.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE attendance_meeting, attendance_attendance, attendance_meetingpresence,"
            " attendance_personday, attendance_meetingfigures, attendance_roomperiod,"
            " attendance_roompersonperiod"
        )
        cursor.execute(MARKER)
        cursor.execute("DELETE FROM bench_reports_dataset")
        cursor.execute(
            "INSERT INTO bench_reports_dataset VALUES (%s, %s, %s, %s, %s, now())",
            [opts.sessions, opts.seed, scale, meetings, sessions],
        )
    say(f"dataset: built in {time.monotonic() - started:.0f} s")


def _dataset(team: Any, opts: Options) -> tuple[int, int]:
    """(meetings, sessions) of the dataset, built unless the stored one is for these
    options."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(MARKER)
        cursor.execute(
            "SELECT meetings, sessions FROM bench_reports_dataset"
            " WHERE sessions_asked = %s AND seed = %s",
            [opts.sessions, opts.seed],
        )
        found = cursor.fetchone()
    if found:
        say(f"dataset: reusing {found[0]:,} meetings, {found[1]:,} sessions")
        return int(found[0]), int(found[1])
    _build(team, opts)
    return _dataset(team, opts)


def _team_and_user() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from teams.models import Membership, Role, Team

    team, _ = Team.objects.get_or_create(
        slug=TEAM_SLUG,
        defaults={
            "name": "demo-rest",
            "dialect": "rest",
            "base_url": "http://127.0.0.1:9/",
            "time_zone": TIME_ZONE,
        },
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-reports-owner")
    Membership.objects.get_or_create(user=user, team=team, defaults={"role": Role.OWNER})
    return team, user


def _cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# -- gunicorn ------------------------------------------------------------------------------
@contextlib.contextmanager
def gunicorn(workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    cmd = [
        sys.executable, "-m", "gunicorn", "dailyadmin.wsgi:application",
        "--workers", str(workers), "--bind", "127.0.0.1:0", "--log-level", "info",
        "--error-logfile", "-", "--timeout", "600",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        tail: list[str] = []
        found = _read_until(proc.stderr, lambda s: "Listening at:" in s, 60, "gunicorn", tail)
        url = found.split("Listening at:", 1)[1].split()[0].rstrip("/")
        _wait_http(url + "/healthz", 60)
        yield url, proc
    finally:
        stop_process(proc)
        if proc.stderr is not None:
            proc.stderr.close()


def _worker(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise HarnessError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def _kib(pid: int, field: str) -> int:
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith(field + ":"):
            return int(text.split()[1])
    raise HarnessError(f"no {field} for {pid}")


# -- the measurements --------------------------------------------------------------------
def _ranges() -> list[tuple[str, dt.date, dt.date]]:
    last = SIM_NOW.date()
    return [
        ("30 days", last - dt.timedelta(days=29), last),
        ("366 days", last - dt.timedelta(days=DAYS - 1), last),
    ]


def _pages(team: Any) -> list[tuple[str, str, str, str]]:
    """(label, range label, path, a text the page must show)."""
    from attendance.models import Meeting

    base = f"/t/{team.slug}/attendance"
    out = []
    for label, first, last in _ranges():
        q = f"?from={first}&to={last}"
        out += [
            ("meetings list", label, f"{base}/meetings/{q}", "meetings"),
            ("people report", label, f"{base}/people/{q}", "people"),
            ("rooms report", label, f"{base}/rooms/{q}", "rooms"),
            ("charts", label, f"{base}/charts/{q}", "Meetings per day"),
        ]
    # The usage page (people report's totals per month, 12 months in its chart): the month
    # of today's date (after the history: empty months), the history's last month and its
    # middle one. Its CSV is an export (every room, every person and guest session of the
    # month: ~800,000 lines at 10M sessions), measured with the others in
    # `measure_exports` (time and peak RSS), not against a page's 200 ms.
    usage = f"/t/{team.slug}/usage"
    days = _days()
    for span, month in (
        ("this month", None),
        ("last month of the history", days[-1].replace(day=1)),
        ("middle month of the history", days[len(days) // 2].replace(day=1)),
    ):
        q = "" if month is None else f"?month={month:%Y-%m}"
        shows = "Usage: " if month is None else f"Usage: {month:%B %Y}"
        out.append(("usage page", span, f"{usage}/{q}", shows))
    biggest = (
        Meeting.objects.filter(team=team, end__isnull=False)
        .order_by("-session_count", "pk")
        .values_list("pk", "session_count")
        .first()
    )
    if biggest:
        out.append(
            (f"one meeting ({biggest[1]} sessions)", "-", f"{base}/meetings/{biggest[0]}/", "")
        )
    return out


def _check(url: str, cookie: str, must_show: str) -> None:
    r = requests.get(url, headers={"Cookie": cookie}, allow_redirects=False, timeout=600)
    if r.status_code != 200 or must_show not in r.text:
        raise HarnessError(f"{url} answered {r.status_code}: {r.text[:300]!r}")


def _three(url: str, cookie: str) -> load.Load:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        requests.get(url, headers={"Cookie": cookie}, timeout=600).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return load.Load(3, sum(times) / 1000, times[1], times[2], 0)


def measure_pages(team: Any, cookie: str, opts: Options, tmp: Path, size: str) -> None:
    with gunicorn(2) as (base, _):
        pages = [p for p in _pages(team) if wanted(opts, p[0])]
        for _label, _range, path, must_show in pages:
            _check(base + path, cookie, must_show)
            for _ in range(2):
                requests.get(base + path, headers={"Cookie": cookie}, timeout=600)
        for label, span, path, _ in pages:
            say(f"pages: {label}, {span}, {opts.seconds} s")
            if opts.seconds:
                result = load.run(base + path, cookie, opts.seconds, 2, tmp)
            else:
                result = _three(base + path, cookie)
            if result.errors:
                raise HarnessError(f"{label}: {result.errors} failed requests under load")
            what = f"reports {size}: page p99, {label}" + (f", {span}" if span != "-" else "")
            if not result.requests:  # slower than the whole load: no latency to judge by
                line(what, f"no answer within {opts.seconds} s", f"<= {PAGE_P99_MS:g} ms", False)
                continue
            line(
                what,
                f"{result.p99_ms:.1f} ms (p50 {result.p50_ms:.1f} ms,"
                f" {result.requests:,} requests)",
                f"<= {PAGE_P99_MS:g} ms",
                result.p99_ms <= PAGE_P99_MS,
            )


def measure_queries(team: Any, opts: Options, size: str) -> None:
    from attendance.reports.filters import ReportFilters
    from bench.queries import REPORTS, check_same

    for span, first, last in _ranges():
        f = ReportFilters(team=team, date_from=first, date_to=last, now=SIM_NOW)
        for what, ours, sql in REPORTS:
            if not wanted(opts, what):
                continue
            check_same(what, ours(f), sql(f))
            say(f"queries: {what}, {span}, {opts.reps} times each")
            measured, baseline = compare(
                lambda ours=ours, f=f: ours(f), lambda sql=sql, f=f: sql(f), opts.reps
            )
            ratio = measured / baseline if baseline else 0.0
            line(
                f"reports {size}: query, {what}, {span}",
                f"{measured * 1000:.1f} ms against {baseline * 1000:.1f} ms of hand-written SQL"
                f" over the raw rows = {ratio:.2f}x",
                f"<= {QUERY_RATIO:g}x",
                ratio <= QUERY_RATIO,
            )


def _export(base: str, worker: int, cookie: str, path: str) -> tuple[int, int, int, float]:
    """(RSS before, peak RSS, bytes, seconds) of the worker streaming `path`."""
    # The page first: its code imported and a database connection open, as in service.
    page = path.replace("/export.csv", "/") if "/usage/" in path else path.replace(".csv", "/")
    requests.get(base + page, headers={"Cookie": cookie}, timeout=600)
    Path(f"/proc/{worker}/clear_refs").write_text("5")  # resets the peak (VmHWM) to now
    before = _kib(worker, "VmRSS")
    started = time.monotonic()
    size = 0
    with requests.get(base + path, headers={"Cookie": cookie}, stream=True, timeout=3600) as r:
        if r.status_code != 200:
            raise HarnessError(f"{path} answered {r.status_code}")
        for part in r.iter_content(chunk_size=65536):
            size += len(part)
    seconds = time.monotonic() - started
    return before, _kib(worker, "VmHWM"), size, seconds


def measure_exports(team: Any, cookie: str, size: str) -> None:
    base = f"/t/{team.slug}/attendance"
    (_, f30, l30), (_, f366, l366) = _ranges()
    exports = [
        ("meetings CSV, 30 days", f"{base}/meetings.csv?from={f30}&to={l30}"),
        ("meetings CSV, 366 days", f"{base}/meetings.csv?from={f366}&to={l366}"),
        ("people CSV, 366 days", f"{base}/people.csv?from={f366}&to={l366}"),
    ]
    # The usage CSV of the history's last and middle months (every room, every person and
    # guest session of the month): its time and memory as one export, beside its page.
    days = _days()
    for span, month in (
        ("last month of the history", days[-1].replace(day=1)),
        ("middle month of the history", days[len(days) // 2].replace(day=1)),
    ):
        exports.append(
            (f"usage CSV, {span}", f"/t/{team.slug}/usage/export.csv?month={month:%Y-%m}")
        )
    peaks: dict[str, int] = {}
    # One worker serves them all, one after the other; its peak is reset before each.
    with gunicorn(1) as (url, proc):
        worker = _worker(proc.pid)
        for what, path in exports:
            say(f"exports: {what}")
            before, peak, nbytes, seconds = _export(url, worker, cookie, path)
            peaks[what] = peak
            line(
                f"reports {size}: export peak RSS, {what}",
                f"{peak / 1024:.0f} MiB (before {before / 1024:.0f} MiB; {nbytes / 1e6:,.1f} MB"
                f" in {seconds:.1f} s)",
                "-",
                None,
            )
    ratio = peaks["meetings CSV, 366 days"] / peaks["meetings CSV, 30 days"]
    line(
        f"reports {size}: export peak RSS, meetings CSV of 366 days against 30 days",
        f"{ratio:.2f}x",
        f"<= {RSS_RATIO:g}x",
        ratio <= RSS_RATIO,
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    base = Database.for_this_run()
    name = f"dailyadmin_bench_reports_short_{os.getpid()}" if opts.short else opts.database
    db = dataclasses.replace(base, name=name)
    tmp = Path(tempfile.mkdtemp(prefix="dailyadmin-bench-reports-"))
    var = tmp / "var"
    var.mkdir()
    say(f"database {db.name} on {db.host}:{db.port}")
    try:
        _ensure_database(db)
        _environment(db, var)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        team, user = _team_and_user()
        meetings, sessions = _dataset(team, opts)
        size = f"{sessions:,} sessions"
        say(f"{meetings:,} meetings, {sessions:,} sessions")
        if opts.build_only:
            return 0
        cookie = _cookie(user)
        steps: list[Callable[[], None]] = [
            lambda: measure_queries(team, opts, size),
            lambda: measure_pages(team, cookie, opts, tmp, size),
        ]
        if wanted(opts, "export"):
            steps.append(lambda: measure_exports(team, cookie, size))
        for step in steps:
            step()
    except HarnessError as exc:
        say(f"failed: {exc}")
        return 1
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        if opts.short:
            db.drop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    met = sum(text.endswith(": met") for text in LINES)
    missed = sum(text.endswith(": missed") for text in LINES)
    print(f"\n{met} met, {missed} missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
