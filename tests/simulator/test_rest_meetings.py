"""Rest dialect: meetings, participants, presence, eject, and truth equality."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.simulator

DAY = 86400


def ok(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> Any:
    url = sim.rest_base_url + path
    response = requests.request(method, url, headers=sim.rest_headers, timeout=30, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def all_meetings(sim: SimulatorProcess, **params: Any) -> list[dict[str, Any]]:
    """Page with starting_after until data is empty, as the contract says."""
    out: list[dict[str, Any]] = []
    while True:
        page = ok(sim, "GET", "/meetings", params=params)
        if not page["data"]:
            return out
        out += page["data"]
        params["starting_after"] = page["data"][-1]["id"]


def all_participants(sim: SimulatorProcess, meeting_id: str, limit: int = 100) -> list[Any]:
    """Page with joined_after until the 404 Daily documents past the last participant."""
    out: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    url = f"{sim.rest_base_url}/meetings/{meeting_id}/participants"
    while True:
        response = requests.get(url, headers=sim.rest_headers, params=params, timeout=30)
        if response.status_code == 404:
            assert response.json()["error"] == "not-found"
            return out
        assert response.status_code == 200, response.text
        page = response.json()["data"]
        assert page, "an empty page is never served: the end is a 404"
        out += page
        params["joined_after"] = page[-1]["participant_id"]


def test_meetings_page_newest_first_and_total_count_covers_the_window(
    sim: SimulatorProcess, now: int
) -> None:
    window = {"timeframe_start": now - DAY, "timeframe_end": now}
    first = ok(sim, "GET", "/meetings", params={**window, "limit": 20})
    assert len(first["data"]) == 20
    served = all_meetings(sim, **window, limit=37)
    assert len(served) == first["total_count"] == len({m["id"] for m in served})
    starts = [m["start_time"] for m in served]
    assert starts == sorted(starts, reverse=True)
    assert all(window["timeframe_start"] <= s < window["timeframe_end"] for s in starts)
    newer = ok(
        sim, "GET", "/meetings", params={**window, "limit": 3, "ending_before": served[5]["id"]}
    )
    assert [m["id"] for m in newer["data"]] == [m["id"] for m in served[2:5]]


def test_limit_is_capped_at_100(sim: SimulatorProcess, now: int) -> None:
    page = ok(sim, "GET", "/meetings", params={"limit": 1000, "no_participants": "true"})
    assert len(page["data"]) == 100 and page["total_count"] > 5000
    assert "participants" not in page["data"][0]


def test_times_have_15_second_granularity_and_sessions_their_ids(
    sim: SimulatorProcess, now: int
) -> None:
    data = ok(sim, "GET", "/meetings", params={"timeframe_start": now - 3 * 3600})["data"]
    named_by_token = anonymous = unset = 0
    for meeting in data:
        assert meeting["start_time"] % 15 == 0 and meeting["duration"] % 15 == 0
        for p in meeting["participants"]:
            assert p["join_time"] % 15 == 0
            assert isinstance(p["duration"], int) and p["duration"] % 15 == 0
            if p["user_id"] is None:
                unset += 1
            elif p["user_id"] == p["participant_id"]:
                anonymous += 1
            else:
                assert p["user_id"].startswith("u-")
                named_by_token += 1
    # Without a token user id, Daily reports null or the session id: both appear.
    assert named_by_token and anonymous and unset


def test_an_ongoing_meeting_reports_durations_so_far_for_it_and_everyone_still_in(
    sim: SimulatorProcess, now: int
) -> None:
    # docs.daily.co/reference/rest-api/meetings: "`join_time`, `duration`, and
    # `participant_id` will always contain valid data", also for someone still in.
    live = ok(sim, "GET", "/meetings", params={"ongoing": "true"})
    assert live["total_count"] >= 2
    for meeting in live["data"]:
        assert meeting["ongoing"] is True
        assert meeting["duration"] == (now - meeting["start_time"]) // 15 * 15
        assert all(isinstance(p["duration"], int) for p in meeting["participants"])
        truth = sim.truth("demo-rest", meeting["start_time"], meeting["start_time"] + 1,
                          room=meeting["room"])["meetings"][0]  # fmt: skip
        still_in = [p for p in truth["participants"] if p["leave"] is None]
        assert still_in
        served = {p["participant_id"]: p for p in meeting["participants"]}
        for p in still_in:
            if p["participant_id"] in served:
                assert served[p["participant_id"]]["duration"] == (now - p["join"]) // 15 * 15
        assert meeting["max_participants"] >= 1


def test_participants_past_the_last_page_are_a_404(sim: SimulatorProcess, now: int) -> None:
    # docs.daily.co/reference/rest-api/meetings/get-meeting-participants: "Once there are
    # no more users remaining, you'll receive a `404` from the endpoint."
    truth = sim.truth("demo-rest", now - DAY, now, room="standup")["meetings"]
    meeting = next(t for t in truth if len(t["participants"]) >= 2)
    url = f"{sim.rest_base_url}/meetings/{meeting['id']}/participants"
    last = meeting["participants"][-1]["participant_id"]
    first = meeting["participants"][0]["participant_id"]
    for params in ({"joined_after": last}, {"joined_before": first}):
        response = requests.get(url, headers=sim.rest_headers, params=params, timeout=30)
        assert response.status_code == 404 and response.json()["error"] == "not-found"
    assert len(all_participants(sim, meeting["id"], limit=1)) == len(meeting["participants"])


def test_a_hipaa_domain_reports_non_uuid_user_ids_as_hipaa(sim: SimulatorProcess, now: int) -> None:
    # docs.daily.co/reference/rest-api/meeting-tokens/config, `user_id`: on HIPAA domains a
    # UUID comes back as itself, anything else as the string "hipaa".
    window = {"timeframe_start": now - 3 * 3600}
    before = [p for m in ok(sim, "GET", "/meetings", params=window)["data"]
              for p in m["participants"]]  # fmt: skip
    assert sim.control("POST", "domain-config", json={"hipaa": True}) == {"hipaa": True}
    assert ok(sim, "GET", "/")["config"]["hipaa"] is True
    after = [p for m in ok(sim, "GET", "/meetings", params=window)["data"]
             for p in m["participants"]]  # fmt: skip
    assert [p["participant_id"] for p in after] == [p["participant_id"] for p in before]
    for old, new in zip(before, after, strict=True):
        if old["user_id"] is not None and old["user_id"].startswith("u-"):
            assert new["user_id"] == "hipaa"
        else:
            assert new["user_id"] == old["user_id"]  # null, or the session id (a UUID)
    assert any(p["user_id"] == "hipaa" for p in after)
    sim.reset()
    assert ok(sim, "GET", "/")["config"]["hipaa"] is False


def test_big_meetings_cap_inline_participants_and_page_the_rest(
    sim: SimulatorProcess, now: int
) -> None:
    truth = sim.truth("demo-rest", now - 20 * DAY, now, room="all-hands")["meetings"]
    big = next(m for m in truth if len(m["participants"]) > 100)
    meeting = ok(sim, "GET", f"/meetings/{big['id']}")
    assert len(meeting["participants"]) == 100
    everyone = all_participants(sim, big["id"], limit=30)
    assert [p["participant_id"] for p in everyone] == [
        p["session_key"] for p in big["participants"]
    ]
    joins = [p["join_time"] for p in everyone]
    assert joins == sorted(joins)
    last_id = everyone[40]["participant_id"]
    before = ok(sim, "GET", f"/meetings/{big['id']}/participants",
                params={"joined_before": last_id, "limit": 10})["data"]  # fmt: skip
    assert before == everyone[30:40]


def test_truth_equals_what_the_api_serves(sim: SimulatorProcess, now: int) -> None:
    start, end = now - 2 * DAY, now + 1
    served = all_meetings(sim, timeframe_start=start, timeframe_end=end)
    truth = sim.truth("demo-rest", start, end)["meetings"]
    assert [m["id"] for m in served] == [t["key"] for t in reversed(truth)]
    for meeting, t in zip(served, reversed(truth), strict=True):
        assert meeting["start_time"] == t["start"] and meeting["ongoing"] == t["ongoing"]
        if not meeting["ongoing"]:
            assert t["end"] == meeting["start_time"] + meeting["duration"]
        parts = meeting["participants"]
        if len(t["participants"]) > 100:
            parts = all_participants(sim, meeting["id"])
        assert [
            (p["participant_id"], p["user_id"], p["user_name"], p["join_time"], p["duration"])
            for p in parts
        ] == [
            (q["participant_id"], q["user_id"], q["user_name"], q["join"], q["duration"])
            for q in t["participants"]
        ]
    counts = sim.truth_counts("demo-rest", start, end)
    assert counts["meetings"] == len(served)


def test_presence_lists_people_in_rooms_now(sim: SimulatorProcess, now: int) -> None:
    presence = ok(sim, "GET", "/presence")
    assert presence, "the chained rooms are always live"
    for room, people in presence.items():
        for person in people:
            assert person["room"] == room
            assert set(person) == {"id", "userId", "userName", "joinTime", "duration", "room"}
            assert person["joinTime"].endswith(".000Z") and person["duration"] >= 0


def test_eject_ends_sessions_now_everywhere(sim: SimulatorProcess, now: int) -> None:
    presence = ok(sim, "GET", "/presence")
    room, people = next(iter(presence.items()))
    target = people[0]["id"]
    answer = ok(sim, "POST", f"/rooms/{room}/eject", json={"ids": [target]})
    assert answer == {"ejectedIds": [target]}
    assert target not in {p["id"] for p in ok(sim, "GET", "/presence").get(room, [])}
    truth = sim.truth("demo-rest", now - DAY, now + 1, room=room)["meetings"]
    session = next(p for m in truth for p in m["participants"] if p["participant_id"] == target)
    assert session["leave"] == now and session["duration"] == now - session["join"]
    again = ok(sim, "POST", f"/rooms/{room}/eject", json={"ids": [target]})
    assert again == {"ejectedIds": []}


def test_eject_by_user_id_with_ban(sim: SimulatorProcess, now: int) -> None:
    found: list[tuple[str, dict[str, Any]]] = []
    for _ in range(48):  # someone with a token user_id is present within a few hours
        presence = ok(sim, "GET", "/presence")
        found = [(room, p) for room, ps in presence.items() for p in ps if p["userId"]]
        if found:
            break
        sim.clock(advance=600)
    room, person = found[0]
    body = {"user_ids": [person["userId"]], "ban": True}
    answer = ok(sim, "POST", f"/rooms/{room}/eject", json=body)
    assert person["id"] in answer["ejectedIds"]
    still = ok(sim, "GET", "/presence").get(room, [])
    assert person["userId"] not in {p["userId"] for p in still}
