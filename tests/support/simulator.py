"""Start the Daily API simulator as a process, and pytest fixtures around it.

    sim = SimulatorProcess().start("--now", "2025-03-10T15:30:00Z", "--clock", "frozen")
    requests.get(sim.rest_base_url + "/rooms", headers=sim.rest_headers)
    sim.stop()

Fixtures (register with `pytest_plugins = ["tests.support.simulator"]`):
- `simulator`: one process for the test session, rate limits on, its clock
  frozen at the real time of start (to the minute): the history covers the
  last 90 days as the dashboard sees them, and nothing moves unless a test
  moves the clock (`sim.clock(advance=...)`); `sim.start_now` is that instant
  (set SIMULATOR_NOW to replay a run at a given instant);
- `simulator_fast`: the same with rate limits off (for tests that hammer it);
- `sim`: function-scoped, resets the session process (seed state, clock as
  started, faults cleared) and yields it.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTENING = "simulator listening on "
START_TIMEOUT = 30.0
DOMAINS_TOKEN = "sim-domains-key"
REST_TOKEN = "sim-rest-key"
DOMAINS_TEAM = "demo-team"
REST_DOMAIN = "demo-rest"


class SimulatorError(RuntimeError):
    pass


class SimulatorProcess:
    """One `python -m simulator` child process and helpers for its control API."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.domains_token = DOMAINS_TOKEN
        self.rest_token = REST_TOKEN
        self.domains_team = DOMAINS_TEAM
        self.rest_domain = REST_DOMAIN
        self.args: list[str] = []
        self.start_now: float | None = None  # the --now given, as unix seconds
        self._stderr: list[str] = []
        self._http = requests.Session()

    # -- lifecycle ---------------------------------------------------------------------
    def start(
        self,
        *extra_args: str,
        seed: str = "demo",
        rate_limits: bool = True,
        now: str | float | None = None,
        frozen: bool = False,
        state: str | os.PathLike[str] | None = None,
        timeout: float = START_TIMEOUT,
    ) -> SimulatorProcess:
        args = [sys.executable, "-m", "simulator", "--port", "0", "--seed", seed]
        if not rate_limits:
            args.append("--no-rate-limits")
        self.start_now = None
        if now is not None:
            self.start_now = _unix(now)
            args += ["--now", str(now)]
        if frozen:
            args += ["--clock", "frozen"]
        if state is not None:
            args += ["--state", str(state)]
        args += list(extra_args)
        for flag, attr in (("--domains-token", "domains_token"), ("--rest-token", "rest_token")):
            if flag in args:
                setattr(self, attr, args[args.index(flag) + 1])
        self.args = args
        self.proc = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._stderr = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.url = self._wait_for_listening(timeout)
        return self

    def _drain_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)

    def _wait_for_listening(self, timeout: float) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            raise SimulatorError(f"no listening line within {timeout}s: {self.stderr}") from None
        if not line.startswith(LISTENING):
            self.stop()
            raise SimulatorError(f"simulator failed to start: {line!r} {self.stderr}")
        return line[len(LISTENING) :].strip()

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate (SIGTERM: saves --state), wait, kill if needed; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        code = self.proc.returncode
        self.proc = None
        self._http.close()
        return code

    # -- addresses ---------------------------------------------------------------------
    @property
    def domains_base_url(self) -> str:
        return self.url

    @property
    def rest_base_url(self) -> str:
        return self.url + "/v1"

    @property
    def domains_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.domains_token}"}

    @property
    def rest_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.rest_token}"}

    # -- control API -------------------------------------------------------------------
    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, f"{self.url}/_sim/{path}", timeout=60, **kwargs)
        if response.status_code != 200:
            raise SimulatorError(f"{method} /_sim/{path}: {response.status_code} {response.text}")
        return response.json()

    def health(self) -> dict[str, Any]:
        return self.control("GET", "health")

    def faults(self, **switches: Any) -> dict[str, Any]:
        return self.control("POST", "faults", json=switches)

    def clear_faults(self) -> dict[str, Any]:
        return self.control("POST", "faults/clear")

    def reset(self) -> dict[str, Any]:
        return self.control("POST", "reset")

    def truth(
        self, team: str, start: Any = None, end: Any = None, room: str | None = None
    ) -> dict[str, Any]:
        return self.control("GET", "truth", params=_window(team, start, end, room))

    def truth_counts(
        self, team: str, start: Any = None, end: Any = None, room: str | None = None
    ) -> dict[str, Any]:
        return self.control("GET", "truth/counts", params=_window(team, start, end, room))

    def clock(
        self,
        set: Any = None,
        advance: float | None = None,
        follow_real: bool | None = None,
    ) -> dict[str, Any]:
        body = {
            k: v
            for k, v in (("set", set), ("advance", advance), ("follow_real", follow_real))
            if v is not None
        }
        return self.control("POST", "clock", json=body) if body else self.control("GET", "clock")

    def now(self) -> float:
        return float(self.clock()["now"])

    def save(self, path: str | None = None) -> dict[str, Any]:
        return self.control("POST", "save", json={"path": path} if path else {})

    def request_counts(self) -> dict[str, int]:
        return self.control("GET", "requests")["by_route"]

    def clear_request_counts(self) -> None:
        self.control("POST", "requests/clear")

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        return self.control("GET", "webhook-deliveries")["deliveries"]

    def flush_webhooks(self) -> int:
        return int(self.control("POST", "webhooks/flush")["posted"])


def _unix(value: str | float) -> float:
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except ValueError:
        return datetime.fromisoformat(value).timestamp()


def real_now_minute() -> int:
    """The real time, to the minute: a start instant on the API's 15-second grid.

    SIMULATOR_NOW (unix seconds or ISO 8601) replaces it, to replay a failing run.
    """
    fixed = os.environ.get("SIMULATOR_NOW")
    if fixed:
        return int(_unix(fixed)) // 60 * 60
    return int(time.time()) // 60 * 60


def _window(team: str, start: Any, end: Any, room: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"team": team}
    for key, value in (("start", start), ("end", end), ("room", room)):
        if value is not None:
            params[key] = value
    return params


def wait_until(predicate: Any, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll `predicate` until it returns something truthy (returned) or fail."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@pytest.fixture(scope="session")
def simulator() -> Iterator[SimulatorProcess]:
    process = SimulatorProcess().start(now=real_now_minute(), frozen=True)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def simulator_fast() -> Iterator[SimulatorProcess]:
    process = SimulatorProcess().start(now=real_now_minute(), frozen=True, rate_limits=False)
    yield process
    process.stop()


@pytest.fixture
def sim(simulator: SimulatorProcess) -> SimulatorProcess:
    simulator.reset()
    simulator.clear_faults()
    simulator.clear_request_counts()
    return simulator
