"""The image's HEALTHCHECK: `python -m dailyadmin.probe URL` exits 0 on a 2xx, else 1, and
asks as the proxy would (an allowed Host, X-Forwarded-Proto https)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dailyadmin.probe import host_header
from tests.ops.support import REPO


def _probe(url: str, allowed_hosts: str) -> int:
    env = {**os.environ, "ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run(
        [sys.executable, "-m", "dailyadmin.probe", url], cwd=REPO, env=env, timeout=30
    ).returncode


def test_the_probe_passes_on_2xx_fails_otherwise_and_sends_what_the_proxy_would():
    seen: list[dict[str, str]] = []
    status = {"/ready": 200, "/down": 503}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers.items()))
            self.send_response(status.get(self.path, 404))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert _probe(f"{base}/ready", ".example.com,admin.example.com") == 0
        assert seen[-1]["Host"] == "example.com"
        assert seen[-1]["X-Forwarded-Proto"] == "https"
        assert _probe(f"{base}/down", "admin.example.com") == 1
        server.shutdown()
        assert _probe(f"{base}/ready", "admin.example.com") == 1  # nobody answers
    finally:
        server.server_close()


def test_the_host_is_the_first_usable_allowed_host():
    assert host_header("admin.example.com,other") == "admin.example.com"
    assert host_header("*,dash.example.com") == "dash.example.com"
    assert host_header("") == "localhost"
