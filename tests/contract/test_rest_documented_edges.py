"""The "rest" dialect where Daily's documentation and a naive client part ways.

Each test names the page of docs.daily.co it follows.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import requests

from daily import DailyClient
from daily.errors import AuthError, NotFound
from tests.contract.helpers import build, unix
from tests.support.simulator import SimulatorProcess

PARTICIPANTS = "GET /v1/meetings/{id}/participants"


def test_a_meeting_of_150_people_comes_back_whole_across_the_participants_404(
    fast: SimulatorProcess, now: datetime
) -> None:
    # docs.daily.co/reference/rest-api/meetings/get-meeting-participants: "Once there are
    # no more users remaining, you'll receive a `404` from the endpoint."
    start = now - timedelta(days=90)
    truth = fast.truth("demo-rest", unix(start), unix(now), room="all-hands")["meetings"]
    big = next(t for t in truth if len(t["participants"]) >= 150)
    with build(fast, "rest") as client:
        since = datetime.fromtimestamp(big["start"], UTC)
        meetings = list(client.meetings(since, now, room="all-hands"))
        got = next(m for m in meetings if m.key == big["id"])
        assert [p.session_key for p in got.participants] == [
            p["participant_id"] for p in big["participants"]
        ]
        # Paged 100 at a time: every page, then the 404 that ends the list.
        fast.clear_request_counts()
        direct = client.meeting_participants(big["id"])
        assert len(direct) == len(big["participants"])
        assert fast.request_counts()[PARTICIPANTS] == -(-len(direct) // 100) + 1


def test_participants_of_an_unknown_meeting_are_not_found(rest: DailyClient) -> None:
    # The first page's 404 cannot be "no more users": every meeting session has one or
    # more people (docs.daily.co/reference/rest-api/meetings), so it is an unknown meeting.
    with pytest.raises(NotFound):
        rest.meeting_participants("00000000-0000-4000-8000-000000000000")


def test_someone_still_in_an_ongoing_meeting_has_no_leave_but_the_time_so_far(
    rest: DailyClient, sim: SimulatorProcess, now: datetime
) -> None:
    # docs.daily.co/reference/rest-api/meetings: `duration` "will always contain valid
    # data"; "still in" is the meeting being `ongoing` and the participant present.
    ongoing = [m for m in rest.meetings(now - timedelta(hours=6), now) if m.ongoing]
    assert ongoing, "the chained rooms are always live"
    truth = {
        t["id"]: t
        for t in sim.truth("demo-rest", unix(now - timedelta(hours=6)), unix(now))["meetings"]
    }
    still_in = 0
    for meeting in ongoing:
        want = {p["participant_id"]: p for p in truth[meeting.key]["participants"]}
        for p in meeting.participants:
            assert p.duration is not None
            assert p.still_in == (want[p.session_key]["leave"] is None)
            if p.still_in:
                still_in += 1
                assert p.leave is None
                assert p.duration == want[p.session_key]["duration"]
            else:
                assert unix(p.leave) == want[p.session_key]["leave"]
    assert still_in


def test_user_ids_left_unset_are_sessions_not_people(rest: DailyClient, now: datetime) -> None:
    # docs.daily.co/reference/rest-api/meetings: `user_id` is null "if that information is
    # not available"; otherwise, without a token, it is the session id.
    people = [p for m in rest.meetings(now - timedelta(hours=6), now) for p in m.participants]
    unset = [p for p in people if p.user_id is None]
    as_session = [p for p in people if p.user_id == p.session_key]
    assert unset and as_session
    for p in unset + as_session:
        assert p.is_guest and p.identity == f"session:{p.session_key}"


def test_on_a_hipaa_domain_hipaa_is_nobody_in_particular(
    fast: SimulatorProcess, now: datetime
) -> None:
    # docs.daily.co/reference/rest-api/meeting-tokens/config, `user_id`: "For domains
    # configured for HIPAA compliance, if the `user_id` value is a UUID ... the UUID will be
    # returned ... Otherwise, the string `hipaa` will be returned".
    fast.control("POST", "domain-config", json={"hipaa": True})
    with build(fast, "rest") as client:
        people = [p for m in client.meetings(now - timedelta(hours=6), now) for p in m.participants]
    masked = [p for p in people if p.is_guest and p.user_id is None]
    assert masked, "token user ids (u-0001...) are not UUIDs: the domain masks them"
    identities = Counter(p.identity for p in people)
    assert identities["hipaa"] == 0
    assert all(n == 1 for key, n in identities.items() if key.startswith("session:"))
    assert not any(p.user_id == "hipaa" for p in people)


class _MangledAuthorization(requests.Session):
    """A proxy on the way that rewrites the header: the token itself is fine."""

    def __init__(self, header: str) -> None:
        super().__init__()
        self.header = header

    def request(self, method: str | bytes, url: str | bytes, *args: object, **kw: object):  # type: ignore[override]
        headers = dict(kw.pop("headers", None) or {})  # type: ignore[call-overload]
        headers["Authorization"] = self.header
        return super().request(method, url, *args, headers=headers, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("header", ["Token sim-rest-key", "Bearer sim-rest-key extra"])
def test_a_malformed_authorization_header_is_a_credentials_problem(
    fast: SimulatorProcess, header: str
) -> None:
    # docs.daily.co/docs/rest-api/errors: `{"error": "invalid-request-error",
    # "info": "bad Authorization header format"}`.
    session = _MangledAuthorization(header)
    with build(fast, "rest", session=session) as client, pytest.raises(AuthError) as caught:
        client.domain_config()
    assert caught.value.status == 400
    assert caught.value.error_type == "invalid-request-error"
