"""Merged presence of ended meetings, stored when their sessions are written.

The people report adds up, per person, the merged time of every meeting in a range:
computed from the sessions, that is a sort and a window over every session of the range
on each view (about half a second for a month of a busy team). A meeting's figures stop
changing once it has ended, so they are computed once instead, by the same SQL the
reports use (`attendance.reports.presence`), and stored as MeetingPresence rows.

Invariant: a meeting has MeetingPresence rows exactly when `Meeting.summarised` is true,
and they were computed from its current sessions. `summarise` keeps it (delete, insert,
flag, in the caller's transaction); every writer of sessions or of a meeting's end calls
it: the sync (`attendance.sync.write_meetings`) and the webhook receiver. A meeting
written any other way is simply not summarised, and the reports compute it from its
sessions, as they do for ongoing meetings: a missing summary costs time, never a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Case, When

from attendance.models import Meeting
from attendance.reports.filters import ReportFilters
from attendance.reports.presence import PM_COLUMNS, Scope, presence_cte
from attendance.reports.sql import param, placeholders
from teams.models import Team

BATCH = 500

# The computation's columns stored (guests are not: see presence._summaries), and their
# names in MeetingPresence.
_FROM = [c for c in PM_COLUMNS if c not in ("guest_session", "guest")]
_INTO = [{"m_len": "meeting_seconds"}.get(c, c) for c in _FROM]
# MeetingPresence and PersonDay columns but their keys to other rows (meeting, team).
PRESENCE_COLUMNS = ("start", "room", *(c for c in _INTO if c != "meeting_id"))
DAY_COLUMNS = (
    "day",
    "identity",
    "name",
    "meetings",
    "sessions",
    "merged",
    "first_join",
    "last_leave",
    "open",
)


def summarise(team: Team, meeting_ids: Sequence[int], *, flagged: bool = False) -> None:
    """Recompute the MeetingPresence rows of these meetings of `team` (ended ones only).

    `flagged`: the caller has set `Meeting.summarised` (true for the ended ones) in this
    transaction already, as the sync's upsert does: a second update of every row would
    cost as much as the summary.
    """
    for i in range(0, len(meeting_ids), BATCH):
        _summarise(team, list(meeting_ids[i : i + BATCH]), flagged=flagged)


def _summarise(team: Team, ids: list[int], *, flagged: bool) -> None:
    if not ids:
        return
    scope = Scope(
        filters=ReportFilters.default(team), meeting_ids=ids, include_guests=False, ended_only=True
    )
    cte, params = presence_cte(scope)
    listed = placeholders(ids)
    # `open` is an integer in the computation, a boolean when stored.
    values = ", ".join("pm.open <> 0" if c == "open" else f"pm.{c}" for c in _FROM)
    with transaction.atomic(), connection.cursor() as cursor:
        # One summariser per meeting at a time (a sync and a webhook may meet here): the
        # rows are locked in one order, as the sync's upsert locks them.
        list(Meeting.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        cursor.execute(
            f"DELETE FROM attendance_meetingpresence WHERE meeting_id IN ({listed})",  # noqa: S608
            ids,
        )
        # Only constants are formatted in (column lists, placeholders); values are parameters.
        cursor.execute(
            f"""INSERT INTO attendance_meetingpresence
                (team_id, start, room, {", ".join(_INTO)})
            {cte}
            SELECT mt.team_id, mt.start, mt.room, {values}
            FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id""",  # noqa: S608
            params,
        )
        if not flagged:
            Meeting.objects.filter(team=team, pk__in=ids).update(
                summarised=Case(When(end__isnull=False, then=True), default=False)
            )
        starts = Meeting.objects.filter(pk__in=ids, end__isnull=False).values_list(
            "start", flat=True
        )
        _add_up_days(team, {start.astimezone(dt.UTC).date() for start in starts})


def _add_up_days(team: Team, days: set[dt.date]) -> None:
    """Recompute the PersonDay rows of these UTC days from their MeetingPresence rows."""
    if not days:
        return
    # One writer of a team's days at a time: two transactions adding up the same day
    # from what each sees could otherwise leave the older sum last.
    list(Team.objects.select_for_update().filter(pk=team.pk).values("pk"))
    with connection.cursor() as cursor:
        for day in sorted(days):
            start = dt.datetime.combine(day, dt.time.min, dt.UTC)
            bounds = [param(start), param(start + dt.timedelta(days=1))]
            stored_day = connection.ops.adapt_datefield_value(day)
            cursor.execute(
                "DELETE FROM attendance_personday WHERE team_id = %s AND day = %s",
                [team.pk, stored_day],
            )
            cursor.execute(
                f"""INSERT INTO attendance_personday (team_id, {", ".join(DAY_COLUMNS)})
                SELECT team_id, %s, identity, MAX(name), COUNT(*), SUM(sessions), SUM(merged),
                       MIN(first_join), MAX(last_leave),
                       MAX(CASE WHEN open THEN 1 ELSE 0 END) = 1
                FROM attendance_meetingpresence
                WHERE team_id = %s AND start >= %s AND start < %s
                GROUP BY team_id, identity""",  # noqa: S608 (constants only)
                [stored_day, team.pk, *bounds],
            )


def summarise_pending(team: Team, limit: int = 20 * BATCH) -> int:
    """Summarise up to `limit` ended meetings that have no summary yet; return how many.

    Catches meetings written before summaries existed (an upgrade) or by another path.
    """
    ids = list(
        Meeting.objects.filter(team=team, summarised=False, end__isnull=False)
        .order_by()
        .values_list("pk", flat=True)[:limit]
    )
    summarise(team, ids)
    return len(ids)
