"""`make run`'s command, started for real with no configuration, as a newcomer would."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.support.simulator import wait_until

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def demo(tmp_path, request):
    port, sim_port = _free_port(), _free_port()
    # As `make run` starts it: DEBUG=1 (the Makefile's), and Daily's own API hosts only, so
    # the demo itself must allow its simulator (the suite allows loopback everywhere).
    drop = ("DATABASE_URL", "REDIS_URL", "DAILY_API_HOSTS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DAILYADMIN_VAR_DIR=str(tmp_path / "var"), DAILY_SYNC_INITIAL_DAYS="3", DEBUG="1")
    env.update(getattr(request, "param", {}))  # more settings, e.g. DEMO_ROOMS
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--port", str(port), "--sim-port", str(sim_port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    try:
        wait_until(lambda: any("is running at" in line for line in lines), timeout=120)
        wait_until(lambda: _port_open(port), timeout=30)
        yield proc, f"http://127.0.0.1:{port}", sim_port, lines
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login/",
        data={"username": username, "password": "dailyadmin-demo", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=10,
    )
    assert response.ok and "/login/" not in response.url, f"{username} could not log in"
    return session


def test_make_run_serves_the_demo_with_a_worker_and_stops_everything_on_ctrl_c(demo, tmp_path):
    proc, base, sim_port, lines = demo
    output = "".join(lines)
    assert "Log in as one of: owner, admin, manager" in output
    # Mail goes where the banner says: a password reset lands in var/mail/ as a file.
    mail_dir = (tmp_path / "var" / "mail").resolve()
    assert f"Mail (password resets, invitations, alerts) is written to {mail_dir}" in output
    visitor = requests.Session()
    form = visitor.get(f"{base}/account/reset/", timeout=10).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    asked = visitor.post(
        f"{base}/account/reset/",
        {"email": "owner@example.com", "csrfmiddlewaretoken": csrf},
        timeout=10,
    )
    assert asked.ok and "Check your email" in asked.text
    sent = wait_until(lambda: list(mail_dir.iterdir()), timeout=10)
    assert f"{base}/account/reset/" in sent[0].read_text()
    assert re.search(r"Synced demo-team: \d+ meetings", output)
    assert re.search(r"Synced demo-rest: \d+ meetings", output)

    for username in ("owner", "admin", "manager"):
        home = _login(base, username).get(f"{base}/", timeout=10)
        assert home.ok and "demo-team" in home.text and "demo-rest" in home.text

    # "Sync now" goes through the filesystem broker to the real worker.
    session = _login(base, "manager")
    history = session.get(f"{base}/t/demo-rest/attendance/sync/", timeout=10).text
    token = re.search(r'"X-CSRFToken": "([^"]+)"', history).group(1)
    started = session.post(
        f"{base}/t/demo-rest/attendance/sync/now/",
        headers={"X-CSRFToken": token, "HX-Request": "true", "Referer": base},
        timeout=10,
    )
    assert started.ok, started.text
    since = re.search(r"since=([^\"&]+)", started.text).group(1)

    def finished() -> bool:
        status = session.get(
            f"{base}/t/demo-rest/attendance/sync/status/?since={since}", timeout=10
        )
        return "Done:" in status.text

    wait_until(finished, timeout=90, interval=1)

    # The processes' logs are in var/log/, so the address and the logins stay the last
    # thing on screen, even after pages were served and the worker ran a sync.
    banner_end = max(i for i, line in enumerate(lines) if "Press Ctrl-C" in line)
    assert "".join(lines[banner_end + 1 :]).strip() == ""
    assert "is running at" in "".join(lines[banner_end - 6 : banner_end])
    logs = tmp_path / "var" / "log"
    assert f"Logs: {logs.resolve()}/ (web.log" in output
    assert "GET /t/demo-rest/attendance/sync/" in (logs / "web.log").read_text()
    assert "attendance" in (logs / "worker.log").read_text()
    assert "simulator listening on" in (logs / "simulator.log").read_text()

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    time.sleep(0.5)
    assert not _port_open(int(base.rsplit(":", 1)[1])), "the web server is still running"
    assert not _port_open(sim_port), "the simulator is still running"
    leftovers = subprocess.run(
        ["pgrep", "-s", str(proc.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == [], f"processes left behind: {leftovers}"


@pytest.mark.parametrize("demo", [{"DEMO_ROOMS": "350"}], indirect=True)
def test_demo_rooms_sizes_the_world_and_the_worker_fills_the_rooms_mirror(demo, tmp_path):
    proc, _base, sim_port, _lines = demo
    listed = requests.get(
        f"http://127.0.0.1:{sim_port}/v1/rooms",
        params={"limit": 1},
        headers={"Authorization": "Bearer sim-rest-key"},
        timeout=10,
    ).json()["total_count"]
    assert 300 < listed <= 350  # DEMO_ROOMS reached the simulator (a few rooms expire)
    database = sqlite3.connect(tmp_path / "var" / "dailyadmin.sqlite3", timeout=20)

    def filled() -> tuple[str, int] | None:
        row = database.execute(
            "SELECT m.state, (SELECT COUNT(*) FROM rooms_mirroredroom r WHERE r.team_id = t.id)"
            " FROM rooms_roommirror m JOIN teams_team t ON t.id = m.team_id"
            " WHERE t.slug = 'demo-rest'"
        ).fetchone()
        return row if row and row[0] == "ready" else None

    try:
        _state, count = wait_until(filled, timeout=90, interval=1)
    finally:
        database.close()
    assert count == listed
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
