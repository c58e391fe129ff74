from __future__ import annotations

import contextlib
import threading

import requests

from tests.support.simulator import SimulatorProcess, wait_until


def test_a_request_hung_across_a_reset_changes_nothing_after_it(sim: SimulatorProcess) -> None:
    sim.faults(p_hang=1, hang_seconds=1.5)

    def create() -> None:
        with contextlib.suppress(requests.RequestException):  # dropped: that is the point
            requests.post(
                sim.rest_base_url + "/rooms",
                json={"name": "late-arrival"},
                headers=sim.rest_headers,
                timeout=5,
            )

    worker = threading.Thread(target=create)
    worker.start()
    wait_until(lambda: sim.request_counts())  # the request is held by the simulator
    sim.reset()  # the next test starts while the request is still held
    worker.join()
    rooms = requests.get(sim.rest_base_url + "/rooms", headers=sim.rest_headers, timeout=5)
    assert "late-arrival" not in [room["name"] for room in rooms.json()["data"]]
