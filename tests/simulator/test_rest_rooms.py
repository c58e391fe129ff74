"""Rest dialect: domain, rooms, batch rooms, error shapes, concurrency, rate limits."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.simulator


def call(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> requests.Response:
    headers = kw.pop("headers", sim.rest_headers)
    return requests.request(method, sim.rest_base_url + path, headers=headers, timeout=30, **kw)


def ok(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> Any:
    response = call(sim, method, path, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def fails(response: requests.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error and isinstance(body["info"], str)
    return body


def test_domain_answers_name_id_and_config(sim: SimulatorProcess) -> None:
    for path in ("/", ""):
        body = ok(sim, "GET", path)
        assert body["domain_name"] == "demo-rest"
        assert body["domain_id"] and isinstance(body["config"], dict)


def test_auth_errors_have_their_own_types(sim: SimulatorProcess) -> None:
    fails(call(sim, "GET", "/rooms", headers={}), 400, "authorization-header-error")
    # docs.daily.co/docs/rest-api/errors: a header that is not `Bearer <key>`.
    for malformed in ("Token x", "Bearer", "Bearer a b"):
        body = fails(call(sim, "GET", "/rooms", headers={"Authorization": malformed}), 400,
                     "invalid-request-error")  # fmt: skip
        assert body["info"] == "bad Authorization header format"
    fails(call(sim, "GET", "/rooms", headers={"Authorization": "Bearer x"}), 401,
          "authentication-error")  # fmt: skip


def test_room_object_shape_and_sparse_config(sim: SimulatorProcess) -> None:
    room = ok(sim, "POST", "/rooms", json={"name": "sparse", "properties": {
        "enable_chat": True, "enable_screenshare": True, "max_participants": 200,
        "start_video_off": False, "geo": "eu-central-1"}})  # fmt: skip
    assert set(room) == {"id", "name", "api_created", "privacy", "url", "created_at", "config"}
    assert room["privacy"] == "public" and room["api_created"] is True
    assert room["url"] == "https://demo-rest.daily.co/sparse"
    assert room["created_at"].endswith("Z")
    # Defaults (screenshare on, 200 people, video on) are never echoed back.
    assert room["config"] == {"enable_chat": True, "geo": "eu-central-1"}
    assert ok(sim, "GET", "/rooms/sparse") == room
    seeded = ok(sim, "GET", "/rooms")["data"]
    assert any(r["config"] == {} for r in seeded) and any(r["config"] for r in seeded)


def test_generated_name_update_and_sip_uri(sim: SimulatorProcess) -> None:
    room = ok(sim, "POST", "/rooms", json={})
    assert len(room["name"]) == 20 and room["name"].isalnum()
    sip = {"display_name": "line", "sip_mode": "dial-in", "video": False, "num_endpoints": 1}
    path = f"/rooms/{room['name']}"
    updated = ok(sim, "POST", path, json={"privacy": "private", "properties": {"sip": sip}})
    assert updated["privacy"] == "private"
    assert updated["config"]["sip"] == sip
    assert updated["config"]["sip_uri"] == {"endpoint": f"{room['name']}@sip.daily.co"}
    cleared = ok(sim, "POST", path, json={"properties": {"sip": None}})
    assert cleared["config"] == {}
    fails(call(sim, "POST", path, json={"properties": {"sip_uri": {}}}), 400,
          "invalid-request-error")  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {"name": "has space"},
        {"name": "x" * 129},
        {"name": "standup"},
        {"privacy": "org"},
        {"colour": "red"},
        {"properties": {"exp": 1000}},
        {"properties": {"enable_chat": "yes"}},
        {"properties": {"max_participants": 201}},
        {"properties": {"enable_recording": "vhs"}},
        {"properties": {"geo": "us-west"}},
        {"properties": {"not_a_property": True}},
        {"properties": {"sip": {"display_name": "x", "sip_mode": "dial-out"}}},
        {"properties": {"recordings_bucket": {"bucket_name": "b"}}},
    ],
)
def test_invalid_creates_are_400_invalid_request(sim: SimulatorProcess, body: Any) -> None:
    fails(call(sim, "POST", "/rooms", json=body), 400, "invalid-request-error")


@pytest.mark.parametrize("mode", ["cloud", "cloud-audio-only", "local", "raw-tracks"])
def test_enable_recording_takes_each_mode_daily_documents(sim: SimulatorProcess, mode: str) -> None:
    # docs.daily.co/reference/rest-api/recordings: "local" and the cloud types "cloud",
    # "cloud-audio-only", "raw-tracks".
    room = ok(sim, "POST", "/rooms", json={"properties": {"enable_recording": mode}})
    assert room["config"]["enable_recording"] == mode


def test_a_bad_json_body_is_a_parsing_error(sim: SimulatorProcess) -> None:
    response = call(sim, "POST", "/rooms", data=b"{not json",
                    headers={**sim.rest_headers, "Content-Type": "application/json"})  # fmt: skip
    fails(response, 400, "json-parsing-error")


def test_duplicate_name_says_already_exists(sim: SimulatorProcess) -> None:
    body = fails(call(sim, "POST", "/rooms", json={"name": "standup"}), 400,
                 "invalid-request-error")  # fmt: skip
    assert "already exists" in body["info"]


def test_concurrent_creates_of_one_name_have_exactly_one_winner(
    simulator_fast: SimulatorProcess,
) -> None:
    sim = simulator_fast
    sim.reset()
    barrier = threading.Barrier(12)
    statuses: list[int] = []

    def create() -> None:
        barrier.wait()
        statuses.append(call(sim, "POST", "/rooms", json={"name": "race"}).status_code)

    threads = [threading.Thread(target=create) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [400] * 11


def test_get_update_delete_unknown_room_is_404(sim: SimulatorProcess) -> None:
    for method in ("GET", "POST", "DELETE"):
        fails(call(sim, method, "/rooms/nope", json={}), 404, "not-found")


def test_delete_answers_true_and_name(sim: SimulatorProcess) -> None:
    assert ok(sim, "DELETE", "/rooms/standup") == {"deleted": True, "name": "standup"}
    fails(call(sim, "DELETE", "/rooms/standup"), 404, "not-found")


def test_an_expired_room_looks_deleted(sim: SimulatorProcess) -> None:
    now = int(sim.now())
    ok(sim, "POST", "/rooms", json={"name": "brief", "properties": {"exp": now + 60}})
    sim.clock(advance=120)
    fails(call(sim, "GET", "/rooms/brief"), 404, "not-found")
    assert "brief" not in {r["name"] for r in ok(sim, "GET", "/rooms")["data"]}
    body = fails(call(sim, "DELETE", "/rooms/brief"), 404, "not-found")
    assert body["deleted"] is True


def test_rooms_page_newest_first_with_cursors(sim: SimulatorProcess) -> None:
    for i in range(3):
        ok(sim, "POST", "/rooms", json={"name": f"fresh-{i}"})
        sim.clock(advance=1)
    first = ok(sim, "GET", "/rooms", params={"limit": 10})
    assert first["total_count"] == 43
    assert [r["name"] for r in first["data"][:3]] == ["fresh-2", "fresh-1", "fresh-0"]
    stamps = [r["created_at"] for r in first["data"]]
    assert stamps == sorted(stamps, reverse=True)
    names: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7}
        if cursor:
            params["starting_after"] = cursor
        page = ok(sim, "GET", "/rooms", params=params)["data"]
        if not page:
            break
        names += [r["name"] for r in page]
        cursor = page[-1]["id"]
    assert len(names) == 43 == len(set(names))
    back = ok(sim, "GET", "/rooms", params={"limit": 2, "ending_before": first["data"][3]["id"]})
    assert [r["name"] for r in back["data"]] == ["fresh-1", "fresh-0"]
    assert len(ok(sim, "GET", "/rooms", params={"limit": 500})["data"]) == 43


def test_a_deleted_room_stays_a_valid_cursor(sim: SimulatorProcess) -> None:
    page = ok(sim, "GET", "/rooms", params={"limit": 5})["data"]
    ok(sim, "DELETE", f"/rooms/{page[-1]['name']}")
    rest = ok(sim, "GET", "/rooms", params={"limit": 5, "starting_after": page[-1]["id"]})
    assert rest["data"] and rest["data"][0]["name"] not in {r["name"] for r in page}
    fails(call(sim, "GET", "/rooms", params={"starting_after": "no-such-id"}), 400,
          "invalid-request-error")  # fmt: skip


def test_batch_create_is_all_or_nothing_and_batch_delete_counts(sim: SimulatorProcess) -> None:
    created = ok(
        sim, "POST", "/batch/rooms", json={"rooms": [{"name": "b1"}, {"privacy": "private"}]}
    )
    assert created[0]["name"] == "b1" and created[1]["privacy"] == "private"
    bad = {"rooms": [{"name": "b2"}, {"name": "b2"}]}
    fails(call(sim, "POST", "/batch/rooms", json=bad), 400, "invalid-request-error")
    fails(call(sim, "GET", "/rooms/b2"), 404, "not-found")
    answer = ok(
        sim, "DELETE", "/batch/rooms", json={"room_names": ["b1", "nope", created[1]["name"]]}
    )
    assert answer == {"deleted_count": 2}


def test_rate_limit_answers_429_and_the_switch_turns_it_off(sim: SimulatorProcess) -> None:
    with requests.Session() as http:
        http.headers.update(sim.rest_headers)
        # 100 requests per 5 s: the 101st is refused, unless the machine is so
        # loaded that the loop takes over 5 s, when a later one is.
        statuses = []
        while 429 not in statuses and len(statuses) < 400:
            statuses.append(http.get(sim.rest_base_url + "/").status_code)
        assert statuses[:100] == [200] * 100
        assert statuses[-1] == 429
        response = http.get(sim.rest_base_url + "/rooms")
        fails(response, 429, "rate-limit-error")
        assert "Retry-After" not in response.headers
        sim.faults(rate_limits=False)
        assert http.get(sim.rest_base_url + "/").status_code == 200


def test_room_deletes_have_their_own_lower_limit(sim: SimulatorProcess) -> None:
    with requests.Session() as http:
        http.headers.update(sim.rest_headers)
        statuses = [
            http.delete(f"{sim.rest_base_url}/rooms/none-{i}").status_code for i in range(51)
        ]
        assert statuses[:50] == [404] * 50 and statuses[50] == 429
        assert http.get(sim.rest_base_url + "/rooms").status_code == 200
