"""3. Report queries: each report's own query code against hand-written SQL, same figures.

For each report (meetings, people, rooms, charts, the usage page's totals), over the
default 30-day range ending on the simulator's day: the function the page calls
(`meetings_page`, `people_page`, `rooms_page`, `per_day` + `heat_map` + `summary`,
`usage.figures.month_totals`), timed with its round trips, against
SQL written by hand for the same first page (or the same chart figures). Both answers
are compared figure by figure before any timing: a baseline that computes something
else would be no baseline, so a difference stops the run.

The hand-written queries are written independently of `attendance.reports` (different
shapes: LATERAL joins, FILTER clauses, one round trip where the ORM takes two), so they
show what a person writing SQL directly would get on the same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.db import connection

from attendance.reports.charts import heat_map, per_day, summary
from attendance.reports.filters import PER_PAGE, ReportFilters
from attendance.reports.meetings import meetings_page
from attendance.reports.people import people_page
from attendance.reports.rooms import rooms_page
from bench.harness import SIM_NOW, Harness, HarnessError, compare, say
from bench.results import Row, ratio_at_most

NAME = "queries"


def _rows(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _params(f: ReportFilters) -> dict[str, Any]:
    return {"team": f.team.pk, "start": f.start, "end": f.end, "now": f.now, "limit": PER_PAGE}


def _seconds(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds())
    return round(float(value))


# -- meetings --------------------------------------------------------------------------
MEETINGS_SQL = """
WITH page AS (
    SELECT id, start, max_participants, COALESCE("end", %(now)s) - start AS length
    FROM attendance_meeting
    WHERE team_id = %(team)s AND start >= %(start)s AND start < %(end)s
    ORDER BY start DESC, id DESC
    LIMIT %(limit)s
)
SELECT p.id, p.length, p.max_participants, c.people, c.guests,
       (SELECT COUNT(*) FROM attendance_meeting
        WHERE team_id = %(team)s AND start >= %(start)s AND start < %(end)s) AS total
FROM page p
CROSS JOIN LATERAL (
    SELECT COUNT(DISTINCT identity) FILTER (WHERE NOT is_guest) AS people,
           COUNT(*) FILTER (WHERE is_guest) AS guests
    FROM attendance_attendance WHERE meeting_id = p.id
) c
ORDER BY p.start DESC, p.id DESC
"""


def meetings_orm(f: ReportFilters) -> list[tuple]:
    page = meetings_page(f)
    return [
        (r.meeting.pk, r.seconds, r.meeting.max_participants, r.meeting.people, r.meeting.guests)
        for r in page.object_list
    ] + [("total", page.paginator.count)]


def meetings_sql(f: ReportFilters) -> list[tuple]:
    rows = _rows(MEETINGS_SQL, _params(f))
    total = rows[0][5] if rows else 0
    return [(r[0], _seconds(r[1]), r[2], r[3], r[4]) for r in rows] + [("total", total)]


# -- people ----------------------------------------------------------------------------
# Identified people (guests left out, the page's default). Per session, the time it adds
# to the person's earlier sessions in the same meeting (sorted by join) is
# leave - max(join, latest earlier leave); a person's first session in a meeting is the
# one without an earlier leave, which counts the meetings without a second grouping.
PEOPLE_SQL = """
WITH sessions AS (
    SELECT a.meeting_id, a.identity, a.user_name,
           date_part('epoch', a."join") AS j,
           GREATEST(date_part('epoch', a."join"),
                    LEAST(COALESCE(date_part('epoch', a.leave), me.e), me.e)) AS l,
           a.leave IS NULL AS open
    FROM attendance_meeting m
    JOIN attendance_attendance a ON a.meeting_id = m.id
    CROSS JOIN LATERAL (SELECT date_part('epoch', COALESCE(m."end", %(now)s)) AS e) me(e)
    WHERE m.team_id = %(team)s AND m.start >= %(start)s AND m.start < %(end)s
      AND NOT a.is_guest
),
ordered AS (
    SELECT *, MAX(l) OVER (PARTITION BY meeting_id, identity ORDER BY j
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
    FROM sessions
),
people AS (
    SELECT identity, MAX(user_name) AS name,
           COUNT(*) FILTER (WHERE before IS NULL) AS meetings,
           COUNT(*) AS sessions,
           SUM(GREATEST(0, l - GREATEST(j, COALESCE(before, j)))) AS seconds,
           MIN(j) AS first_join, MAX(l) AS last_leave, bool_or(open) AS still_in
    FROM ordered GROUP BY identity
)
SELECT *, COUNT(*) OVER (), SUM(sessions) OVER (), SUM(seconds) OVER ()
FROM people ORDER BY seconds DESC, identity
LIMIT %(limit)s
"""


def people_orm(f: ReportFilters) -> list[tuple]:
    page, totals = people_page(f)
    return [
        (
            r.identity,
            r.name,
            r.meetings,
            r.sessions,
            r.seconds,
            r.first_join.timestamp(),
            r.last_leave.timestamp(),
            r.still_in,
        )
        for r in page.object_list
    ] + [("totals", totals.people, totals.sessions, totals.seconds)]


def people_sql(f: ReportFilters) -> list[tuple]:
    rows = _rows(PEOPLE_SQL, _params(f))
    out = [
        (
            r[0],
            r[1] or "",
            int(r[2]),
            int(r[3]),
            _seconds(r[4]),
            float(round(r[5])),
            float(round(r[6])),
            bool(r[7]),
        )
        for r in rows
    ]
    first = rows[0] if rows else (None,) * 11
    totals = ("totals", int(first[8] or 0), int(first[9] or 0), _seconds(first[10]))
    return [*out, totals]


# -- rooms -----------------------------------------------------------------------------
ROOMS_SQL = """
WITH per_room AS (
    SELECT room,
           COUNT(*) FILTER (WHERE start >= %(start)s AND start < %(end)s) AS meetings,
           SUM(COALESCE("end", %(now)s) - start)
               FILTER (WHERE start >= %(start)s AND start < %(end)s) AS length,
           MAX(max_participants) FILTER (WHERE start >= %(start)s AND start < %(end)s) AS peak,
           MAX(COALESCE("end", %(now)s)) AS last_used,
           COUNT(*) FILTER (WHERE ongoing AND "end" IS NULL) AS in_use
    FROM attendance_meeting WHERE team_id = %(team)s
    GROUP BY room
),
page AS (
    SELECT *, COUNT(*) OVER () AS total FROM per_room WHERE meetings > 0
    ORDER BY meetings DESC, room LIMIT %(limit)s
)
SELECT p.room, p.meetings, p.length, p.peak, p.last_used, p.in_use, c.people, c.guests, p.total
FROM page p
CROSS JOIN LATERAL (
    SELECT COUNT(DISTINCT a.identity) FILTER (WHERE NOT a.is_guest) AS people,
           COUNT(*) FILTER (WHERE a.is_guest) AS guests
    FROM attendance_meeting m JOIN attendance_attendance a ON a.meeting_id = m.id
    WHERE m.team_id = %(team)s AND m.room = p.room AND m.start >= %(start)s AND m.start < %(end)s
) c
ORDER BY p.meetings DESC, p.room
"""


def rooms_orm(f: ReportFilters) -> list[tuple]:
    page = rooms_page(f)
    return [
        (
            r.room,
            r.meetings,
            _seconds(r.length),
            r.peak,
            r.last_used,
            r.in_use,
            r.people,
            r.guests,
        )
        for r in page.object_list
    ] + [("total", page.paginator.count)]


def rooms_sql(f: ReportFilters) -> list[tuple]:
    rows = _rows(ROOMS_SQL, _params(f))
    total = rows[0][8] if rows else 0
    return [(r[0], r[1], _seconds(r[2]), r[3], r[4], bool(r[5]), r[6], r[7]) for r in rows] + [
        ("total", total)
    ]


# -- charts ----------------------------------------------------------------------------
CHART_DAYS_SQL = """
SELECT (start AT TIME ZONE %(tz)s)::date AS day, COUNT(*),
       SUM(COALESCE("end", %(now)s) - start)
FROM attendance_meeting
WHERE team_id = %(team)s AND start >= %(start)s AND start < %(end)s
GROUP BY 1
"""
CHART_HEAT_SQL = """
SELECT EXTRACT(ISODOW FROM start AT TIME ZONE %(tz)s)::int,
       EXTRACT(HOUR FROM start AT TIME ZONE %(tz)s)::int, COUNT(*)
FROM attendance_meeting
WHERE team_id = %(team)s AND start >= %(start)s AND start < %(end)s
GROUP BY 1, 2
"""
CHART_PEOPLE_SQL = """
SELECT COUNT(DISTINCT a.identity) FILTER (WHERE NOT a.is_guest),
       COUNT(*) FILTER (WHERE a.is_guest)
FROM attendance_meeting m JOIN attendance_attendance a ON a.meeting_id = m.id
WHERE m.team_id = %(team)s AND m.start >= %(start)s AND m.start < %(end)s
"""


def charts_orm(f: ReportFilters) -> list[tuple]:
    days = per_day(f)
    grid = heat_map(f)
    s = summary(f, days)
    return [
        *((d.day, d.meetings, d.seconds) for d in days),
        *((w, h, n) for w, row in enumerate(grid) for h, n in enumerate(row) if n),
        ("summary", s.meetings, s.seconds, s.people, s.guests),
    ]


def charts_sql(f: ReportFilters) -> list[tuple]:
    params = {**_params(f), "tz": f.team.time_zone}
    found = {r[0]: (r[1], _seconds(r[2])) for r in _rows(CHART_DAYS_SQL, params)}
    days = [(d, *found.get(d, (0, 0))) for d in f.days]
    heat = sorted((w - 1, h, n) for w, h, n in _rows(CHART_HEAT_SQL, params))
    people, guests = _rows(CHART_PEOPLE_SQL, params)[0]
    return [
        *days,
        *heat,
        ("summary", sum(d[1] for d in days), sum(d[2] for d in days), people, guests),
    ]


# -- usage: participant-minutes of a range, guests included -----------------------------
USAGE_SQL = """
WITH sessions AS (
    SELECT a.meeting_id, a.identity, CASE WHEN a.is_guest THEN a.id ELSE 0 END AS guest,
           date_part('epoch', a."join") AS j,
           GREATEST(date_part('epoch', a."join"),
                    LEAST(COALESCE(date_part('epoch', a.leave), me.e), me.e)) AS l
    FROM attendance_meeting m
    JOIN attendance_attendance a ON a.meeting_id = m.id
    CROSS JOIN LATERAL (SELECT date_part('epoch', COALESCE(m."end", %(now)s)) AS e) me(e)
    WHERE m.team_id = %(team)s AND m.start >= %(start)s AND m.start < %(end)s
),
ordered AS (
    SELECT *, MAX(l) OVER (PARTITION BY meeting_id, identity, guest ORDER BY j, l
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
    FROM sessions
)
SELECT COUNT(DISTINCT identity) FILTER (WHERE guest = 0)
       + COUNT(DISTINCT guest) FILTER (WHERE guest <> 0),
       COUNT(*), SUM(GREATEST(0, l - GREATEST(j, COALESCE(before, j))))
FROM ordered
"""


def usage_orm(f: ReportFilters) -> list[tuple]:
    from usage.figures import month_totals

    t = month_totals(replace(f, include_guests=True))
    return [(t.people, t.sessions, t.seconds)]


def usage_sql(f: ReportFilters) -> list[tuple]:
    people, sessions, seconds = _rows(USAGE_SQL, _params(f))[0]
    return [(int(people or 0), int(sessions or 0), _seconds(seconds or 0))]


REPORTS: list[tuple[str, Callable[[ReportFilters], list], Callable[[ReportFilters], list]]] = [
    ("meetings report, first page", meetings_orm, meetings_sql),
    ("people report, first page", people_orm, people_sql),
    ("rooms report, first page", rooms_orm, rooms_sql),
    ("charts (per day, heat map, summary)", charts_orm, charts_sql),
    ("usage totals (participant-minutes, guests included)", usage_orm, usage_sql),
]


def filters(h: Harness) -> ReportFilters:
    first, last = h.report_range()
    return ReportFilters(team=h.team("rest"), date_from=first, date_to=last, now=SIM_NOW)


def check_same(what: str, ours: list[tuple], theirs: list[tuple]) -> None:
    if ours != theirs:
        diff = next(
            (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
            min(len(ours), len(theirs)),
        )
        got = ours[diff] if diff < len(ours) else None
        want = theirs[diff] if diff < len(theirs) else None
        raise HarnessError(f"{what}: the report and the SQL differ at row {diff}: {got} / {want}")


def run(h: Harness) -> list[Row]:
    h.ensure_history()
    f = filters(h)
    rows = []
    for what, orm, sql in REPORTS:
        check_same(what, orm(f), sql(f))
        say(f"queries: {what}, {h.profile.reps} times each")
        measured, baseline = compare(lambda orm=orm: orm(f), lambda sql=sql: sql(f), h.profile.reps)
        rows.append(Row(NAME, what, measured * 1000, baseline * 1000, "ms", ratio_at_most(1.2)))
    return rows
