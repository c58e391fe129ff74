"""The merge of one person's sessions in a meeting, on random intervals: the SQL's window
function against a plain sort-and-merge, on whichever database the suite runs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance.models import Attendance, Meeting
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import meeting_participants
from tests.attendance.reports_support import meeting, session, union_seconds, utc
from tests.factories import make_team

pytestmark = pytest.mark.django_db

START = utc(2025, 3, 10, 9)
END = START + dt.timedelta(hours=1)

# (join offset, length or None for "no leave"), in seconds; lengths may run past the end.
spans = st.lists(
    st.tuples(st.integers(0, 3600), st.one_of(st.none(), st.integers(0, 2400))),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def team():
    return make_team("merge", time_zone="UTC")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spans=spans, ongoing=st.booleans())
def test_merged_minutes_equal_the_union_of_the_intervals(team, spans, ongoing):
    Meeting.objects.filter(team=team).delete()
    now = END + dt.timedelta(minutes=5)
    m = meeting(team, "r", START, None if ongoing else END)
    cap = now if ongoing else END
    for offset, length in spans:
        join = START + dt.timedelta(seconds=offset)
        leave = None if length is None else join + dt.timedelta(seconds=length)
        session(m, "p@example.com", join, leave)
    f = ReportFilters(team=team, date_from=START.date(), date_to=START.date(), now=now)
    (person,) = meeting_participants(f, m).object_list
    want = union_seconds(
        [
            (s.join.timestamp(), min(s.leave or cap, cap).timestamp())
            for s in Attendance.objects.filter(meeting=m)
        ]
    )
    assert person.seconds == round(want)
    assert person.sessions == len(spans)
    assert 0 <= person.percent <= 100
