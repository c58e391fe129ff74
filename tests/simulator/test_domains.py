"""The original team API ("domains" dialect) as the simulator serves it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import requests

from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.simulator

DAY = 86400


def _team_url(sim: SimulatorProcess, suffix: str = "") -> str:
    return f"{sim.domains_base_url}/domains/by-name/{sim.domains_team}{suffix}"


def call(sim: SimulatorProcess, method: str, suffix: str = "", **kw: Any) -> requests.Response:
    headers = kw.pop("headers", sim.domains_headers)
    return requests.request(method, _team_url(sim, suffix), headers=headers, timeout=30, **kw)


def ok(sim: SimulatorProcess, method: str, suffix: str = "", **kw: Any) -> Any:
    response = call(sim, method, suffix, **kw)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "error" not in body, body
    return body


def error_message(response: requests.Response) -> str:
    assert response.status_code == 200, "domains errors travel in an HTTP 200"
    return response.json()["error"]["message"]


def meetings(sim: SimulatorProcess, start: Any, end: Any, room: str | None = None) -> Any:
    body: dict[str, Any] = {"start": start, "end": end}
    if room is not None:
        body["room"] = room
    return ok(sim, "POST", "/meetings", json=body)


def unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


def test_team_info_has_documented_fields_and_lenient_extras(sim: SimulatorProcess) -> None:
    info = ok(sim, "GET")
    assert info["name"] == "demo-team"
    assert info["teamInviteLink"].startswith("https://d.daily.co/?tk=")
    assert len(info["rooms"]) == 40
    room = info["rooms"][0]
    assert {"name", "dialInPIN", "privacy", "created"} <= set(room)
    users = info["users"]
    assert len(users) == 25
    assert all(
        u["email"] == email and u["role"] in ("owner", "member") for email, u in users.items()
    )
    names = [u.get("name") for u in users.values()]
    assert "" in names and "<script>alert(1)</script>" in names and "山田 太郎" in names
    assert any("name" not in u for u in users.values())
    assert any("avatarSrc" not in u for u in users.values())
    assert {u["role"] for u in users.values()} == {"owner", "member"}


def test_avatars_are_served_by_the_simulator_itself(sim: SimulatorProcess) -> None:
    users = ok(sim, "GET")["users"]
    sources = [u["avatarSrc"] for u in users.values() if "avatarSrc" in u]
    assert len(sources) > 10
    root = sim.domains_base_url.rstrip("/")
    assert all(src.startswith(f"{root}/_sim/avatars/") for src in sources), sources[:2]
    picture = requests.get(sources[0], timeout=30)
    assert picture.status_code == 200
    assert picture.headers["Content-Type"] == "image/svg+xml"
    assert picture.content.startswith(b"<svg ")
    assert requests.get(f"{root}/_sim/avatars/x.svg", timeout=30).status_code == 404


def test_wrong_token_is_an_error_in_a_200(sim: SimulatorProcess) -> None:
    for headers in ({"Authorization": "Bearer nope"}, {}):
        response = call(sim, "GET", headers=headers)
        assert error_message(response) == "unauthorized: invalid or missing token"


def test_unknown_team_is_team_not_found(sim: SimulatorProcess) -> None:
    url = f"{sim.url}/domains/by-name/no-such-team"
    response = requests.get(url, headers=sim.domains_headers, timeout=10)
    assert error_message(response) == "team not found"


def test_create_room_defaults_to_org_privacy(sim: SimulatorProcess) -> None:
    created = ok(sim, "POST", "/room", json={"name": "new-room"})
    assert created["name"] == "new-room" and created["dialInPIN"].isdigit()
    rooms = {r["name"]: r for r in ok(sim, "GET")["rooms"]}
    assert rooms["new-room"]["privacy"] == "org"
    assert rooms["new-room"]["url"] == "https://demo-team.daily.co/new-room"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "a" * 27}, "team name plus room name must be 35 characters or less"),
        ({"name": "bad name"}, "invalid room name"),
        ({"name": "../user/x"}, "invalid room name"),
        ({"name": ""}, "invalid room name"),
        ({}, "invalid room name"),
        ({"name": "ok-room", "privacy": "team"}, "invalid privacy setting"),
        ({"name": "standup"}, "a room with that name already exists"),
    ],
)
def test_create_room_errors(sim: SimulatorProcess, body: dict[str, Any], message: str) -> None:
    assert error_message(call(sim, "POST", "/room", json=body)) == message


def test_the_35_character_rule_counts_team_plus_room(sim: SimulatorProcess) -> None:
    assert len("demo-team") + 26 == 35
    ok(sim, "POST", "/room", json={"name": "b" * 26})


def test_change_privacy_and_its_errors(sim: SimulatorProcess) -> None:
    assert ok(sim, "POST", "/room/standup", json={"privacy": "private"}) == {"updated": True}
    rooms = {r["name"]: r for r in ok(sim, "GET")["rooms"]}
    assert rooms["standup"]["privacy"] == "private"
    assert error_message(call(sim, "POST", "/room/standup", json={"privacy": "x"})) == (
        "invalid privacy setting"
    )
    assert error_message(call(sim, "POST", "/room/nope", json={"privacy": "public"})) == (
        "room not found"
    )


def test_delete_room_answers_the_string_true(sim: SimulatorProcess) -> None:
    assert ok(sim, "DELETE", "/room/retro") == {"deleted": "true"}
    assert error_message(call(sim, "DELETE", "/room/retro")) == "room not found"
    assert "retro" not in {r["name"] for r in ok(sim, "GET")["rooms"]}


def test_remove_user_with_an_encoded_email(sim: SimulatorProcess) -> None:
    assert ok(sim, "DELETE", "/user/dev%2Bops%40example.com") == {"deleted": "true"}
    assert "dev+ops@example.com" not in ok(sim, "GET")["users"]
    assert error_message(call(sim, "DELETE", "/user/nobody@example.com")) == "user not found"


@pytest.mark.parametrize(
    "body",
    [
        {"start": "yesterday", "end": "2025-03-10T00:00:00Z"},
        {"start": 1741600000, "end": 1741500000},
        {"end": 1741600000},
    ],
)
def test_meetings_rejects_bad_ranges(sim: SimulatorProcess, body: dict[str, Any]) -> None:
    assert error_message(call(sim, "POST", "/meetings", json=body)) == "invalid time range"


def test_meetings_are_capped_at_100_oldest_first_with_more_results(
    sim: SimulatorProcess, now: int
) -> None:
    answer = meetings(sim, now - 7 * DAY, now)
    assert len(answer["meetings"]) == 100
    assert answer["moreResults"] is True
    starts = [m["mtgStart"] for m in answer["meetings"]]
    assert starts == sorted(starts)
    small = meetings(sim, now - 6 * 3600, now)
    assert small["moreResults"] is False and 0 < len(small["meetings"]) < 100


def test_times_are_minute_precise_iso_strings(sim: SimulatorProcess) -> None:
    identities = {*ok(sim, "GET")["users"], "guest", "Daily.co TV"}
    answer = meetings(sim, sim.now() - DAY, sim.now())
    seen_emails = set()
    for meeting in answer["meetings"]:
        assert meeting["domain"] == "demo-team"
        stamps = [meeting["mtgStart"], meeting["mtgEnd"]]
        for p in meeting["participants"]:
            seen_emails.add(p["email"])
            stamps += [p["mtgJoin"], p["mtgLeave"]]
        for stamp in filter(None, stamps):
            assert stamp.endswith(":00.000Z"), stamp
    assert seen_emails <= identities
    assert "guest" in seen_emails


def _all_in_window(sim: SimulatorProcess, start: int, end: int) -> list[dict[str, Any]]:
    """Split the window whenever moreResults says so, as a complete client must."""
    answer = meetings(sim, start, end)
    if not answer["moreResults"]:
        return answer["meetings"]
    middle = (start + end) // 2
    return _all_in_window(sim, start, middle) + _all_in_window(sim, middle, end)


def test_natural_keys_are_unique_and_match_the_truth(sim: SimulatorProcess, now: int) -> None:
    end = now + 1
    start = now - 2 * DAY
    served = _all_in_window(sim, start, end)
    keys = [(m["room"], m["mtgStart"]) for m in served]
    assert len(keys) == len(set(keys))
    for m in served:
        sessions = [(p["email"], p["mtgJoin"]) for p in m["participants"]]
        assert len(sessions) == len(set(sessions))
    truth = sim.truth("demo-team", start, end)["meetings"]
    assert [t["key"] for t in truth] == [f"{room}@{ts}" for room, ts in keys]
    for t, m in zip(truth, served, strict=True):
        assert [p["session_key"] for p in t["participants"]] == [
            f"{p['email']}|{p['mtgJoin']}" for p in m["participants"]
        ]
        assert t["start"] == unix(m["mtgStart"])


def test_an_ongoing_meeting_has_null_end_and_null_leaves(sim: SimulatorProcess) -> None:
    now = sim.now()
    ongoing = [
        m for m in meetings(sim, now - 6 * 3600, now + 60)["meetings"] if m["mtgEnd"] is None
    ]
    assert ongoing, "the chained rooms are always live"
    for meeting in ongoing:
        assert any(p["mtgLeave"] is None for p in meeting["participants"])


def test_room_filter_and_deleted_rooms_keep_their_history(sim: SimulatorProcess) -> None:
    now = sim.now()
    before = meetings(sim, now - 3 * DAY, now, room="lobby")["meetings"]
    assert before and {m["room"] for m in before} == {"lobby"}
    ok(sim, "DELETE", "/room/lobby")
    after = meetings(sim, now - 3 * DAY, now, room="lobby")["meetings"]
    assert [m["mtgStart"] for m in after] == [m["mtgStart"] for m in before]
    assert all(m["mtgEnd"] is not None for m in after), "deleting a room ends its meeting"
    sim.clock(advance=2 * 3600)
    later = meetings(sim, now, sim.now(), room="lobby")["meetings"]
    assert later == [], "no meeting starts in a deleted room"


def test_dial_in_pins_have_six_digits(sim: SimulatorProcess) -> None:
    # The 2018 OpenAPI file (kwindla/dailyco-api), RoomInfo.dialInPIN: pattern '^\d{6}'.
    created = ok(sim, "POST", "/room", json={"name": "pin-check"})
    pins = [r["dialInPIN"] for r in ok(sim, "GET")["rooms"]]
    assert created["dialInPIN"] in pins
    assert all(isinstance(p, str) and len(p) == 6 and p.isdigit() for p in pins)


def test_mtg_start_is_the_second_join_and_mtg_end_the_next_to_last_leave(
    sim: SimulatorProcess, now: int
) -> None:
    # The 2018 OpenAPI file, MeetingsInfo: "mtgStart: time when second participant joined
    # the meeting (so not the first, alone, participant)"; "mtgEnd: time when next to last
    # participant left the meeting (so not the last, alone, participant)".
    served = [m for m in _all_in_window(sim, now - 2 * DAY, now - 3600) if m["mtgEnd"]]
    assert served
    early = late = 0
    for m in served:
        joins = sorted(unix(p["mtgJoin"]) for p in m["participants"])
        leaves = sorted(unix(p["mtgLeave"]) for p in m["participants"])
        assert len(joins) >= 2, "one person alone is no meeting"
        assert joins[1] == unix(m["mtgStart"])
        assert leaves[-2] == unix(m["mtgEnd"])
        early += joins[0] < unix(m["mtgStart"])
        late += leaves[-1] > unix(m["mtgEnd"])
    assert early and late, "a join can precede mtgStart and a leave follow mtgEnd"


def test_a_meeting_stays_ongoing_while_its_last_person_is_alone_in_it(
    sim: SimulatorProcess, now: int
) -> None:
    truth = sim.truth("demo-team", now - DAY, now - 3600)["meetings"]
    meeting = next(t for t in truth if max(p["leave"] for p in t["participants"]) > t["end"] + 60)
    last = max(p["leave"] for p in meeting["participants"])
    sim.clock(set=last - 30)  # after mtgEnd, the last person still in, alone
    during = sim.truth("demo-team", meeting["start"], meeting["start"] + 60,
                       room=meeting["room"])["meetings"][0]  # fmt: skip
    assert during["ongoing"] and during["end"] is None
    assert [p["leave"] for p in during["participants"]].count(None) == 1
    sim.clock(set=last + 60)
    after = sim.truth("demo-team", meeting["start"], meeting["start"] + 60,
                      room=meeting["room"])["meetings"][0]  # fmt: skip
    assert after["end"] == meeting["end"] and not after["ongoing"]
