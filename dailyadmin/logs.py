"""Log lines that an operator can search: JSON (one object per line) or plain text.

Every record carries the request id (the proxy's `X-Request-ID`, or one made here and
written back into the request so the audit log gets the same id), the team of the URL and
the user, when the record belongs to a request; a Celery task's records carry the task's
name and id instead. `LOG_FORMAT=json|text` picks the format (json by default outside
DEBUG). Neither format adds anything a log call did not already put in its message: no
headers, no cookies, no tokens.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
access = logging.getLogger("dailyadmin.access")
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
# What a proxy's request id may look like; anything else is replaced, never logged.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,64}")

_context: ContextVar[dict[str, Any] | None] = ContextVar("dailyadmin_log_context", default=None)


def current() -> dict[str, Any]:
    """The context of the request or task being handled (empty outside one)."""
    return _context.get() or {}


@contextmanager
def bound(**values: Any) -> Iterator[None]:
    """Records logged inside carry `values` (a Celery task's name and id, say)."""
    token = _context.set({**current(), **values})
    try:
        yield
    finally:
        _context.reset(token)


def start_task(name: str, task_id: str) -> None:
    """Celery's task_prerun: the task's records carry its name and id until it ends."""
    _context.set({"task": name, "task_id": task_id})


def end_task() -> None:
    _context.set(None)


def _request_id(request: HttpRequest) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if _REQUEST_ID.fullmatch(given):
        return given
    made = uuid.uuid4().hex
    # teams.views.common.request_id reads the header: the audit log gets the same id.
    request.META["HTTP_X_REQUEST_ID"] = made
    request.__dict__.pop("headers", None)  # HttpRequest.headers is a cached property
    return made


def _route(request: HttpRequest) -> str:
    """What the access log says was asked: the URL pattern (`/invitation/<str:token>/`),
    never the path itself, which can hold a single-use token (an invitation, a password
    reset); nor the query string, where a search term is nobody's business. A path that
    matched no pattern is cut short."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route.lstrip("^").rstrip("$")
    return request.path[:100]


class RequestContextMiddleware:
    """Binds the request id, the URL's team and the user to every record of the request,
    and answers with the request id so a report can quote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context: dict[str, Any] = {"request_id": _request_id(request), "request": request}
        token = _context.set(context)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            access.log(
                logging.DEBUG if request.path in _PROBES else logging.INFO,
                "%s %s %d %.0f ms",
                request.method,
                _route(request),
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
        finally:
            _context.reset(token)
        response.setdefault(REQUEST_ID_HEADER, context["request_id"])
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        team = kwargs.get("team_slug")
        if team:
            current()["team"] = str(team)


def _user_of(context: dict[str, Any]) -> str:
    request = context.get("request")
    # Only a user already loaded for the request: a log call never runs a query.
    user = getattr(request, "_cached_user", None) if request is not None else None
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(user.get_username())


class ContextFilter(logging.Filter):
    """Puts request_id, team, user (and task, task_id) on every record, and keeps the path
    out of Django's own request records ("Not Found: <path>"): they say the URL pattern,
    as the access log does, so an expired invitation's or reset link's token stays out."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple) and path in record.args:
            route = _route(request)  # type: ignore[arg-type]
            record.args = tuple(route if arg == path else arg for arg in record.args)
        context = current()
        record.request_id = context.get("request_id", "")
        record.team = context.get("team", "")
        record.user = _user_of(context)
        record.task = context.get("task", "")
        record.task_id = context.get("task_id", "")
        return True


_CONTEXT_FIELDS = ("request_id", "team", "user", "task", "task_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context, and the
    traceback (as one string) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in _CONTEXT_FIELDS:
            value = getattr(record, field, "")
            if value:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
