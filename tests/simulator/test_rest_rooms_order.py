"""The room list's order survives mutations between pages, and `ending_before=OLDEST`.

docs.daily.co/reference/rest-api, "Pagination": newest first; `starting_after` pages on to
older rooms, `ending_before` back to newer ones, and "the special value OLDEST fetches the
'last' page of results (the page containing the objects created longest ago)".
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.simulator


def ok(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> Any:
    response = requests.request(
        method, sim.rest_base_url + path, headers=sim.rest_headers, timeout=30, **kw
    )
    assert response.status_code == 200, response.text
    return response.json()


def every_room(sim: SimulatorProcess, limit: int) -> list[dict[str, Any]]:
    rooms: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = ok(sim, "GET", f"/rooms?limit={limit}{cursor}")["data"]
        if not page:
            return rooms
        rooms += page
        cursor = f"&starting_after={page[-1]['id']}"


def test_pages_follow_creations_deletions_and_expiry(sim: SimulatorProcess, now: int) -> None:
    before = every_room(sim, 7)
    first = ok(sim, "GET", "/rooms?limit=3")
    assert first["total_count"] == len(before)
    created = ok(sim, "POST", "/rooms", json={"name": "brand-new"})
    page = ok(sim, "GET", "/rooms?limit=3")
    assert page["data"][0]["name"] == "brand-new"
    assert page["total_count"] == len(before) + 1
    # The cursor of a room deleted between two pages still pages on after it.
    ok(sim, "DELETE", "/rooms/brand-new")
    after_deleted = ok(sim, "GET", f"/rooms?limit=3&starting_after={created['id']}")
    assert [r["name"] for r in after_deleted["data"]] == [r["name"] for r in before[:3]]
    # A room whose exp passes leaves the list and its count.
    victim = before[1]["name"]
    ok(sim, "POST", f"/rooms/{victim}", json={"properties": {"exp": now + 60}})
    sim.clock(advance=120)
    listed = every_room(sim, 7)
    assert victim not in {r["name"] for r in listed}
    assert len(listed) == len(before) - 1
    assert ok(sim, "GET", "/rooms?limit=1")["total_count"] == len(before) - 1


def test_oldest_is_the_last_page_and_ending_before_walks_back(sim: SimulatorProcess) -> None:
    everything = every_room(sim, 100)
    assert len(everything) > 5
    oldest = ok(sim, "GET", "/rooms?limit=4&ending_before=OLDEST")["data"]
    assert [r["id"] for r in oldest] == [r["id"] for r in everything[-4:]]
    newer = ok(sim, "GET", f"/rooms?limit=2&ending_before={oldest[0]['id']}")["data"]
    assert [r["id"] for r in newer] == [r["id"] for r in everything[-6:-4]]
