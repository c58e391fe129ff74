"""Domains "live now": what the original API can tell (a meeting exists from the second
person on, and stays ongoing while its last person is alone in it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from attendance.models import Attendance
from attendance.sync import sync_team
from dashboard.services import overview as overview_service
from teams.models import Dialect, Role
from tests.attendance.helpers import at, ts
from tests.factories import team_on

pytestmark = pytest.mark.django_db


def test_live_now_counts_the_last_person_alone_in_a_room_after_mtg_end(fast_sim, login):
    # The 2018 OpenAPI file: mtgEnd is "when next to last participant left the meeting (so
    # not the last, alone, participant)": that last person is still in the room.
    team = team_on(fast_sim, Dialect.DOMAINS)
    start = fast_sim.now()
    truth = fast_sim.truth(team.name, start - 86400, start - 3600)["meetings"]
    lingering = next(
        t for t in truth if max(p["leave"] for p in t["participants"]) > t["end"] + 120
    )
    alone_from = max(p["leave"] for p in lingering["participants"]) - 60
    fast_sim.clock(set=alone_from)
    now = at(fast_sim.now())
    run = sync_team(team, now=now, since=now - timedelta(days=1))
    open_rows = Attendance.objects.filter(
        team=team, meeting__room=lingering["room"], meeting__ongoing=True, leave__isnull=True
    )
    assert open_rows.count() == 1  # the meeting is past mtgEnd: one person, alone

    in_truth = fast_sim.truth(team.name, ts(run.window_start), ts(run.window_end))["meetings"]
    still_in = sum(
        1 for m in in_truth if m["ongoing"] for p in m["participants"] if p["leave"] is None
    )
    assert overview_service.build(team, now=now).live == still_in

    body = login(team, Role.MANAGER).get(reverse("dashboard:overview", args=[team.slug]))
    assert "once a second person joins" in body.content.decode()
