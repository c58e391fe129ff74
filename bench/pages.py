"""2. Pages under load: gunicorn with 2 workers on loopback, a closed-loop load generator.

The baseline is `/healthz` (a plain `HttpResponse("ok")` view of the product, through the
same middleware), served by the same gunicorn in the same run, measured before and after
the pages (their mean, so a machine that drifts during the run shows in neither side
alone). Each page is loaded with 2 connections, one request in flight per worker: both
workers busy, latency without queueing behind a third request.

Pages (a REST team whose history is in the database, as the ingest benchmark left it):
the team overview, the rooms page (every room of the team, from the rooms mirror, filled
first as the worker fills it), and the meetings list and people report over the default
30-day range ending on the simulator's day. Each page is checked first: 200, not a login
redirect, and showing its data.
"""

from __future__ import annotations

import requests

from bench import load
from bench.harness import Harness, HarnessError, say
from bench.results import NONE, Row, at_most, ratio_at_most

NAME = "pages"
CONNECTIONS = 2
WARM_UP = 3


def pages(h: Harness) -> list[tuple[str, str, str]]:
    """(label, path, a text the page must show)."""
    first, last = h.report_range()
    query = f"?from={first}&to={last}"
    slug = h.teams["rest"].slug
    return [
        ("team overview", f"/t/{slug}/", "Rooms"),
        (
            f"rooms page, {h.profile.rooms:,} rooms",
            f"/t/{slug}/rooms/",
            f"{h.profile.rooms:,} rooms.",
        ),
        ("meetings list", f"/t/{slug}/attendance/meetings/{query}", "meetings"),
        ("people report", f"/t/{slug}/attendance/people/{query}", "people"),
    ]


def _check(url: str, cookie: str, must_show: str) -> None:
    response = requests.get(url, headers={"Cookie": cookie}, allow_redirects=False, timeout=60)
    if response.status_code != 200 or must_show not in response.text:
        raise HarnessError(
            f"{url} answered {response.status_code} without {must_show!r}: {response.text[:300]!r}"
        )


def run(h: Harness) -> list[Row]:
    from rooms import mirror

    h.ensure_history()
    # The rooms page reads the rooms mirror the worker keeps: fill it first, as it does.
    mirror.fill(h.team("rest"))
    cookie = h.session_cookie()
    seconds = h.profile.load_seconds
    with h.gunicorn(workers=2) as base:
        for _label, path, must_show in pages(h):
            _check(base + path, cookie, must_show)
            for _ in range(WARM_UP):
                requests.get(base + path, headers={"Cookie": cookie}, timeout=60)

        def measure(label: str, path: str) -> load.Load:
            say(f"pages: {label}, {seconds} s, {CONNECTIONS} connections")
            result = load.run(base + path, cookie, seconds, CONNECTIONS, h.tmp)
            if result.errors:
                raise HarnessError(f"{label}: {result.errors} failed requests under load")
            return result

        before = measure("/healthz", "/healthz")
        loads = [(label, measure(label, path)) for label, path, _ in pages(h)]
        after = measure("/healthz", "/healthz")

    p50 = (before.p50_ms + after.p50_ms) / 2
    p99 = (before.p99_ms + after.p99_ms) / 2
    rows = [
        Row(
            NAME,
            "/healthz (the baseline) p50",
            p50,
            None,
            "ms",
            note=f"{before.p50_ms:.1f} ms before, {after.p50_ms:.1f} ms after the pages; "
            f"{(before.per_second + after.per_second) / 2:,.0f} requests/s",
        )
    ]
    for label, result in loads:
        rooms = label.startswith("rooms page")
        people = label.startswith("people report")
        note = f"{result.per_second:,.1f} requests/s, {result.requests:,} requests"
        rows.append(
            Row(
                NAME,
                f"{label} p50",
                result.p50_ms,
                p50,
                "ms",
                ratio_at_most(3) if rooms else NONE,
                note=note,
            )
        )
        rows.append(
            Row(
                NAME,
                f"{label} p99",
                result.p99_ms,
                p99,
                "ms",
                at_most(200, "ms") if people else NONE,
            )
        )
    return rows
