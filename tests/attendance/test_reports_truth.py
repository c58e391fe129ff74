"""The reports of a synced team equal figures computed from the simulator's ground truth.

Two whole days (in the team's time zone), a few days back so every meeting has ended,
synced from the simulator for both API generations; the expected figures are computed
here from the ground truth alone, with a plain sort-and-merge interval union.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from attendance.reports.charts import per_day
from attendance.reports.filters import ReportFilters, local_today
from attendance.reports.meetings import meetings_page
from attendance.reports.people import people_rows
from attendance.reports.rooms import room_rows
from attendance.sync import sync_team
from teams.models import Dialect
from tests.attendance.helpers import at
from tests.attendance.reports_support import union_seconds
from tests.factories import team_on

pytestmark = pytest.mark.django_db

GUEST_EMAILS = {"guest", "Daily.co TV"}


def who(p: dict) -> tuple[str, bool]:
    """(identity, is guest) of a ground-truth participant, by the documented rules."""
    if p["email"] is not None:
        return p["email"], p["email"] in GUEST_EMAILS
    if p["user_id"] and p["user_id"] != p["participant_id"]:
        return p["user_id"], False
    return f"session:{p['participant_id']}", True


@pytest.fixture(params=[Dialect.DOMAINS, Dialect.REST])
def synced(request, fast_sim):
    team = team_on(fast_sim, request.param, time_zone="Europe/Paris")
    now = at(fast_sim.now())
    today = local_today(team.tz, now)
    f = ReportFilters(
        team=team,
        date_from=today - dt.timedelta(days=4),
        date_to=today - dt.timedelta(days=3),
        now=now.replace(microsecond=0),
    )
    sync_team(team, now=now, since=f.start - dt.timedelta(hours=1))
    truth = fast_sim.truth(team.name, int(f.start.timestamp()), int(f.end.timestamp()))
    assert len(truth["meetings"]) > 50
    return f, truth["meetings"]


def test_people_equal_the_ground_truth(synced):
    f, meetings = synced
    want: dict[str, dict] = {}
    for m in meetings:
        assert not m["ongoing"]
        by_person = defaultdict(list)
        for p in m["participants"]:
            identity, guest = who(p)
            if not guest:
                by_person[identity].append((p["join"], min(p["leave"], m["end"])))
        for identity, spans in by_person.items():
            e = want.setdefault(
                identity, {"meetings": 0, "sessions": 0, "seconds": 0.0, "first": [], "last": []}
            )
            e["meetings"] += 1
            e["sessions"] += len(spans)
            e["seconds"] += union_seconds(spans)
            e["first"].append(min(a for a, _ in spans))
            e["last"].append(max(b for _, b in spans))
    got = {r.identity: r for r in people_rows(f)}
    assert got.keys() == want.keys()
    merged_somewhere = False
    for identity, e in want.items():
        r = got[identity]
        assert (r.meetings, r.sessions, r.seconds) == (
            e["meetings"],
            e["sessions"],
            round(e["seconds"]),
        ), identity
        assert r.first_join == at(min(e["first"])) and r.last_leave == at(max(e["last"]))
        merged_somewhere |= r.sessions > r.meetings
    assert merged_somewhere  # the seed has rejoins and second devices


def test_meetings_rooms_and_days_equal_the_ground_truth(synced):
    f, meetings = synced
    page = meetings_page(f)
    assert page.paginator.count == len(meetings)
    rooms: dict[str, dict] = {}
    for m in meetings:
        r = rooms.setdefault(m["room"], {"meetings": 0, "seconds": 0, "people": set(), "guests": 0})
        r["meetings"] += 1
        r["seconds"] += m["end"] - m["start"]
        for p in m["participants"]:
            identity, guest = who(p)
            if guest:
                r["guests"] += 1
            else:
                r["people"].add(identity)
    got = {r.room: r for r in room_rows(f)}
    assert got.keys() == rooms.keys()
    for name, r in rooms.items():
        row = got[name]
        assert (row.meetings, round(row.minutes * 60), row.people, row.guests) == (
            r["meetings"],
            r["seconds"],
            len(r["people"]),
            r["guests"],
        ), name
    days = defaultdict(int)
    for m in meetings:
        days[at(m["start"]).astimezone(f.tz).date()] += 1
    assert {d.day: d.meetings for d in per_day(f)} == dict(days)
