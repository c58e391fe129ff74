"""The "rest" dialect's recordings end to end: the real client against demo-rest.

Reference: docs.daily.co/reference/rest-api/recordings (+ /config, /list-recordings,
/get-recording-information, /get-recording-link, /delete-recording) and
docs.daily.co/reference/rest-api "Rate limits".
"""

from __future__ import annotations

import pytest
import requests

from daily import (
    Capability,
    DailyClient,
    InvalidRequest,
    NotFound,
    RecordingStatus,
    Unsupported,
)
from tests.support.simulator import SimulatorProcess


def _raw(sim: SimulatorProcess, path: str, **params: object) -> requests.Response:
    return requests.get(
        sim.rest_base_url + path, headers=sim.rest_headers, params=params, timeout=10
    )


def test_the_list_is_newest_first_with_every_documented_field(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    # list-recordings: "sorted by created_at time in reverse chronological order".
    listed = rest.list_recordings()
    assert len(listed) >= 12
    starts = [r.start for r in listed]
    assert starts == sorted(starts, reverse=True)
    assert len({r.id for r in listed}) == len(listed)
    body = _raw(sim, "/recordings", limit=100).json()
    assert body["total_count"] == len(listed)
    for item in body["data"]:
        # recordings/config: the documented fields and no others.
        assert set(item) <= {
            "id",
            "room_name",
            "start_ts",
            "status",
            "max_participants",
            "duration",
            "share_token",
            "s3key",
            "mtgSessionId",
            "tracks",
        }
        assert item["status"] in ("finished", "in-progress", "canceled")
        # "This property is not returned for recordings that are in-progress."
        assert ("duration" in item) == (item["status"] != "in-progress")
    assert any(r.status is RecordingStatus.IN_PROGRESS and r.duration is None for r in listed)
    assert any(r.tracks for r in listed)  # raw-tracks recordings carry tracks


def test_paging_reads_the_same_list_in_small_pages(
    fast: SimulatorProcess, sleeps: list[float]
) -> None:
    from tests.contract.helpers import build

    with build(fast, "rest", sleeps) as client:
        whole = [r.id for r in client.list_recordings()]
        paged = [r.id for page in client.recording_pages(limit=7) for r in page.recordings]
        assert paged == whole
        # ending_before: the page just newer than a cursor, newest first.
        before = client.recording_page(ending_before=whole[10], limit=3)
        assert [r.id for r in before.recordings] == whole[7:10]


def test_room_name_filters_the_list(rest: DailyClient) -> None:
    every = rest.list_recordings()
    room = every[0].room_name
    only = rest.list_recordings(room_name=room)
    assert only and {r.room_name for r in only} == {room}
    assert [r.id for r in only] == [r.id for r in every if r.room_name == room]


def test_get_recording_matches_the_list(rest: DailyClient) -> None:
    first = rest.list_recordings()[0]
    assert rest.get_recording(first.id) == first


def test_an_access_link_is_new_per_call_and_downloads_as_an_attachment(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    # get-recording-link: a signed, time-limited link; default 3600 s; Daily's own bucket
    # sends Content-Disposition: attachment.
    rec = next(r for r in rest.list_recordings() if r.status is RecordingStatus.FINISHED)
    one = rest.recording_access_link(rec.id)
    two = rest.recording_access_link(rec.id, valid_for_secs=120)
    assert one.download_link != two.download_link
    assert int(one.expires.timestamp()) == int(sim.now()) + 3600
    got = requests.get(one.download_link, timeout=10)
    assert got.status_code == 200
    assert got.headers["Content-Disposition"].startswith("attachment")
    forged = requests.get(one.download_link.replace("signature=", "signature=0"), timeout=10)
    assert forged.status_code == 403


def test_a_customer_bucket_link_lives_at_least_15_minutes(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    own = _own_bucket_recording(rest)
    with pytest.raises(InvalidRequest):
        rest.recording_access_link(own, valid_for_secs=60)
    assert rest.recording_access_link(own, valid_for_secs=15 * 60).download_link


def _own_bucket_recording(rest: DailyClient) -> str:
    # The simulator's first recorded room (by name) stores in the customer's bucket.
    rooms = sorted({r.room_name for r in rest.list_recordings()})
    return rest.list_recordings(room_name=rooms[0])[0].id


def test_delete_removes_it_and_a_second_delete_is_not_found(
    sim: SimulatorProcess, rest: DailyClient
) -> None:
    before = rest.list_recordings()
    victim = next(r for r in before if r.room_name != sorted({x.room_name for x in before})[0])
    gone = rest.delete_recording(victim.id)
    assert gone.id == victim.id and not gone.in_own_bucket
    after = rest.list_recordings()
    assert victim.id not in {r.id for r in after} and len(after) == len(before) - 1
    with pytest.raises(NotFound):
        rest.get_recording(victim.id)
    with pytest.raises(NotFound):
        rest.delete_recording(victim.id)
    assert rest.delete_recording(victim.id, missing_ok=True).id == victim.id
    with pytest.raises(NotFound):
        rest.recording_access_link(victim.id)


def test_deleting_from_a_customer_bucket_names_the_bucket(rest: DailyClient) -> None:
    # delete-recording: only the reference goes; "The API response will contain the S3
    # bucket of the storage location".
    own = _own_bucket_recording(rest)
    gone = rest.delete_recording(own)
    assert gone.in_own_bucket and gone.s3_bucket == "demo-rest-recordings"
    assert gone.s3_region == "eu-west-2" and gone.s3_key


def test_a_deleted_recording_stays_a_valid_cursor(fast: SimulatorProcess, sleeps) -> None:
    from tests.contract.helpers import build

    with build(fast, "rest", sleeps) as client:
        whole = [r.id for r in client.list_recordings()]
        client.delete_recording(whole[4])
        rest_of = client.recording_page(starting_after=whole[4], limit=3)
        assert [r.id for r in rest_of.recordings] == whole[5:8]


def test_an_unknown_cursor_is_a_bad_request(rest: DailyClient) -> None:
    with pytest.raises(InvalidRequest):
        rest.recording_page(starting_after="no-such-recording")


def test_the_list_has_the_slow_limit(sim: SimulatorProcess) -> None:
    # Rate limits: GET /recordings "about 2 requests per second, or 50 requests over a 30
    # second window"; GET /recordings/:id is at the general limit.
    codes = [_raw(sim, "/recordings", limit=1).status_code for _ in range(51)]
    assert codes[:50] == [200] * 50 and codes[50] == 429
    first = _raw(sim, "/recordings/" + "x" * 8).status_code
    assert first == 404  # another bucket: not limited yet


def test_the_domains_dialect_has_no_recordings(domains: DailyClient, sim) -> None:
    assert not domains.supports(Capability.RECORDINGS)
    with pytest.raises(Unsupported):
        domains.list_recordings()
    assert sim.request_counts() == {}
