"""The HTTP server: one pipeline for every API request.

Order for API paths (`/domains/...`, `/v1/...`): count the request, apply the
fault switches, check the bearer token, apply rate limits (rest only), then
run the handler with the simulator lock held. `/_sim/...` skips everything
but the handler.

Rate limits are the rest dialect's (CONTRACT.md); the original API never
answers anything but 200 except on failures, so it has none (a 429 fault
still applies to it, as a gateway would send one).
"""

from __future__ import annotations

import socket
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulator import (
    avatars,
    control,
    domains_api,
    rest_domain,
    rest_logs,
    rest_meetings,
    rest_recordings,
    rest_rooms,
    tokens,
    webhooks,
)
from simulator.app import Simulator
from simulator.faults import DELETE_ROOM_LIMIT, GENERAL_LIMIT, Decision, FaultError
from simulator.web import (
    BadJson,
    Request,
    Response,
    RestError,
    Router,
    domains_error,
    rest_error,
    split_path,
)

ROUTER: Router[Simulator] = Router(
    [
        *domains_api.ROUTES,
        *rest_domain.ROUTES,
        *rest_rooms.ROUTES,
        *rest_meetings.ROUTES,
        *rest_logs.ROUTES,
        *rest_recordings.ROUTES,
        *tokens.ROUTES,
        *webhooks.ROUTES,
        *control.ROUTES,
        *avatars.ROUTES,
    ]
)
ROOM_PATH = "/v1/rooms/{name}"  # its DELETE has its own, lower limit
AREAS = {"domains": "domains", "v1": "rest", "_sim": "control"}
GATEWAY_PAGE = (
    "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}"
    "</h1></center><hr><center>nginx</center></body></html>"
)
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
REASONS[504] = "Gateway Time-out"


def _gateway(code: int) -> Response:
    page = GATEWAY_PAGE.format(code=code, reason=REASONS[code]).encode()
    return Response(code, raw=page, content_type="text/html")


def _fault_response(sim: Simulator, area: str, decision: Decision) -> Response | None:
    if decision.status_5xx is not None:
        code = decision.status_5xx
        if code == 500 and area == "rest":
            return rest_error(500, "server-error", "internal server error")
        if code == 500:
            return Response(500, {"error": {"message": "internal server error"}})
        return _gateway(code)  # 502/503/504 come from the proxy in front: HTML, not JSON
    if decision.too_many:
        return _too_many(sim, area)
    if decision.error_in_200 and area == "domains":
        return domains_error("internal error, please try again")
    return None


def _too_many(sim: Simulator, area: str) -> Response:
    if area == "rest":
        response = rest_error(429, "rate-limit-error", "Too many requests, please slow down")
    else:
        response = Response(429, raw=b"Too Many Requests", content_type="text/plain")
    retry_after = sim.faults.config.retry_after
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _auth(sim: Simulator, area: str, headers: dict[str, str]) -> tuple[str | None, Response | None]:
    header = headers.get("authorization")
    scheme, _, token = (header or "").partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" else None
    if area == "domains":
        if bearer != sim.cfg.domains_token:
            return None, domains_error(domains_api.UNAUTHORIZED)
        return bearer, None
    # Reference: docs.daily.co/reference/rest-api (Authentication): "If an API call
    # requires authentication, but no Authorization: Bearer header is present, we return an
    # HTTP 400 error, with ... "authorization-header-error"". A header that is there but
    # not `Bearer <key>` is docs.daily.co/docs/rest-api/errors' own example:
    # `{"error": "invalid-request-error", "info": "bad Authorization header format"}`.
    if header is None:
        return None, rest_error(400, "authorization-header-error", "missing Authorization header")
    if not bearer or " " in bearer:
        return None, rest_error(400, "invalid-request-error", "bad Authorization header format")
    if bearer != sim.cfg.rest_token:
        return None, rest_error(401, "authentication-error", "invalid API key")
    return bearer, None


def dispatch(
    sim: Simulator, method: str, raw_path: str, headers: dict[str, str], body: bytes
) -> Response:
    path, segments, query = split_path(raw_path)
    area = AREAS.get(segments[0]) if segments else None
    if area is None:
        return Response(404, {"error": "not-found", "info": f"no such path: {path}"})
    route, params, _ = ROUTER.match(method, segments)
    req = Request(method, path, query, headers, body, params)
    if area == "control":
        if route is None:
            return Response(404, {"error": f"no control endpoint {method} {path}"})
        return _run(sim, route.handler, req, area, route.locked)

    sim.count_request(f"{method} {route.template if route else '<unknown>'}")
    decision = sim.faults.decide(path)
    generation = sim.generation
    if decision.latency:
        time.sleep(decision.latency)
    if decision.hang:
        time.sleep(decision.hang)  # longer than the client's read timeout
    if decision.drop or sim.generation != generation:
        return Response(drop=True)
    faulted = _fault_response(sim, area, decision)
    if faulted is not None:
        return faulted
    key, denied = _auth(sim, area, headers)
    if denied is not None:
        return denied
    if area == "rest" and key is not None and sim.faults.config.rate_limits:
        deleting = method == "DELETE" and route is not None and route.template == ROOM_PATH
        # docs.daily.co/reference/rest-api "Rate limits": GET /recordings is as slow.
        listing_recordings = (
            method == "GET"
            and route is not None
            and route.template == rest_recordings.RECORDING_LIST_PATH
        )
        if deleting:
            bucket, limit = "delete-room", DELETE_ROOM_LIMIT
        elif listing_recordings:
            bucket, limit = "list-recordings", DELETE_ROOM_LIMIT
        else:
            bucket, limit = "general", GENERAL_LIMIT
        if not sim.limiter.allow(key, bucket, limit):
            return _too_many(sim, area)
    if route is None:
        if area == "domains":
            return Response(404, {"error": {"message": f"Cannot {method} {path}"}})
        return rest_error(404, "not-found", f"no such endpoint: {method} {path}")
    return _run(sim, route.handler, req, area, route.locked)


def _run(sim: Simulator, handler: Any, req: Request, area: str, locked: bool) -> Response:
    try:
        if not locked:
            return handler(sim, req)
        with sim.lock:
            return handler(sim, req)
    except RestError as exc:
        return rest_error(exc.status, exc.error, exc.info, **exc.extra)
    except BadJson as exc:
        if area == "control":
            return Response(400, {"error": str(exc)})
        return rest_error(400, "json-parsing-error", str(exc))
    except FaultError as exc:
        return Response(400, {"error": str(exc)})
    except Exception as exc:  # a bug in the simulator must not look like a hang
        traceback.print_exc(file=sys.stderr)
        if area == "domains":
            return Response(500, {"error": {"message": "internal server error"}})
        return rest_error(500, "server-error", f"simulator bug: {exc!r}")


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients pool connections
    server_version = "daily-simulator/1.0"
    server: SimServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle plus
        # the client's delayed ACK adds ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        try:
            body = self._read_body()
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = dispatch(self.server.sim, self.command, self.path, headers, body)
            if response.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            data = response.encode()
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True  # the client gave up (e.g. after a hang fault)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks read stdout for the listening line only


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], sim: Simulator) -> None:
        super().__init__(address, SimHandler)
        self.sim = sim
