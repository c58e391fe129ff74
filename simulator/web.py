"""Requests, responses and routing, independent of http.server.

Nothing here knows what a handler serves: a handler takes a context (the
server passes the simulator object) and a `Request`, so this module sits at the
bottom of the simulator's layers (see tests/test_architecture.py).

Paths are matched segment by segment *after* percent-decoding each segment,
so `/v1/rooms/..%2Fuser%2Fx` is one room name `../user/x` (and rejected as
such), never a path to another endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, unquote

Ctx = TypeVar("Ctx")


class BadJson(ValueError):
    """The request body is not the JSON object the endpoint needs."""


class RestError(Exception):
    """Raised by rest handlers; becomes `{"error": type, "info": info}`."""

    def __init__(self, status: int, error: str, info: str, **extra: Any) -> None:
        super().__init__(info)
        self.status, self.error, self.info, self.extra = status, error, info, extra


def invalid(info: str) -> RestError:
    return RestError(400, "invalid-request-error", info)


def not_found(info: str, **extra: Any) -> RestError:
    return RestError(404, "not-found", info, **extra)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)

    def json(self, default_empty: bool = True) -> Any:
        if not self.body.strip():
            if default_empty:
                return {}
            raise BadJson("a JSON body is required")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadJson(f"request body is not valid JSON: {exc}") from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise BadJson("request body must be a JSON object")
        return data


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is (e.g. an HTML gateway page)
    content_type: str = "application/json; charset=utf-8"
    drop: bool = False  # close the connection without answering

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def rest_error(status: int, error: str, info: str, **extra: Any) -> Response:
    return Response(status, {"error": error, "info": info, **extra})


def domains_error(message: str) -> Response:
    # The original API's quirk: errors travel in an HTTP 200.
    return Response(200, {"error": {"message": message}})


@dataclass(frozen=True)
class Route(Generic[Ctx]):
    method: str
    template: str
    handler: Callable[[Ctx, Request], Response]
    area: str  # "domains" | "rest" | "control"
    locked: bool = True  # run with the simulator lock held

    @property
    def parts(self) -> list[str]:
        return [p for p in self.template.split("/") if p]


class Router(Generic[Ctx]):
    def __init__(self, routes: list[Route[Ctx]]) -> None:
        self.routes = routes

    def match(
        self, method: str, segments: list[str]
    ) -> tuple[Route[Ctx] | None, dict[str, str], bool]:
        """(route, path params, path exists with another method)."""
        path_known = False
        for route in self.routes:
            parts = route.parts
            if len(parts) != len(segments):
                continue
            params: dict[str, str] = {}
            for part, seg in zip(parts, segments, strict=True):
                if part.startswith("{"):
                    params[part[1:-1]] = seg
                elif part != seg:
                    break
            else:
                if route.method == method:
                    return route, params, True
                path_known = True
        return None, {}, path_known


def split_path(raw_path: str) -> tuple[str, list[str], dict[str, str]]:
    path, _, qs = raw_path.partition("?")
    segments = [unquote(s) for s in path.split("/") if s]
    query = dict(parse_qsl(qs, keep_blank_values=True))
    return path, segments, query
