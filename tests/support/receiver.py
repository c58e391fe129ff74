"""A local HTTP server standing in for a webhook receiver: records what Daily POSTs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Daily's test request body, sent before a webhook is created or updated.
TEST_BODY = {"test": "test"}


@dataclass
class Receiver:
    url: str = ""
    status: int = 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def tests(self) -> list[tuple[dict[str, str], bytes]]:
        """The test requests received (headers lower-cased, raw body)."""
        return [(h, b) for h, b in self.received if _json(b) == TEST_BODY]

    def deliveries(self) -> list[tuple[dict[str, str], bytes]]:
        """Everything else: the events."""
        return [(h, b) for h, b in self.received if _json(b) != TEST_BODY]

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.deliveries()]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


@contextmanager
def running_receiver(path: str = "/hooks/daily") -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
