"""The sync against Daily's documented edges: a meeting of more than 150 people (the
participants list ends with a 404), people still in an ongoing meeting (a duration so far,
no leave), and HIPAA domains (user_id "hipaa" is nobody in particular)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from attendance.models import Attendance, Meeting, SyncOutcome
from attendance.sync import sync_team
from teams.models import Dialect
from tests.attendance.helpers import assert_matches_truth, at, ts
from tests.factories import team_on


@pytest.mark.django_db
def test_a_rest_meeting_of_more_than_150_people_syncs_completely(fast_sim):
    # docs.daily.co/reference/rest-api/meetings/get-meeting-participants: "Once there are
    # no more users remaining, you'll receive a 404".
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    truth = fast_sim.truth(team.name, ts(now - timedelta(days=90)), ts(now), room="all-hands")
    big = next(m for m in truth["meetings"] if len(m["participants"]) >= 150)
    since = at(big["start"]) - timedelta(minutes=1)
    run = sync_team(team, now=at(big["start"]) + timedelta(days=1), since=since)
    assert run.outcome == SyncOutcome.OK, run.error
    stored = Meeting.objects.get(team=team, key=big["id"])
    assert stored.sessions.count() == len(big["participants"])
    assert_matches_truth(fast_sim, team, run.window_start, run.window_end)


@pytest.mark.django_db
def test_people_still_in_an_ongoing_rest_meeting_have_no_leave_time(fast_sim):
    # docs.daily.co/reference/rest-api/meetings: `duration` "will always contain valid data".
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    run = sync_team(team, now=now, since=now - timedelta(hours=6))
    assert run.outcome == SyncOutcome.OK, run.error
    assert_matches_truth(fast_sim, team, run.window_start, run.window_end)
    open_rows = Attendance.objects.filter(team=team, meeting__ongoing=True, leave__isnull=True)
    assert open_rows.exists()
    assert all(row.duration is not None for row in open_rows)


@pytest.mark.django_db
def test_on_a_hipaa_domain_masked_user_ids_never_merge_into_one_person(fast_sim):
    # docs.daily.co/reference/rest-api/meeting-tokens/config, `user_id`.
    fast_sim.control("POST", "domain-config", json={"hipaa": True})
    team = team_on(fast_sim, Dialect.REST)
    now = at(fast_sim.now())
    run = sync_team(team, now=now, since=now - timedelta(days=2))
    assert run.outcome == SyncOutcome.OK, run.error
    rows = Attendance.objects.filter(team=team)
    assert not rows.filter(identity="hipaa").exists()
    assert not rows.filter(is_guest=False).exists(), "no token user id is a UUID here"
    per_identity = Counter(rows.values_list("identity", flat=True))
    assert per_identity and max(per_identity.values()) == 1  # one session, one guest
