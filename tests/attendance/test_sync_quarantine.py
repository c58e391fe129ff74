"""Bad values never block a team: strings sanitised, unstorable meetings quarantined."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import daily
from attendance import sync
from attendance.models import (
    Attendance,
    Meeting,
    QuarantinedMeeting,
    SyncOutcome,
    SyncRun,
    SyncState,
    SyncTrigger,
)
from attendance.quarantine import clean
from attendance.sync import sync_team, write_batch, write_meetings
from teams.models import Role
from tests.attendance.test_write_meetings import T0, upstream
from tests.factories import PASSWORD, make_member, make_team

pytestmark = pytest.mark.django_db


def with_participant(meeting: daily.Meeting, **changes) -> daily.Meeting:
    first = replace(meeting.participants[0], **changes)
    return replace(meeting, participants=[first, *meeting.participants[1:]])


def test_clean_strips_nul_replaces_lone_surrogates_and_clips():
    assert clean("Ann\x00e", 255) == "Anne"
    assert clean("a\ud800b", 255) == "a?b"
    assert clean("é" * 300, 255) == "é" * 255
    assert clean(None, 10) == ""


def test_a_guest_name_with_a_nul_character_is_stored_without_it():
    """Guests choose their names; PostgreSQL refuses NUL in text (the COPY and the upsert)."""
    team = make_team("nul", time_zone="UTC")
    meeting = with_participant(upstream("m1", 3), user_name="Ann\x00e", user_id=None)
    assert write_meetings(team, [meeting]) == (1, 3)
    names = set(Attendance.objects.filter(team=team).values_list("user_name", flat=True))
    assert "Anne" in names and not any("\x00" in n for n in names)
    # Stored already: the second write goes through the upsert path, NUL and all.
    again = with_participant(upstream("m1", 3), user_name="Bo\x00b", user_id=None)
    assert write_meetings(team, [again]) == (1, 3)
    assert Attendance.objects.filter(team=team, user_name="Bob").count() == 1


def test_over_long_strings_are_clipped_to_their_columns():
    team = make_team("long", time_zone="UTC")
    base = upstream("x", 2)
    meeting = replace(
        base,
        key="k" * 300,
        upstream_id="u" * 100,
        room="r" * 300,
        participants=[
            replace(p, session_key="s" * 300, user_id="i" * 400, user_name="n" * 400)
            for p in base.participants
        ],
    )
    assert write_meetings(team, [meeting]) == (1, 2)
    stored = Meeting.objects.get(team=team)
    assert (stored.key, stored.upstream_id, stored.room) == ("k" * 255, "u" * 64, "r" * 128)
    sessions = list(Attendance.objects.filter(team=team).order_by("join"))
    # The two session keys are equal once clipped: kept apart, both within the column.
    assert [s.session_key for s in sessions] == ["s" * 255, "s" * 253 + "#2"]
    assert {(s.identity, s.user_name) for s in sessions} == {("i" * 255, "n" * 255)}


def unstorable(meeting: daily.Meeting) -> daily.Meeting:
    """A meeting no database stores: a negative duration breaks its column's check."""
    return replace(meeting, duration=-5)


def test_a_refused_meeting_is_quarantined_and_the_rest_of_its_batch_stored():
    team = make_team("batch", time_zone="UTC")
    run = SyncRun.objects.create(team=team, trigger=SyncTrigger.SCHEDULE)
    bad = unstorable(upstream("b", 2))
    write_batch(team, run, [upstream("a", 2), bad, upstream("c", 1)])
    assert set(Meeting.objects.filter(team=team).values_list("key", flat=True)) == {"a", "c"}
    assert (run.meetings_written, run.rows_written, run.quarantined) == (2, 3, 1)
    q = QuarantinedMeeting.objects.get(run=run)
    assert (q.team, q.key, q.room, q.start) == (team, "b", "standup", T0)
    assert q.error_type and q.error
    assert q.summary["participants"] == 2 and q.summary["duration"] == -5
    assert q.summary["first_participants"][0]["session_key"] == "b-s0"


class FakeClient:
    """Daily as a list: the meetings whose start is in the window asked."""

    def __init__(self, meetings: list[daily.Meeting]) -> None:
        self._meetings = meetings

    def __enter__(self) -> FakeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def meetings(self, start, end, room=None):
        return iter([m for m in self._meetings if start <= m.start < end])


def test_a_sync_with_an_unstorable_meeting_completes_and_the_page_shows_it(client, monkeypatch):
    team = make_team("quarantine", time_zone="UTC")
    hostile = "<b>bad</b>\x00room"
    meetings = [
        upstream("one", 2, start=T0),
        replace(unstorable(upstream("two", 2, start=T0 + timedelta(hours=2))), room=hostile),
        upstream("three", 2, start=T0 + timedelta(hours=8)),
    ]
    monkeypatch.setattr(sync, "client_for", lambda team, background: FakeClient(meetings))
    now = T0 + timedelta(days=1)
    run = sync_team(team, now=now, since=T0 - timedelta(hours=1))
    assert run.outcome == SyncOutcome.OK
    assert (run.meetings_seen, run.meetings_written, run.quarantined) == (3, 2, 1)
    assert SyncState.objects.get(team=team).watermark == run.window_end == run.checkpoint
    assert set(Meeting.objects.filter(team=team).values_list("key", flat=True)) == {
        "one",
        "three",
    }
    user = make_member(team, Role.MANAGER)
    client.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("attendance:sync_history", args=[team.slug])).content.decode()
    assert "Meetings set aside" in page and "1 meeting set aside" in page
    assert "&lt;b&gt;bad&lt;/b&gt;room" in page and "<b>bad</b>" not in page


def test_the_sync_page_reads_the_quarantine_in_one_query_whatever_its_size(client):
    team = make_team("many", time_zone="UTC")
    user = make_member(team, Role.OWNER)
    client.login(username=user.username, password=PASSWORD)
    url = reverse("attendance:sync_history", args=[team.slug])
    run = SyncRun.objects.create(team=team, trigger=SyncTrigger.SCHEDULE)

    def add(n: int) -> int:
        QuarantinedMeeting.objects.bulk_create(
            QuarantinedMeeting(run=run, team=team, key=f"k{i}", error_type="E", error="e")
            for i in range(n)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert add(2) == add(30)


def test_a_meeting_refused_again_is_one_row_and_goes_once_a_sync_stores_it(monkeypatch):
    team = make_team("again", time_zone="UTC")
    bad = unstorable(upstream("flaky", 2, start=T0))
    listed = [bad, upstream("fine", 1, start=T0 + timedelta(hours=1))]
    monkeypatch.setattr(sync, "client_for", lambda team, background: FakeClient(listed))
    since, now = T0 - timedelta(hours=1), T0 + timedelta(days=1)
    first = sync_team(team, now=now, since=since)
    second = sync_team(team, now=now, since=since)
    assert first.quarantined == second.quarantined == 1
    row = QuarantinedMeeting.objects.get(team=team)
    assert (row.key, row.run) == ("flaky", second)
    listed[0] = upstream("flaky", 2, start=T0)  # Daily's figures are storable now
    third = sync_team(team, now=now, since=since)
    assert third.quarantined == 0 and third.meetings_written == 2
    assert not QuarantinedMeeting.objects.filter(team=team).exists()
    assert Meeting.objects.filter(team=team, key="flaky").exists()
