"""rest recordings: list (paged to the end), get, access link, delete; shapes and paths.

Reference: docs.daily.co/reference/rest-api/recordings (+ /config, /list-recordings,
/get-recording-information, /get-recording-link, /delete-recording).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from responses import matchers

from daily import (
    Capability,
    DomainsClient,
    InvalidInput,
    NotFound,
    ParseError,
    RecordingStatus,
    RestClient,
    Unsupported,
)
from daily.pacing import GENERAL, SLOW, bucket_for

from .conftest import REST_BASE, auth

RECS = f"{REST_BASE}/recordings"


def rec(n: int, **extra: object) -> dict[str, object]:
    # The documented example of the recording object (get-recording-information).
    return {
        "id": f"0cb313e1-211f-4be0-833d-8c7305b1990{n}",
        "room_name": "standup",
        "start_ts": 1548789650 - n,
        "status": "finished",
        "max_participants": 2,
        "duration": 277,
        "share_token": "TivXjlD22QQt",
        "s3key": "mydomain/standup/11245260397",
        "mtgSessionId": "257764e6-c74e-4c30-944a-a887a03173a3",
        **extra,
    }


def test_a_recording_reads_every_documented_field(rest: RestClient, rsps) -> None:
    rsps.get(f"{RECS}/{rec(1)['id']}", json=rec(1), match=[auth()])
    got = rest.get_recording(str(rec(1)["id"]))
    assert got.id == rec(1)["id"]
    assert got.room_name == "standup"
    assert got.start == datetime.fromtimestamp(1548789649, tz=UTC)
    assert got.status is RecordingStatus.FINISHED
    assert (got.max_participants, got.duration) == (2, 277)
    assert got.s3key == "mydomain/standup/11245260397"
    assert got.mtg_session_id == "257764e6-c74e-4c30-944a-a887a03173a3"
    assert got.tracks is None
    assert "TivXjlD22QQt" not in repr(got)


def test_in_progress_has_no_duration_and_raw_tracks_have_tracks(rest: RestClient, rsps) -> None:
    body = rec(1, status="in-progress", tracks=[{"size": 10, "type": "audio", "s3key": "k/a"}])
    del body["duration"]
    rsps.get(f"{RECS}/{body['id']}", json=body)
    got = rest.get_recording(str(body["id"]))
    assert got.status is RecordingStatus.IN_PROGRESS
    assert got.duration is None
    assert got.tracks is not None and got.tracks[0].type == "audio" and got.tracks[0].size == 10


def test_an_unknown_status_is_kept_as_unknown_not_an_error(rest: RestClient, rsps) -> None:
    rsps.get(f"{RECS}/{rec(1)['id']}", json=rec(1, status="exploded"))
    assert rest.get_recording(str(rec(1)["id"])).status is None


def test_the_list_pages_with_starting_after_until_a_short_page(rest: RestClient, rsps) -> None:
    first = [rec(n) for n in range(3)]
    rsps.get(
        RECS,
        json={"total_count": 4, "data": first},
        match=[matchers.query_param_matcher({"limit": "3"})],
    )
    rsps.get(
        RECS,
        json={"total_count": 4, "data": [rec(3)]},
        match=[matchers.query_param_matcher({"limit": "3", "starting_after": first[-1]["id"]})],
    )
    pages = list(rest.recording_pages(limit=3))
    assert [len(p.recordings) for p in pages] == [3, 1]
    assert pages[0].total_count == 4 and pages[-1].last


def test_list_recordings_reads_to_the_end_and_filters_by_room(rest: RestClient, rsps) -> None:
    full = [rec(n % 10, id=f"r{n}") for n in range(100)]
    rsps.get(
        RECS,
        json={"total_count": 101, "data": full},
        match=[matchers.query_param_matcher({"limit": "100", "room_name": "standup"})],
    )
    rsps.get(
        RECS,
        json={"total_count": 101, "data": [rec(0, id="r100")]},
        match=[
            matchers.query_param_matcher(
                {"limit": "100", "room_name": "standup", "starting_after": "r99"}
            )
        ],
    )
    listed = rest.list_recordings(room_name="standup")
    assert [r.id for r in listed] == [f"r{n}" for n in range(101)]


def test_an_empty_list_is_one_last_page(rest: RestClient, rsps) -> None:
    rsps.get(RECS, json={"total_count": 0, "data": []})
    assert rest.list_recordings() == []


def test_a_cursor_that_does_not_advance_is_reported(rest: RestClient, rsps) -> None:
    rsps.get(
        RECS,
        json={"data": [rec(0, id="a")]},
        match=[matchers.query_param_matcher({"limit": "1", "starting_after": "a"})],
    )
    with pytest.raises(ParseError):
        rest.recording_page(starting_after="a", limit=1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": True},
        {"starting_after": "../rooms"},
        {"ending_before": "a b"},
        {"starting_after": "a", "ending_before": "b"},
        {"room_name": "../x"},
    ],
)
def test_bad_page_arguments_fail_before_any_http(rest: RestClient, no_http, kwargs) -> None:
    with pytest.raises(InvalidInput):
        rest.recording_page(**kwargs)


@pytest.mark.parametrize("bad", ["../rooms/x", "a/b", "", "x?y=1", "%2e%2e", "a" * 129])
def test_recording_ids_are_validated_before_any_http(rest: RestClient, no_http, bad) -> None:
    for call in (rest.get_recording, rest.recording_access_link, rest.delete_recording):
        with pytest.raises(InvalidInput) as caught:
            call(bad)
        assert caught.value.field == "recording_id"


def test_a_listed_recording_whose_id_cannot_be_a_path_is_refused(rest: RestClient, rsps) -> None:
    rsps.get(RECS, json={"data": [rec(0, id="../rooms/x")]})
    with pytest.raises(ParseError):
        rest.list_recordings()


def test_the_access_link_is_created_per_call(rest: RestClient, rsps) -> None:
    rid = str(rec(1)["id"])
    rsps.get(
        f"{RECS}/{rid}/access-link",
        json={"download_link": "https://s3.example/rec.mp4?sig=1", "expires": 1700000000},
        match=[auth(), matchers.query_param_matcher({"valid_for_secs": "900"})],
    )
    link = rest.recording_access_link(rid, valid_for_secs=900)
    assert link.download_link == "https://s3.example/rec.mp4?sig=1"
    assert link.expires == datetime.fromtimestamp(1700000000, tz=UTC)
    assert "sig=1" not in repr(link)


def test_an_access_link_that_is_an_error_string_is_not_a_link(rest: RestClient, rsps) -> None:
    # get-recording-link: "this field could be an error string rather than a URL".
    rid = str(rec(1)["id"])
    rsps.get(f"{RECS}/{rid}/access-link", json={"download_link": "access denied", "expires": 1})
    with pytest.raises(ParseError):
        rest.recording_access_link(rid)


@pytest.mark.parametrize("secs", [0, 12 * 3600 + 1, True, 1.5])
def test_the_link_lifetime_is_checked(rest: RestClient, no_http, secs) -> None:
    with pytest.raises(InvalidInput):
        rest.recording_access_link("abc", valid_for_secs=secs)


def test_delete_returns_the_bucket_of_a_customer_bucket(rest: RestClient, rsps) -> None:
    rsps.delete(
        f"{RECS}/abc",
        json={
            "deleted": True,
            "id": "abc",
            "s3_bucket": "acme-recs",
            "s3_region": "eu-west-2",
            "s3_key": "acme/standup/1",
        },
        match=[auth()],
    )
    gone = rest.delete_recording("abc")
    assert gone.in_own_bucket and gone.s3_bucket == "acme-recs" and gone.s3_key == "acme/standup/1"


def test_delete_in_dailys_storage_names_no_bucket(rest: RestClient, rsps) -> None:
    rsps.delete(f"{RECS}/abc", json={"deleted": True, "id": "abc"})
    assert not rest.delete_recording("abc").in_own_bucket


def test_delete_of_an_unknown_recording_is_not_found_unless_missing_is_ok(
    rest: RestClient, rsps
) -> None:
    body = {"error": "not-found", "info": "recording abc not found"}
    rsps.delete(f"{RECS}/abc", status=404, json=body)
    rsps.delete(f"{RECS}/abc", status=404, json=body)
    with pytest.raises(NotFound):
        rest.delete_recording("abc")
    assert rest.delete_recording("abc", missing_ok=True).id == "abc"


def test_delete_without_confirmation_is_not_a_success(rest: RestClient, rsps) -> None:
    rsps.delete(f"{RECS}/abc", json={"deleted": False})
    with pytest.raises(ParseError):
        rest.delete_recording("abc")


def test_recordings_are_rest_only(rest: RestClient, domains: DomainsClient, no_http) -> None:
    assert rest.supports(Capability.RECORDINGS)
    assert not domains.supports(Capability.RECORDINGS)
    for call in (
        domains.list_recordings,
        lambda: domains.recording_page(),
        lambda: domains.recording_access_link("abc"),
        lambda: domains.delete_recording("abc"),
    ):
        with pytest.raises(Unsupported) as caught:
            call()
        assert caught.value.capability == "recordings"


def test_only_the_list_is_in_the_slow_bucket() -> None:
    # docs.daily.co/reference/rest-api "Rate limits": GET /recordings (and DELETE
    # /rooms/:name) ~2/s; every other recordings call is at the general limit.
    assert bucket_for("GET", "/v1/recordings") == SLOW
    assert bucket_for("GET", "/v1/recordings?limit=100") == SLOW
    assert bucket_for("GET", "/v1/recordings/abc") == GENERAL
    assert bucket_for("GET", "/v1/recordings/abc/access-link") == GENERAL
    assert bucket_for("DELETE", "/v1/recordings/abc") == GENERAL
