"""5. Upstream economy: Daily requests per page view, and queries per page at two sizes.

Each page is viewed twice in a row by Django's test client in this process (the same
settings and cache as gunicorn): first with everything cached for the team forgotten
(its Daily answers, `rooms.services.invalidate`, and the facts of its synced history,
`attendance.reports.known.forget`), then again within the cache windows. The simulator counts
the HTTP requests it served in between: a REST room list is one listing of
ceil(rooms / 100) pages, and each page is a request, so that is what is counted. The REST
overview's "live now" tile is a request of its own (htmx loads it after the page shows):
it is counted as its own view, so the page and its tile together are both rows.

Queries per page (CaptureQueriesContext) are compared between a team of
`few_rooms` rooms (a second simulator) and one of `rooms` rooms: a page whose query
count grows with the rooms has an N+1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from attendance.reports import known
from bench.harness import Harness, HarnessError, say
from bench.results import EQUAL, Row, at_most
from rooms import mirror
from rooms.services import invalidate
from tests.support.simulator import SimulatorProcess

NAME = "upstream"


@dataclass(frozen=True)
class View:
    requests: int  # HTTP requests the simulator served during the view
    routes: str  # which, e.g. "GET /v1/rooms x21"
    queries: int


HTMX = {"HTTP_HX_REQUEST": "true"}


def view(client: Client, sim: SimulatorProcess, url: str, *, htmx: bool = False) -> View:
    """A page, or with `htmx` a fragment a page loads, asked as htmx asks."""
    sim.clear_request_counts()
    headers = HTMX if htmx else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    if response.status_code != 200:
        raise HarnessError(f"{url} answered {response.status_code}")
    counts = sim.request_counts()
    routes = ", ".join(f"{route} x{n}" for route, n in sorted(counts.items()))
    return View(sum(counts.values()), routes or "none", len(queries))


def first_and_repeat(
    client: Client, sim: SimulatorProcess, team: Any, url: str, *, htmx: bool = False
) -> tuple[View, View]:
    """A first view (everything cached for the team forgotten), then a repeat view."""
    invalidate(team)
    known.forget(team.pk)
    return view(client, sim, url, htmx=htmx), view(client, sim, url, htmx=htmx)


def run(h: Harness) -> list[Row]:
    h.ensure_history()
    p = h.profile
    client = Client()
    client.force_login(h.user)
    first, last = h.report_range()
    query = f"?from={first}&to={last}"
    few = {
        "rest": h.add_team("rest-few", h.few_sim, "rest"),
        "domains": h.add_team("domains-few", h.few_sim, "domains"),
    }
    # The pages read the rooms mirror the worker keeps: fill it first, as the worker does.
    for team in (h.team("rest"), h.team("domains"), *few.values()):
        mirror.fill(team)
    rows: list[Row] = []
    sizes: list[Row] = []
    for dialect in ("rest", "domains"):
        team = h.team(dialect)
        # (what, URL, asked as htmx asks for a fragment)
        pages = [
            ("team overview", "/t/{slug}/", False),
            ("rooms page", "/t/{slug}/rooms/", False),
        ]
        if dialect == "rest":
            pages += [
                # Loaded by the overview after it shows, then every 30 s.
                ("team overview's live-now tile", "/t/{slug}/live/", True),
                ("meetings list", "/t/{slug}/attendance/meetings/" + query, False),
                ("people report", "/t/{slug}/attendance/people/" + query, False),
            ]
        for label, pattern, htmx in pages:
            say(f"upstream: {label} ({dialect})")
            first_view, again = first_and_repeat(
                client, h.sim, team, pattern.format(slug=team.slug), htmx=htmx
            )
            what = f"{label} ({dialect}, {p.rooms:,} rooms)"
            for when, seen, target in (
                ("first", first_view, at_most(1, "requests")),
                ("repeat", again, at_most(0, "requests")),
            ):
                rows.append(
                    Row(
                        NAME,
                        f"Daily requests, {when} view: {what}",
                        seen.requests,
                        None,
                        "requests",
                        target,
                        note=seen.routes,
                    )
                )
            if label not in ("team overview", "rooms page"):
                continue
            small = few[dialect]
            few_views = first_and_repeat(client, h.few_sim, small, pattern.format(slug=small.slug))
            for when, seen, few_seen in zip(
                ("first", "repeat"), (first_view, again), few_views, strict=True
            ):
                sizes.append(
                    Row(
                        NAME,
                        f"queries, {when} view at {p.rooms:,} against {p.few_rooms} rooms: "
                        f"{label} ({dialect})",
                        seen.queries,
                        few_seen.queries,
                        "queries",
                        EQUAL,
                    )
                )
    return rows + sizes
