"""1. Sync ingest: the simulator's history synced into PostgreSQL.

- End to end: `attendance.sync.sync_team` in a subprocess, in two windows (the first
  `first_window_days` of the history, then the rest), which together load the history
  every other benchmark reads. Rows per second of each, and the peak RSS of each process:
  memory must stay flat as the window grows (the second window is ~9x the first).
- The ingest step alone: `attendance.sync.write_meetings` (what a sync does with a batch
  it fetched) against `COPY` of the same rows into the same tables, in the same run. The
  rows are the meetings of `sample_days` days, fetched once into memory; each side writes
  them under a scratch team (so the tables hold the whole history, as in production) and
  the rows are deleted again (untimed) before the next timing. COPY gets its rows as
  ready-made tuples and ids drawn from the sequence up front: it is the ceiling, the
  fastest way these rows can reach these tables. `write_meetings` does more than write
  them: in the same transaction it merges each ended meeting's sessions per person and
  stores that summary (`attendance.summary`) and the report summaries
  (`attendance.rollups`). The target compares it with COPY of every row it writes (the
  summary rows read back from one untimed run); COPY of the meetings and sessions alone
  is shown too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

import daily
from attendance import summary, sync
from attendance.models import (
    Attendance,
    Meeting,
    MeetingFigures,
    MeetingPresence,
    PersonDay,
    RoomPeriod,
    RoomPersonPeriod,
)
from attendance.sync import meeting_values, session_values, write_meetings
from bench.harness import SIM_NOW, Harness, compare, say
from bench.results import NONE, Row, ratio_at_least, ratio_at_most
from teams.daily_client import client_for
from teams.models import Team

NAME = "ingest"
# The report summaries' columns but their keys to other rows (meeting, team).
FIGURES = ("room", "start", "end", "seconds", "peak", "sessions", "guests", "people",
           "participant_seconds", "longest_guest")  # fmt: skip
PERIODS = ("room", "grain", "start", "meetings", "seconds", "peak", "sessions", "guests",
           "last_end", "participant_seconds", "longest_guest")  # fmt: skip
PEOPLE = ("room", "grain", "start", "identity", "first_start", "last_start")

# The baseline COPYs the same columns the sync writes, plus the keys it fills in.
MEETING_COLUMNS = ("id", "team_id", *sync.MEETING_COLUMNS)
SESSION_COLUMNS = ("meeting_id", "team_id", *sync.SESSION_COLUMNS)


def _columns(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def fetch_sample(team: Team, start: Any, end: Any) -> list[daily.Meeting]:
    with client_for(team, background=True) as client:
        return list(client.meetings(start, end))


class CopyBaseline:
    """COPY of the sample's rows, built as tuples once (untimed).

    With `summaries`, also the rows `write_meetings` derives from them (MeetingPresence
    and PersonDay), read back from one untimed run of it: every row the ingest writes.
    """

    def __init__(self, team: Team, sample: list[daily.Meeting], *, summaries: bool) -> None:
        now = timezone.now()
        self.team_id = team.pk
        self.meetings = [meeting_values(m, now) for m in sample]
        self.sessions = [list(session_values(m)) for m in sample]
        self.presence: list[tuple] = []
        self.days: list[tuple] = []
        self.figures: list[tuple] = []
        self.periods: list[tuple] = []
        self.people: list[tuple] = []
        if summaries:
            clear(team)
            write_meetings(team, sample)
            self.presence = list(
                MeetingPresence.objects.filter(team=team).values_list(
                    "meeting__key", *summary.PRESENCE_COLUMNS
                )
            )
            self.days = list(PersonDay.objects.filter(team=team).values_list(*summary.DAY_COLUMNS))
            # The report summaries (attendance.rollups) are rows the ingest writes too.
            self.figures = list(
                MeetingFigures.objects.filter(team=team).values_list("meeting__key", *FIGURES)
            )
            self.periods = list(RoomPeriod.objects.filter(team=team).values_list(*PERIODS))
            self.people = list(RoomPersonPeriod.objects.filter(team=team).values_list(*PEOPLE))
            clear(team)
        self.rows = (
            len(self.meetings)
            + sum(len(s) for s in self.sessions)
            + len(self.presence)
            + len(self.days)
            + len(self.figures)
            + len(self.periods)
            + len(self.people)
        )

    def __call__(self) -> None:
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg's own cursor, for COPY
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('attendance_meeting', 'id'))"
                " FROM generate_series(1, %s)",
                [len(self.meetings)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            sql = f"COPY attendance_meeting ({_columns(MEETING_COLUMNS)}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for pk, row in zip(ids, self.meetings, strict=True):
                    copy.write_row((pk, self.team_id, *row))
            sql = f"COPY attendance_attendance ({_columns(SESSION_COLUMNS)}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for pk, sessions in zip(ids, self.sessions, strict=True):
                    for row in sessions:
                        copy.write_row((pk, self.team_id, *row))
            if not self.presence:
                return
            id_of = {row[0]: pk for pk, row in zip(ids, self.meetings, strict=True)}
            columns = _columns(("meeting_id", "team_id", *summary.PRESENCE_COLUMNS))
            with cursor.copy(f"COPY attendance_meetingpresence ({columns}) FROM STDIN") as copy:
                for key, *row in self.presence:
                    copy.write_row((id_of[key], self.team_id, *row))
            columns = _columns(("team_id", *summary.DAY_COLUMNS))
            with cursor.copy(f"COPY attendance_personday ({columns}) FROM STDIN") as copy:
                for row in self.days:
                    copy.write_row((self.team_id, *row))
            columns = _columns(("meeting_id", "team_id", *FIGURES))
            with cursor.copy(f"COPY attendance_meetingfigures ({columns}) FROM STDIN") as copy:
                for key, *row in self.figures:
                    copy.write_row((id_of[key], self.team_id, *row))
            for table, names, rows in (
                ("attendance_roomperiod", PERIODS, self.periods),
                ("attendance_roompersonperiod", PEOPLE, self.people),
            ):
                with cursor.copy(
                    f"COPY {table} ({_columns(('team_id', *names))}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row((self.team_id, *row))


def clear(team: Team) -> None:
    PersonDay.objects.filter(team=team).delete()  # MeetingPresence goes with the meetings
    RoomPeriod.objects.filter(team=team).delete()  # MeetingFigures go with the meetings
    RoomPersonPeriod.objects.filter(team=team).delete()
    Attendance.objects.filter(team=team).delete()
    Meeting.objects.filter(team=team).delete()


def ingest_against_copy(
    team: Team, sample: list[daily.Meeting], reps: int, *, summaries: bool
) -> tuple[float, float, int]:
    """Median seconds of write_meetings (in the sync's batches) and of COPY, and the rows
    COPY writes: those of the sample, and with `summaries` the rows derived from them."""
    baseline = CopyBaseline(team, sample, summaries=summaries)
    size = sync.BATCH_MEETINGS  # the batches a sync writes

    def ingest() -> None:
        for i in range(0, len(sample), size):
            write_meetings(team, sample[i : i + size])

    ingest_s, copy_s = compare(ingest, baseline, reps, between=lambda: clear(team))
    return ingest_s, copy_s, baseline.rows


def run(h: Harness) -> list[Row]:
    p = h.profile
    since = h.history_since
    split = since + timedelta(days=p.first_window_days)
    say(f"ingest: sync {since:%Y-%m-%d} to {split:%Y-%m-%d} (subprocess)")
    first = h.sync_in_child("rest", since, split)
    say(f"ingest: sync {split:%Y-%m-%d} to {SIM_NOW:%Y-%m-%d %H:%M} (subprocess)")
    second = h.sync_in_child("rest", split)
    h.after_load()
    meetings = first.meetings + second.meetings
    sessions = first.rows + second.rows
    say(f"ingest: {meetings:,} meetings and {sessions:,} sessions in the database")

    scratch = h.add_team("ingest", h.sim, "rest")
    end = SIM_NOW - timedelta(days=1)
    sample = fetch_sample(scratch, end - timedelta(days=p.sample_days), end)
    rows = len(sample) + sum(len(m.participants) for m in sample)
    say(f"ingest: write_meetings against COPY of every row it writes, {p.reps} times each")
    ingest_s, copy_s, written = ingest_against_copy(scratch, sample, p.reps, summaries=True)
    say(f"ingest: write_meetings against COPY of the sample alone ({rows:,} rows)")
    plain_ingest_s, plain_copy_s, _ = ingest_against_copy(scratch, sample, p.reps, summaries=False)
    clear(scratch)

    days_first = p.first_window_days
    days_second = (SIM_NOW - split).total_seconds() / 86400
    first_rate = (first.meetings + first.rows) / first.seconds
    second_rate = (second.meetings + second.rows) / second.seconds
    return [
        Row(
            NAME,
            f"sync end to end, {meetings:,} meetings + {sessions:,} sessions",
            (meetings + sessions) / (first.seconds + second.seconds),
            rows / plain_copy_s,
            "rows/s",
            NONE,
            note="baseline: COPY of the sample (meetings and sessions); fetch, parse, write "
            "and summaries included",
        ),
        Row(
            NAME,
            f"ingest step against COPY of every row it writes ({written:,} rows)",
            written / ingest_s,
            written / copy_s,
            "rows/s",
            ratio_at_least(0.5),
            note=f"{rows:,} meetings and sessions, {written - rows:,} summary rows",
        ),
        Row(
            NAME,
            f"ingest step against COPY of the meetings and sessions alone ({rows:,} rows)",
            rows / plain_ingest_s,
            rows / plain_copy_s,
            "rows/s",
            NONE,
            note="COPY skips the summaries the ingest computes and writes",
        ),
        Row(
            NAME,
            f"sync peak RSS, {days_second:.0f}-day against {days_first}-day window",
            second.peak_rss_kib / 1024,
            first.peak_rss_kib / 1024,
            "MiB",
            ratio_at_most(1.1),
            note=(
                f"{first_rate:,.0f} and {second_rate:,.0f} rows/s; RSS before the run "
                f"{first.start_rss_kib / 1024:.0f} MiB"
            ),
        ),
    ]
