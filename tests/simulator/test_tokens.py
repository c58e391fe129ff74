"""Rest dialect: meeting tokens are real JWTs the simulator can validate."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from tests.support.simulator import SimulatorProcess

pytestmark = pytest.mark.simulator


def call(sim: SimulatorProcess, method: str, path: str, **kw: Any) -> requests.Response:
    url = sim.rest_base_url + path
    return requests.request(method, url, headers=sim.rest_headers, timeout=30, **kw)


def create(sim: SimulatorProcess, **props: Any) -> requests.Response:
    return call(sim, "POST", "/meeting-tokens", json={"properties": props})


def test_token_round_trip_returns_its_properties(sim: SimulatorProcess) -> None:
    exp = int(sim.now()) + 3600
    props = {
        "room_name": "standup",
        "exp": exp,
        "is_owner": True,
        "user_name": "Zoë",
        "user_id": "u-0001",
        "eject_at_token_exp": True,
        "permissions": {"canSend": ["video", "audio"]},
    }
    response = create(sim, **props)
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    header = token.split(".")[0]
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    validated = call(sim, "GET", f"/meeting-tokens/{token}")
    assert validated.status_code == 200
    assert validated.json() == props


def test_a_token_without_room_is_valid_for_all_rooms(sim: SimulatorProcess) -> None:
    token = create(sim, user_name="anyone").json()["token"]
    assert call(sim, "GET", f"/meeting-tokens/{token}").json() == {"user_name": "anyone"}


def _invalid(response: requests.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid-request-error"


def test_forged_and_garbage_tokens_are_rejected(sim: SimulatorProcess) -> None:
    token = create(sim, room_name="standup", is_owner=False).json()["token"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["o"] = True  # promote ourselves to owner
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _invalid(call(sim, "GET", f"/meeting-tokens/{header}.{forged_payload}.{signature}"))
    _invalid(call(sim, "GET", "/meeting-tokens/not-a-token"))


def test_tokens_expire_with_the_simulated_clock(sim: SimulatorProcess) -> None:
    token = create(sim, room_name="standup", exp=int(sim.now()) + 60).json()["token"]
    assert call(sim, "GET", f"/meeting-tokens/{token}").status_code == 200
    sim.clock(advance=61)
    _invalid(call(sim, "GET", f"/meeting-tokens/{token}"))


@pytest.mark.parametrize(
    "props",
    [
        {"room_name": "standup", "user_id": "x" * 37},
        {"room_name": "standup", "exp": 1000},
        {"room_name": "standup", "is_owner": "yes"},
        {"room_name": "standup", "colour": "red"},
        {"room_name": "standup", "enable_recording": "vhs"},
    ],
)
def test_invalid_token_requests_are_400(sim: SimulatorProcess, props: dict[str, Any]) -> None:
    _invalid(create(sim, **props))


def test_user_id_of_exactly_36_characters_is_fine(sim: SimulatorProcess) -> None:
    assert create(sim, room_name="standup", user_id="x" * 36).status_code == 200
