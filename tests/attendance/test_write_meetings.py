"""`write_meetings`: new meetings and meetings stored already, in one batch or apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import daily
from attendance import upsert
from attendance.models import Attendance, Meeting
from attendance.sync import write_meetings
from tests.attendance.test_summary import computed, days, days_from_meetings, stored
from tests.factories import make_team

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 10, 9, tzinfo=UTC)


def upstream(key: str, people: int, *, ended: bool = True, start: datetime = T0) -> daily.Meeting:
    end = start + timedelta(hours=1) if ended else None
    return daily.Meeting(
        key=key,
        upstream_id=key,
        room="standup",
        start=start,
        end=end,
        ongoing=not ended,
        duration=3600 if ended else None,
        max_participants=people,
        participants=[
            daily.Participant(
                session_key=f"{key}-s{n}",
                user_id=f"u{n}",
                user_name=f"Person {n}",
                email=None,
                join=start + timedelta(minutes=n),
                leave=start + timedelta(minutes=30 + n) if ended else None,
                duration=1800 if ended else None,
            )
            for n in range(people)
        ],
    )


def state(team) -> dict:
    return {
        m.key: (m.end, m.session_count, m.summarised, m.sessions.count())
        for m in Meeting.objects.filter(team=team)
    }


def assert_summaries_exact(team) -> None:
    ids = list(Meeting.objects.filter(team=team).values_list("pk", flat=True))
    assert stored(team) == computed(team, ids)
    assert days(team) == days_from_meetings(team)


def test_a_batch_of_new_and_stored_meetings_updates_the_one_and_adds_the_other():
    team = make_team("writes", time_zone="UTC")
    assert write_meetings(team, [upstream("a", 2), upstream("b", 3, ended=False)]) == (2, 5)
    b_id = Meeting.objects.get(team=team, key="b").pk
    # b has ended meanwhile and has a fourth session; c is new.
    assert write_meetings(team, [upstream("b", 4), upstream("c", 1)]) == (2, 5)
    end = T0 + timedelta(hours=1)
    assert state(team) == {
        "a": (end, 2, True, 2),
        "b": (end, 4, True, 4),
        "c": (end, 1, True, 1),
    }
    assert Meeting.objects.get(team=team, key="b").pk == b_id  # updated, not replaced
    assert Attendance.objects.filter(team=team).count() == 7
    assert_summaries_exact(team)


@pytest.mark.postgres
def test_a_meeting_stored_by_another_writer_meanwhile_is_upserted(monkeypatch):
    """Between the look-up of stored meetings and their COPY, a webhook or a second sync
    may store one: the COPY's unique violation sends the batch through the upsert."""
    team = make_team("race", time_zone="UTC")
    write_meetings(team, [upstream("a", 2, ended=False)])
    monkeypatch.setattr(upsert, "_stored_ids", lambda cursor, team, keys: {})
    assert write_meetings(team, [upstream("a", 3), upstream("d", 2)]) == (2, 5)
    end = T0 + timedelta(hours=1)
    assert state(team) == {"a": (end, 3, True, 3), "d": (end, 2, True, 2)}
    assert Attendance.objects.filter(team=team).count() == 5
    assert_summaries_exact(team)
