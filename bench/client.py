"""4. Client overhead: `daily/` calls against raw `requests` calls of the same endpoints.

Each operation runs once through the client with a recording session, which gives the
exact requests it sends (pages, cursors, window splits). The baseline replays those
requests with a plain `requests.Session` and decodes each body with `.json()`: the
least any caller must do. The client adds validation, the retry wrapper, error
mapping and the typed results. Both use a keep-alive session made before the timing,
against the same simulator, alternately.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests

from bench.harness import SIM_NOW, Harness, compare, say
from bench.results import Row, ratio_at_most
from daily import DailyClient, make_client

NAME = "client"


def _client(h: Harness, dialect: str, session: requests.Session | None = None) -> DailyClient:
    sim = h.sim
    if dialect == "rest":
        return make_client("rest", sim.rest_base_url, sim.rest_token, session=session)
    return make_client(
        "domains", sim.domains_base_url, sim.domains_token, team=sim.domains_team, session=session
    )


Sent = tuple[str, str, bytes | None]  # method, URL, body


def recorded(h: Harness, dialect: str, call: Callable[[DailyClient], Any]) -> list[Sent]:
    """The requests `call` makes through the client (the domains API reads with POST)."""
    sent: list[Sent] = []
    session = requests.Session()

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        request = response.request
        body = request.body.encode() if isinstance(request.body, str) else request.body
        sent.append((request.method or "GET", request.url or "", body))

    session.hooks["response"].append(hook)
    call(_client(h, dialect, session))
    session.close()
    return sent


def operations(h: Harness) -> list[tuple[str, str, Callable[[DailyClient], Any]]]:
    end = SIM_NOW - timedelta(hours=1)
    window = timedelta(hours=6) if h.profile.name == "full" else timedelta(hours=12)
    return [
        (f"rest list_rooms ({h.profile.rooms:,} rooms)", "rest", lambda c: c.list_rooms()),
        (
            f"rest meetings, {window.total_seconds() / 3600:.0f} h",
            "rest",
            lambda c: list(c.meetings(end - window, end)),
        ),
        ("rest presence", "rest", lambda c: c.presence()),
        ("domains team_info", "domains", lambda c: c.team_info()),
        (
            f"domains meetings, {window.total_seconds() / 3600:.0f} h",
            "domains",
            lambda c: list(c.meetings(end - window, end)),
        ),
    ]


def run(h: Harness) -> list[Row]:
    rows = []
    for what, dialect, call in operations(h):
        sent = recorded(h, dialect, call)
        headers = h.sim.rest_headers if dialect == "rest" else h.sim.domains_headers
        headers = {**headers, "Content-Type": "application/json"}
        client = _client(h, dialect)
        raw = requests.Session()

        def replay(sent: list[Sent] = sent, raw: requests.Session = raw, headers=headers) -> None:
            for method, url, body in sent:
                response = raw.request(method, url, data=body, headers=headers, timeout=60)
                response.raise_for_status()
                response.json()

        say(f"client: {what} ({len(sent)} requests), {h.profile.reps} times each")
        measured, baseline = compare(
            lambda call=call, client=client: call(client), replay, max(h.profile.reps, 3)
        )
        client.close()
        raw.close()
        rows.append(
            Row(
                NAME,
                f"{what}, {len(sent)} request{'s' if len(sent) != 1 else ''}",
                measured * 1000,
                baseline * 1000,
                "ms",
                ratio_at_most(1.1),
            )
        )
    return rows
