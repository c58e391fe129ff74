"""Merged presence of ended meetings, stored when their sessions are written.

The people report adds up, per person, the merged time of every meeting in a range:
computed from the sessions, that is a sort and a window over every session of the range
on each view (about half a second for a month of a busy team). A meeting's figures stop
changing once it has ended, so they are computed once instead, by the same SQL the
reports use (`attendance.reports.presence`), and stored as MeetingPresence rows, which
PersonDay sums per person and UTC day (whole days of the report read those).

Invariant: a meeting has MeetingPresence rows exactly when `Meeting.summarised` is true,
and they were computed from its current sessions; PersonDay is their sum per day.
The report summaries of `attendance.rollups` (MeetingFigures and the periods above
them) are kept by the same call, after the presence rows.
`summarise` keeps them all (in the caller's transaction); every writer of sessions or of a
meeting's end calls it: the sync (`attendance.upsert.write_meetings`) and the webhook
receiver. A meeting written any other way is simply not summarised, and the reports
compute it from its sessions, as they do for ongoing meetings: a missing summary costs
time, never a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, When

from attendance import rollups
from attendance.models import Meeting, MeetingPresence
from attendance.reports.filters import ReportFilters
from attendance.reports.presence import PM_COLUMNS, Scope, presence_cte
from attendance.reports.sql import dialect, param, placeholders
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


def summarise(
    team: Team,
    meeting_ids: Sequence[int],
    *,
    flagged: bool = False,
    inserted: Collection[int] = (),
) -> None:
    """Recompute the MeetingPresence rows of these meetings of `team` (ended ones only).

    `flagged`: the caller has set `Meeting.summarised` (true for the ended ones) in this
    transaction already, as the sync's upsert does: a second update of every row would
    cost as much as the summary. `inserted`: meetings the caller's transaction inserted,
    which cannot have rows yet (no look for them).
    """
    for i in range(0, len(meeting_ids), BATCH):
        _summarise(team, list(meeting_ids[i : i + BATCH]), flagged=flagged, inserted=inserted)


def _summarise(team: Team, ids: list[int], *, flagged: bool, inserted: Collection[int]) -> None:
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
        ended = True  # a sync's batch: nearly always
        if not flagged:
            # One summariser per meeting at a time (a sync and a webhook may meet here):
            # the rows are locked in one order, as the sync's upsert locks them (a flagged
            # caller's upsert holds them already).
            ends = (
                Meeting.objects.select_for_update()
                .filter(pk__in=ids)
                .order_by("pk")
                .values_list("end", flat=True)
            )
            ended = any(end is not None for end in ends)
        # Rows these meetings have already (summarised by an earlier sync or a webhook):
        # their days are added up again from scratch below. A new meeting has none.
        stored = [pk for pk in ids if pk not in inserted]
        replaced = (
            {
                start.astimezone(dt.UTC).date()
                for start in MeetingPresence.objects.filter(meeting_id__in=stored)
                .order_by()
                .values_list("start", flat=True)
                .distinct()
            }
            if stored
            else set()
        )
        if replaced:
            cursor.execute(
                f"DELETE FROM attendance_meetingpresence WHERE meeting_id IN ({listed})",  # noqa: S608
                ids,
            )
        if not flagged:
            Meeting.objects.filter(team=team, pk__in=ids).update(
                summarised=Case(When(end__isnull=False, then=True), default=False)
            )
        if not ended and not replaced:
            # Ongoing meetings (a webhook's participant event): no presence to store, but
            # one that had ended before may be counted in the report summaries.
            rollups.refresh(team.pk, ids, inserted, lock=True)
            return
        # One writer of a team's days at a time: two transactions adding up the same day
        # from what each sees could otherwise leave the older sum last. (No key update:
        # rows that merely refer to the team, whose key checks share the row, don't wait.)
        list(Team.objects.select_for_update(no_key=True).filter(pk=team.pk).values("pk"))
        # Only constants are formatted in (column lists, placeholders); values are parameters.
        insert = f"""INSERT INTO attendance_meetingpresence
                (team_id, start, room, {", ".join(_INTO)})
            SELECT mt.team_id, mt.start, mt.room, {values}
            FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id"""  # noqa: S608
        # The days `replaced` held earlier rows of these meetings: they are added up again
        # below. On the others these meetings are new: their rows are added to the sums.
        skip = " AND ".join(["1 = 1", *["NOT (start >= %s AND start < %s)"] * len(replaced)])
        skip_params = [bound for day in sorted(replaced) for bound in _day_bounds(day)]
        if connection.vendor == "postgresql":
            # The rows just inserted are added up as they are returned, never read back.
            cursor.execute(
                f"""{cte},
                ins AS ({insert} RETURNING {", ".join(_RETURNED)})
                {_add_to_days("ins", skip)}""",
                [*params, *skip_params],
            )
        else:
            cursor.execute(f"{cte} {insert}", params)
            cursor.execute(
                _add_to_days("attendance_meetingpresence", f"meeting_id IN ({listed}) AND {skip}"),
                [*ids, *skip_params],
            )
        _recount_days(team, replaced)
        rollups.refresh(team.pk, ids, inserted)


# What a day's sums are made of, from MeetingPresence rows.
_SUMS = """MAX(name), COUNT(*), SUM(sessions), SUM(merged), MIN(first_join), MAX(last_leave),
    MAX(CASE WHEN open THEN 1 ELSE 0 END) = 1"""
_RETURNED = (
    "team_id",
    "start",
    "identity",
    "name",
    "sessions",
    "merged",
    "first_join",
    "last_leave",
    "open",
)


def _day_bounds(day: dt.date) -> list[Any]:
    start = dt.datetime.combine(day, dt.time.min, dt.UTC)
    return [param(start), param(start + dt.timedelta(days=1))]


def _add_to_days(source: str, where: str) -> str:
    """An upsert adding MeetingPresence rows of meetings new to their days (from `source`,
    those matching `where`) to the PersonDay rows: counts and seconds add up; the first
    join, last leave, name and open flag are the least or greatest of the two. That is
    what adding up the whole day again would give, without reading the day."""
    d = dialect()
    old = "attendance_personday"
    day = d.utc_day("start")
    # Only constants are formatted in (names, column lists).
    return f"""INSERT INTO attendance_personday (team_id, {", ".join(DAY_COLUMNS)})
        SELECT team_id, {day}, identity, {_SUMS}
        FROM {source}
        WHERE {where}
        GROUP BY team_id, {day}, identity
        ON CONFLICT (team_id, day, identity) DO UPDATE SET
            name = {d.greatest(f"{old}.name", "EXCLUDED.name")},
            meetings = {old}.meetings + EXCLUDED.meetings,
            sessions = {old}.sessions + EXCLUDED.sessions,
            merged = {old}.merged + EXCLUDED.merged,
            first_join = {d.least(f"{old}.first_join", "EXCLUDED.first_join")},
            last_leave = {d.greatest(f"{old}.last_leave", "EXCLUDED.last_leave")},
            open = {old}.open OR EXCLUDED.open"""  # noqa: S608


def _recount_days(team: Team, days: set[dt.date]) -> None:
    """Add up these UTC days' PersonDay rows again from all their MeetingPresence rows."""
    with connection.cursor() as cursor:
        for day in sorted(days):
            stored_day = connection.ops.adapt_datefield_value(day)
            cursor.execute(
                "DELETE FROM attendance_personday WHERE team_id = %s AND day = %s",
                [team.pk, stored_day],
            )
            # Only constants are formatted in (column lists); values are parameters.
            cursor.execute(
                f"""INSERT INTO attendance_personday (team_id, {", ".join(DAY_COLUMNS)})
                SELECT team_id, %s, identity, {_SUMS}
                FROM attendance_meetingpresence
                WHERE team_id = %s AND start >= %s AND start < %s
                GROUP BY team_id, identity""",  # noqa: S608
                [stored_day, team.pk, *_day_bounds(day)],
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


def summarise_bulk(team: Team, date_from: dt.date, date_to: dt.date) -> int:
    """Summarise at once every ended meeting that started on these days (the team's time
    zone) and has no summary yet: the same computation as `summarise`, set-based, for a
    bulk load (thousands of meetings per statement instead of 500). Its PersonDay days are
    added up anew; call `attendance.rollups.rebuild` for the report summaries after.
    Returns the number of meetings summarised."""
    f = ReportFilters(team=team, date_from=date_from, date_to=date_to)
    scope = Scope(filters=f, include_guests=False, ended_only=True, skip_summarised=True)
    cte, params = presence_cte(scope)
    values = ", ".join("pm.open <> 0" if c == "open" else f"pm.{c}" for c in _FROM)
    with transaction.atomic(), connection.cursor() as cursor:
        # Only constants are formatted in (column lists); values are parameters.
        cursor.execute(
            f"""{cte}
            INSERT INTO attendance_meetingpresence (team_id, start, room, {", ".join(_INTO)})
            SELECT mt.team_id, mt.start, mt.room, {values}
            FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id""",  # noqa: S608
            params,
        )
        done = Meeting.objects.filter(
            team=team, start__gte=f.start, start__lt=f.end, end__isnull=False, summarised=False
        ).update(summarised=True)
        first = f.start.astimezone(dt.UTC).date()
        last = f.end.astimezone(dt.UTC).date()
        _recount_days(team, {first + dt.timedelta(days=i) for i in range((last - first).days + 1)})
    return done
