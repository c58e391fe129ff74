"""`make run`: the whole dashboard on one machine, with demo data.

Starts the Daily API simulator, migrates, points the demo teams at the
simulator, then runs the web server, a Celery worker and beat until Ctrl-C,
which stops every process started here. Their output goes to one file each under
var/log/ (web.log, worker.log, beat.log, simulator.log), so the address and the
logins, printed last, stay on screen.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from attendance.models import SyncTrigger
from attendance.sync import sync_team
from daily import DailyError
from teams.demo import DEMO_PASSWORD, DEMO_USERS, set_up_demo
from teams.mail_backends import FILE, describe

# What `describe` reads of the mail settings.
_MAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_SSL",
    "EMAIL_USE_TLS",
)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the child: ask Linux to end it if this command dies without cleaning up."""
    # Not Linux: nothing to do, Ctrl-C still reaches the whole process group.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = "Run the dashboard with the Daily API simulator, a worker and beat (Ctrl-C stops all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--sim-port", type=int, default=int(os.environ.get("SIMULATOR_PORT", 8765))
        )
        parser.add_argument("--no-celery", action="store_true", help="Web and simulator only.")
        parser.add_argument(
            "--rooms",
            type=int,
            default=int(os.environ.get("DEMO_ROOMS") or 0),
            help="Rooms per demo team (DEMO_ROOMS=N make run); the simulator's own default if 0.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            # Demo logins with a published password and the development server: never in
            # production. `make run` sets DEBUG=1.
            raise CommandError("The demo runs only with DEBUG=1 (make run sets it).")
        host, port, sim_port = options["host"], options["port"], options["sim_port"]
        self.rooms = options["rooms"]
        if self.rooms and self.rooms < 3:
            raise CommandError("DEMO_ROOMS (--rooms) must be at least 3.")
        for what, p in (("web server", port), ("simulator", sim_port)):
            if not _port_free(host, p):
                raise CommandError(
                    f"Port {p} for the {what} is in use. Stop what uses it, or choose another "
                    f"with PORT=... / SIMULATOR_PORT=... make run"
                )
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.log_dir = Path(settings.VAR_DIR) / "log"
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            self._run(host, port, sim_port, start_celery=not options["no_celery"])
        except KeyboardInterrupt:
            pass
        finally:
            self._stop_all()

    def _run(self, host: str, port: int, sim_port: int, *, start_celery: bool) -> None:
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")

        # A world of another size is another world: its own saved state.
        state = var / (
            f"simulator-state-{self.rooms}.json" if self.rooms else "simulator-state.json"
        )
        fresh = not state.exists()
        sim_url = self._start_simulator(host, sim_port, state)
        # The simulator's address joins the allowed API hosts, here and in every process
        # started below (docs/security.md).
        sim = urlsplit(sim_url)
        sim_host = f"[{sim.hostname}]" if ":" in (sim.hostname or "") else sim.hostname
        settings.DAILY_API_HOSTS = [*settings.DAILY_API_HOSTS, f"{sim_host}:{sim.port}"]
        teams = set_up_demo(sim_url)
        self.stdout.write(f"Demo teams: {', '.join(t.name for t in teams)} (pointing at {sim_url})")

        self._after_setup(teams)
        self._start_rooms_mirror(teams, fresh=fresh, in_worker=start_celery)

        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "1",
            "DAILY_API_HOSTS": ",".join(settings.DAILY_API_HOSTS),
        }
        mail_to = self._mail_settings(env, var, f"http://{host}:{port}")
        self._spawn(
            "web",
            [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            env,
        )
        if start_celery:
            celery = [sys.executable, "-m", "celery", "-A", "dailyadmin"]
            self._spawn("worker", [*celery, "worker", "--loglevel", "INFO", "-c", "2"], env)
            self._spawn(
                "beat",
                [*celery, "beat", "--loglevel", "INFO", "-s", str(var / "celerybeat-schedule")],
                env,
            )
        self._wait_for_web(host, port)
        url = f"http://{host}:{port}/"
        logins = ", ".join(DEMO_USERS)
        logs = self._shown(self.log_dir)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  dailyadmin is running at {url}\n"
                f"  Log in as one of: {logins}  (password: {DEMO_PASSWORD})\n"
                f"  Daily API simulator: {sim_url}\n"
                f"  Mail (password resets, invitations, alerts) is {mail_to}\n"
                f"  Logs: {logs}/ (web.log, worker.log, beat.log, simulator.log),"
                f" e.g. tail -f {logs}/web.log\n"
                "  Press Ctrl-C to stop everything.\n"
            )
        )
        while True:
            self._check_running()
            time.sleep(1)

    def _check_running(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is not None:
                raise CommandError(
                    f"The {name} process stopped (exit {proc.returncode}). The end of "
                    f"{self._shown(self._log_path(name))}:\n{self._tail(name)}"
                )

    def _wait_for_web(self, host: str, port: int) -> None:
        """Until the web server answers, so the address printed next works at once."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self._check_running()
            with socket.socket() as sock:
                sock.settimeout(0.5)
                if sock.connect_ex((host, port)) == 0:
                    return
            time.sleep(0.2)

    def _log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def _log_file(self, name: str):
        """A fresh log file for this run of the process `name`."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self._log_path(name).open("wb")

    def _tail(self, name: str, lines: int = 15) -> str:
        try:
            text = self._log_path(name).read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty)"

    @staticmethod
    def _shown(path: Path) -> str:
        """`path` as a person types it here: relative to the current folder when inside it."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path.resolve())

    def _mail_settings(self, env: dict, var: Path, url: str) -> str:
        """Where the processes started here send mail, in words. Unless the environment
        names a mail server, one file per message under var/mail/, which a person trying
        the demo can open (the console would bury it in the servers' logs)."""
        env.setdefault("DASHBOARD_URL", url)
        if not env.get("EMAIL_URL", "").strip() and not env.get("EMAIL_HOST", "").strip():
            folder = var / "mail"
            folder.mkdir(parents=True, exist_ok=True)
            env["EMAIL_URL"] = f"file://{folder.resolve()}"
            return describe({"EMAIL_BACKEND": FILE, "EMAIL_FILE_PATH": str(folder.resolve())})
        # Otherwise the processes read the mail settings of this environment, as this one
        # did (dailyadmin/email_settings.py).
        return describe({name: getattr(settings, name, None) for name in _MAIL_SETTINGS})

    def _after_setup(self, teams) -> None:
        """The first attendance sync, so the reports open with 90 days of history."""
        for team in teams:
            try:
                run = sync_team(team, trigger=SyncTrigger.COMMAND)
            except DailyError as exc:
                self.stderr.write(f"First sync of {team.name} failed ({exc}); beat will retry.")
                continue
            meetings = ngettext("meeting", "meetings", run.meetings_written)
            sessions = ngettext("session", "sessions", run.rows_written)
            self.stdout.write(
                f"Synced {team.name}: {run.meetings_written} {meetings}, "
                f"{run.rows_written} {sessions}."
            )

    def _start_rooms_mirror(self, teams, *, fresh: bool, in_worker: bool) -> None:
        """The rooms mirror's first fill: queued for the worker (the rooms page shows its
        progress), or done here without one. A new simulator world starts it over."""
        from rooms import mirror  # the page app's work, started from the demo only

        for team in teams:
            if fresh:
                mirror.restart(team)
            if in_worker:
                mirror.ensure_started(team)
                mirror.request_refresh(team)
                continue
            try:
                mirror.fill(team)
            except DailyError as exc:
                self.stderr.write(f"Loading the rooms of {team.name} failed ({exc}).")
                continue
            self.stdout.write(f"Loaded the rooms of {team.name}: {mirror.progress(team)[0]}.")

    def _start_simulator(self, host: str, port: int, state: Path) -> str:
        cmd = [
            sys.executable,
            "-m",
            "simulator",
            "--host",
            host,
            "--port",
            str(port),
            "--seed",
            "demo",
            "--state",
            str(state),
        ]
        if self.rooms:
            cmd += ["--rooms", str(self.rooms)]
        proc = self._spawn(
            "simulator", cmd, {**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        seen: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode(errors="replace")
            if not line and proc.poll() is not None:
                raise CommandError(f"The simulator did not start:\n{''.join(seen)}")
            seen.append(line)
            if line.startswith("simulator listening on "):
                # Its output goes on to its log file, so a full pipe can never block it.
                log = self._log_file("simulator")
                log.write("".join(seen).encode())
                log.flush()
                threading.Thread(target=self._drain, args=(proc.stdout, log), daemon=True).start()
                return line.split(" on ", 1)[1].strip()
        raise CommandError("The simulator did not start within 60 seconds.")

    @staticmethod
    def _drain(stream, log) -> None:
        with log:
            for raw in iter(stream.readline, b""):
                log.write(raw)
                log.flush()

    def _spawn(self, name: str, cmd: list[str], env: dict, **kwargs) -> subprocess.Popen:
        """Start `name`; unless told otherwise, its output goes to var/log/<name>.log."""
        log = None
        if "stdout" not in kwargs:
            log = self._log_file(name)
            kwargs.update(stdout=log, stderr=subprocess.STDOUT)
        try:
            proc = subprocess.Popen(  # noqa: S603
                cmd, env=env, cwd=settings.BASE_DIR, preexec_fn=_die_with_parent, **kwargs
            )
        finally:
            if log is not None:
                log.close()  # the child holds its own copy
        self.procs.append((name, proc))
        return proc

    def _stop_all(self) -> None:
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for _name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stdout.write("Stopped.")
