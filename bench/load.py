"""The load generator: Debian's wrk, or a small closed-loop Python one where wrk is missing.

Both are closed loops: `connections` clients each send a request, wait for the answer,
and send the next, for `seconds`, on loopback only. Latencies are per request, from
sending to the end of the answer; p50 and p99 come from all of them.
"""

from __future__ import annotations

import http.client
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.harness import HarnessError

# wrk calls done() once at the end; latencies are in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and answers other than 2xx/3xx

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator() -> str:
    path = shutil.which("wrk")
    if path is None:
        return "Python closed loop (bench/load.py; wrk not installed)"
    version = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    first = (version.stdout or version.stderr).splitlines()[:1]
    return (first[0].split(" Copyright")[0] if first else "wrk") + ", --latency percentiles"


def run(
    url: str,
    cookie: str,
    seconds: int,
    connections: int,
    scratch: Path,
    headers: dict[str, str] | None = None,
) -> Load:
    """Load `url` with the session `cookie` (and any other `headers`, e.g. HX-Request)."""
    if shutil.which("wrk"):
        return _wrk(url, cookie, seconds, connections, scratch, headers or {})
    return _python(url, cookie, seconds, connections, headers or {})


def _wrk(
    url: str,
    cookie: str,
    seconds: int,
    connections: int,
    scratch: Path,
    headers: dict[str, str],
) -> Load:
    script = scratch / "bench-done.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    cmd = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{max(1, int(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {cookie}",
        *(arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")),
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise HarnessError(f"wrk failed: {done.stderr or done.stdout}")
    requests, duration_us, p50, p99, socket_errors, status_errors = map(int, line.split()[1:])
    return Load(requests, duration_us / 1e6, p50 / 1000, p99 / 1000, socket_errors + status_errors)


def _python(url: str, cookie: str, seconds: int, connections: int, headers: dict[str, str]) -> Load:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, **headers})
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                ok = False
            finally:
                conn.close()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    if len(latencies) < 2:
        raise HarnessError(f"{url}: fewer than two answers in {seconds} s")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Load(len(latencies), duration, cuts[49] * 1000, cuts[98] * 1000, errors[0])
