"""What the teams views share: full page or partial, the request id, pagination filters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_partial(request: HttpRequest) -> bool:
    """htmx swapping part of a page gets the partial; anything else the whole page, including
    a history restore (the back button after htmx dropped its snapshot) and a deep link."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def respond(
    request: HttpRequest,
    template: str,
    partial: str | None,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """Render `template#partial` for htmx and `template` otherwise: the view chooses."""
    name = f"{template}#{partial}" if partial and wants_partial(request) else template
    response = render(request, name, context, status=status)
    # One URL answers a fragment or a page: caches must keep the two apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def request_id(request: HttpRequest) -> str:
    """The request id a proxy put in front of us, for the audit log (empty when none)."""
    return request.headers.get("X-Request-ID", "")[:64]


def query_without_page(request: HttpRequest) -> str:
    """The current filters, urlencoded, for pagination links to carry along."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def poll_url(request: HttpRequest, asked_at: float | None) -> str:
    """The page's own URL for its polling region, keeping the
    "Try again" it waits for (`after`) only while it is recent."""
    params = request.GET.copy()
    params.pop("after", None)
    if asked_at is not None:
        params["after"] = f"{asked_at:.3f}"
    return f"{request.path}?{params.urlencode()}" if params else request.path
