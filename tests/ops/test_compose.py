"""docker-compose.yml, run without a container engine: its migrate step, gunicorn, a worker
and beat (and the demo simulator) started from the file's own commands and environment
(`${…}` filled from a .env of this test, the image's ENV beneath), with container paths
mapped to a temporary directory and service names to 127.0.0.1, against the machine's
PostgreSQL (a database of its own) and Redis (a database number of its own). Then: /readyz
is 200, a login works, "Sync now" is carried out by the worker, and /metrics of the web
server counts the Daily calls the worker made. Plus the file's promises that need no
process: no published port but on loopback, the beat schedule on a volume, threads."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
from cryptography.fernet import Fernet
from django.db import connection

from tests.ops import compose
from tests.ops.support import REPO, Process, free_port, wait_for

SIM_TOKEN = "sim-rest-key"  # the simulator's REST key when started without --rest-token


def test_the_compose_file_publishes_nothing_and_keeps_beats_schedule_on_a_volume():
    spec = compose.load()
    services = spec["services"]
    for name, svc in services.items():
        for port in svc.get("ports") or []:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} to every interface"
    assert spec["networks"]["backend"].get("internal") is True
    for name in ("postgres", "redis"):
        assert services[name]["networks"] == ["backend"]
    assert "proxy" in services["web"]["networks"]
    assert not any("proxy" in (s.get("networks") or []) for n, s in services.items() if n != "web")
    beat = services["beat"]
    schedule = beat["command"].split("--schedule", 1)[1].split()[0]
    mounts = {v.split(":", 1)[1] for v in beat["volumes"]}
    assert any(schedule.startswith(m + "/") for m in mounts), "beat's schedule is not on a volume"
    web = services["web"]["command"]
    assert "--threads" in web and "gthread" in web
    assert services["web"]["healthcheck"]["test"][-1].endswith("/readyz")
    image = compose.image_env()
    assert image["DEBUG"] == "0"


def test_every_variable_the_compose_file_reads_is_in_the_env_example():
    text = (REPO / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text)) - {"DAILYADMIN_IMAGE"}
    example = (REPO / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z_][A-Z0-9_]*)=", example, re.M))
    assert used - listed == set(), "add these to .env.example"
    required = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", text))
    assert required <= set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.M))


def _dotenv(db_url: str, redis_url: str, sim_port: int, metrics_key: str) -> dict[str, str]:
    """What an operator's .env holds (cf. .env.example), for this machine."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "POSTGRES_PASSWORD": "unused-here",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "DAILY_API_HOSTS": f"127.0.0.1:{sim_port}",
        "METRICS_KEY": metrics_key,
        # The beat entries' own pace; the test asks for its sync itself.
        "DAILY_SYNC_INTERVAL": "3600",
        # A first sync of two days of the simulator's history, not ninety.
        "DAILY_SYNC_INITIAL_DAYS": "2",
    }


def _database(name: str) -> str:
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _redis_url() -> str:
    """The suite's Redis, on a database number of its own (flushed before and after)."""
    base = urlsplit(os.environ["REDIS_URL"])
    current = int((base.path or "/0").strip("/") or 0)
    return urlunsplit(base._replace(path=f"/{15 if current != 15 else 14}"))


class Browser:
    """requests with the proxy's part played: X-Forwarded-Proto https (the HTTPS redirect
    and Secure cookies of DEBUG=0), cookies kept by hand since they are Secure."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def send(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{urlsplit(self.base).netloc}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **kwargs.pop("headers", {}),
        }
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=20, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def csrf(self, path: str) -> str:
        page = self.send("GET", path)
        assert page.status_code == 200, page.text[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.simulator
@pytest.mark.django_db
def test_the_compose_stack_migrates_serves_logs_in_and_syncs(tmp_path: Path):
    spec = compose.load()
    db_name = f"dailyadmin_compose_{secrets.token_hex(4)}"
    admin_url = _database("postgres")
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute(f'CREATE DATABASE "{db_name}"')
    redis_url = _redis_url()
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    web_port, sim_port = free_port(), free_port()
    metrics_key = secrets.token_urlsafe(24)
    dotenv = _dotenv(_database(db_name), redis_url, sim_port, metrics_key)
    # Named volumes and each container's own /app/var become folders here.
    paths = {"/app/var": str(tmp_path / "var"), "/data": str(tmp_path / "simdata")}
    for svc in spec["services"].values():
        for volume in svc.get("volumes") or []:
            name, target = volume.split(":", 1)
            paths.setdefault(target, str(tmp_path / name))
    for folder in set(paths.values()):
        Path(folder).mkdir(parents=True, exist_ok=True)
    addresses = {
        "0.0.0.0:8000": f"127.0.0.1:{web_port}",
        "0.0.0.0": "127.0.0.1",  # noqa: S104 (mapped away from, not bound to)
        "9000": str(sim_port),
    }
    base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}

    def env_of(name: str) -> dict[str, str]:
        svc = compose.service(spec, name, dotenv, paths=paths, addresses=addresses)
        return {**base_env, **svc.env}

    def argv_of(name: str) -> list[str]:
        return compose.service(spec, name, dotenv, paths=paths, addresses=addresses).argv

    def run(name: str, argv: list[str], **extra: str) -> None:
        proc = subprocess.run(
            argv,
            cwd=REPO,
            env={**env_of(name), **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, f"{' '.join(argv[1:4])}: {proc.stderr[-2000:]}"

    started = time.monotonic()
    processes: list[Process] = []
    try:
        processes.append(Process("simulator", argv_of("simulator"), env_of("simulator")))
        # What the image did at build time, then what an operator does once (docs).
        run("web", [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"])
        run("migrate", argv_of("migrate"))
        manage = [sys.executable, "manage.py"]
        run("web", [*manage, "createsuperuser", "--noinput", "--username", "ops",
                    "--email", "ops@example.com"],
            DJANGO_SUPERUSER_PASSWORD="compose-test-pass-9")  # fmt: skip
        wait_for(lambda: "listening" in "".join(processes[0].lines), 20, "simulator up")
        run("web", [*manage, "add_team", "demo-rest", "--dialect", "rest", "--base-url",
                    f"http://127.0.0.1:{sim_port}/v1", "--token-env", "SIM_TOKEN",
                    "--owner", "ops"],
            SIM_TOKEN=SIM_TOKEN)  # fmt: skip
        for name in ("web", "worker", "beat"):
            processes.append(Process(name, argv_of(name), env_of(name)))

        browser = Browser(f"http://127.0.0.1:{web_port}")
        wait_for(
            lambda: browser.send("GET", "/readyz").status_code == 200, 40, "/readyz answering 200"
        )
        ready = browser.send("GET", "/readyz").json()
        assert ready["checks"] == dict.fromkeys(("database", "cache", "broker", "migrations"), "ok")

        token = browser.csrf("/login/")
        form = {"username": "ops", "password": "compose-test-pass-9", "csrfmiddlewaretoken": token}
        login = browser.send("POST", "/login/", data=form)
        assert login.status_code == 302 and "/login/" not in login.headers["Location"], login.text
        overview = browser.send("GET", "/t/demo-rest/")
        assert overview.status_code == 200 and "demo-rest" in overview.text

        token = browser.csrf("/t/demo-rest/attendance/sync/")
        queued = browser.send(
            "POST", "/t/demo-rest/attendance/sync/now/", data={"csrfmiddlewaretoken": token}
        )
        assert queued.status_code == 200, queued.text[:500]

        def manual_sync() -> tuple | None:
            with psycopg.connect(dotenv["DATABASE_URL"]) as pg:
                return pg.execute(
                    "SELECT outcome, meetings_seen, error_type, error FROM attendance_syncrun "
                    "WHERE trigger = 'manual' AND outcome <> 'running'"
                ).fetchone()

        try:
            wait_for(lambda: manual_sync() is not None, 40, "the worker's sync")
        except AssertionError:
            raise AssertionError(f"no sync; the worker said:\n{processes[2].output}") from None
        assert manual_sync()[0] == "ok", manual_sync()

        # The worker's Daily calls, counted in its process, at the web server's /metrics.
        assert browser.send("GET", "/metrics").status_code == 401
        metrics = browser.send(
            "GET", "/metrics", headers={"Authorization": f"Bearer {metrics_key}"}
        )
        assert metrics.status_code == 200
        assert re.search(
            r'dailyadmin_daily_requests_total\{[^}]*route="/meetings"[^}]*\} [1-9]', metrics.text
        ), metrics.text[:3000]
        # beat keeps its schedule where the compose file's volume is.
        wait_for(
            lambda: any(Path(paths["/app/var/beat"]).glob("celerybeat-schedule*")), 10,
            "beat's schedule file on its volume",
        )  # fmt: skip
        for process in processes:
            assert process.alive(), f"{process.name} stopped:\n{process.output}"
        # One JSON object per line from the web server (LOG_FORMAT defaults to json).
        web_lines = [line for line in processes[1].lines if line.startswith("{")]
        assert any('"logger": "dailyadmin.access"' in line for line in web_lines)
        # The worker too (Celery keeps the settings' logging), its records naming their task.
        assert any(
            line.startswith("{") and '"task": "attendance.tasks.sync_team_task"' in line
            for line in processes[2].lines
        ), processes[2].output
    finally:
        for process in reversed(processes):
            process.stop()
        broker.flushdb()
        broker.close()
        with psycopg.connect(admin_url, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    print(f"compose stack up, logged in and synced in {time.monotonic() - started:.1f} s")
