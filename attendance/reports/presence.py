"""Who was in which meeting, and for how long: merged presence, computed in SQL.

The unit is one person in one meeting. A person may have several sessions in one
meeting (a rejoin after a dropped connection, a second device, overlapping or not);
their time in the meeting is the length of the *union* of those intervals, so no
minute is ever counted twice.

The union is computed in one pass with a window function. Sort a person's sessions
in a meeting by join; the time a session adds to those before it is

    max(0, leave - max(join, latest leave of the earlier sessions))

because every earlier session started no later than this one, so together they
cover exactly [join, latest earlier leave) of it. The sum of those contributions is
the length of the union. Both PostgreSQL and SQLite run the same SQL.

Intervals:
- a session without a leave counts up to the meeting's end, or up to `now` while the
  meeting is ongoing (the meeting's length likewise);
- a leave after the meeting's end is cut at the end (the meeting's end is authoritative),
  so a person's share of a meeting never exceeds 100%.

Ended meetings are computed once: `attendance.summary` stores the `pm` rows of their
identified people (this same SQL) as MeetingPresence when their sessions are written.
A scope with `skip_summarised` computes only the rest: the meetings not summarised
(ongoing ones, and any written without a summary), and guests (one session each: no
merge to save); the people report adds the stored rows to it.

People: an identified participant (an email or a user id) is one person across
sessions and meetings. Guests cannot be told apart: each guest session is its own
"person" (`guest_session` is the session's row id; 0 for identified people).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attendance.reports.filters import ReportFilters
from attendance.reports.sql import Dialect, dialect, param, placeholders


@dataclass(frozen=True)
class Scope:
    """Which meetings and sessions: the report's range, or explicit meetings."""

    filters: ReportFilters
    meeting_ids: Sequence[int] | None = None  # instead of the date range and room
    person: str = ""
    include_guests: bool = True
    ended_only: bool = False  # only meetings with an end (what a summary holds)
    skip_summarised: bool = False  # leave out what MeetingPresence holds


class Person:
    """What a row about one person (identified, or one guest session) shows of them.

    Mixed into the rows of the reports, which have `identity`, `guest_session` (0 for an
    identified person), `name` and `seconds` (merged).
    """

    identity: str
    guest_session: int
    name: str
    seconds: int

    @property
    def is_guest(self) -> bool:
        return self.guest_session != 0

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return "Guest" if self.is_guest else self.identity


# Columns of the `pm` relation (one row per person per meeting).
PM_COLUMNS = (
    "meeting_id",
    "identity",
    "guest_session",
    "guest",
    "name",
    "sessions",
    "first_join",
    "last_leave",
    "open",
    "merged",
    "m_len",
)


def presence_cte(scope: Scope, d: Dialect | None = None) -> tuple[str, list[Any]]:
    """`WITH ... pm AS (...)`: one row per (meeting, person) with merged seconds.

    Each CTE is named once only, so PostgreSQL inlines them all into one plan: a CTE
    referenced twice would be materialised.
    """
    d = d or dialect()
    f = scope.filters
    now = param(f.now)
    params: list[Any] = [now, f.team.pk]
    where = ["team_id = %s"]
    if scope.meeting_ids is not None:
        where.append(f"id IN ({placeholders(scope.meeting_ids)})")
        params += list(scope.meeting_ids)
    else:
        where += ["start >= %s", "start < %s"]
        params += [param(f.start), param(f.end)]
        if f.room:
            where.append("room = %s")
            params.append(f.room)
    if scope.ended_only:
        where.append('"end" IS NOT NULL')
    session_where = ["1 = 1"]
    if scope.skip_summarised:
        # Summaries hold identified people: guests are computed here in every meeting.
        if scope.include_guests:
            session_where.append("(m.summarised = %s OR a.is_guest = %s)")
            params += [False, True]
        else:
            where.append("summarised = %s")
            params.append(False)
    if scope.person:
        session_where.append("a.identity = %s")
        params.append(scope.person)
    if not scope.include_guests:
        session_where.append("a.is_guest = %s")
        params.append(False)

    join = d.epoch('a."join"')
    leave = d.least(f"COALESCE({d.epoch('a.leave')}, m.m_end)", "m.m_end")
    # Only constants are formatted in; every value is a parameter.
    sql = f"""
WITH m AS (
    SELECT id, summarised,
           {d.epoch("start")} AS m_start, {d.epoch('COALESCE("end", %s)')} AS m_end
    FROM attendance_meeting
    WHERE {" AND ".join(where)}
),
s AS (
    SELECT a.meeting_id, a.identity,
           CASE WHEN a.is_guest THEN a.id ELSE 0 END AS guest_session,
           CASE WHEN a.is_guest THEN 1 ELSE 0 END AS guest,
           a.user_name AS name,
           {join} AS j,
           {d.greatest(join, leave)} AS l,
           CASE WHEN a.leave IS NULL THEN 1 ELSE 0 END AS open,
           m.m_end - m.m_start AS m_len
    FROM m JOIN attendance_attendance a ON a.meeting_id = m.id
    WHERE {" AND ".join(session_where)}
),
w AS (
    SELECT s.*,
           MAX(l) OVER (
               PARTITION BY meeting_id, identity, guest_session
               ORDER BY j, l
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS prev_l
    FROM s
),
c AS (
    -- The seconds each session adds to the earlier sessions of that person there.
    SELECT w.*, {d.greatest("0", f"l - {d.greatest('j', 'COALESCE(prev_l, j)')}")} AS added
    FROM w
),
pm AS (
    SELECT meeting_id, identity, guest_session,
           MAX(guest) AS guest,
           MAX(name) AS name,
           COUNT(*) AS sessions,
           MIN(j) AS first_join,
           MAX(l) AS last_leave,
           MAX(open) AS open,
           SUM(added) AS merged,
           MAX(m_len) AS m_len
    FROM c
    GROUP BY meeting_id, identity, guest_session
)"""  # noqa: S608
    return sql, params
