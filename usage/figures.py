"""Participant-minutes per month: the people report's figures, read through its queries.

Daily bills video calls by the participant-minute ("Daily calculates 'participant-minutes'":
https://www.daily.co/blog/pricing-our-video-calling-api/; invoiced monthly for the
past billing period: https://help.daily.co/en/articles/3494538-billing-and-invoices).
Here a month's participant-minutes are the people report's minutes of that month with
guests included (`attendance.reports.people.people_page`, its totals): each person's time
in each meeting, their overlapping sessions merged, each guest session on its own.
Daily counts a second device as another participant, so its bill can be a little higher
than this estimate when people join twice at once; the page says so.

Per room, the same per-meeting merged rows are added up by the meeting's room instead of
by person: the rooms add up to the month's total, as each person's meetings do.

Read from the report summaries (`attendance.rollups`): each ended meeting's
participant-seconds (its people's merged seconds and its guest sessions' seconds) are
kept per room and period at write time, so a month's total, its rooms and the chart's
twelve months are the periods that tile each month (`attendance.reports.periods`), plus
the few meetings not summarised (ongoing ones) computed from their sessions; distinct
people are the people's month rows (`periods.month_people`: a row per person and UTC
month, whose first and last start tell whether they were in the part of it that the
team's month holds), or, for a range that is no month, counted as the reports count them
(`periods.people`). The per-person list
reads the people report's stored rows for identified people; guest sessions (one row
each, never merged) come from their session rows only when they can reach the page asked
for: a page of people all longer than the month's longest guest session needs none. A
range whose ends are not on quarter hours (a historical offset) is computed the people
report's way.

A month is a calendar month in the team's time zone: a meeting belongs to the month it
started in, as it belongs to a day in every report.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.core.paginator import Page
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils.dateformat import format as date_format

from attendance.models import Meeting
from attendance.reports import periods
from attendance.reports.filters import PER_PAGE, ReportFilters, local_today
from attendance.reports.pages import make_page
from attendance.reports.people import (
    PersonRow,
    Totals,
    people_page,
    people_rows,
    people_sql,
    person_row,
)
from attendance.reports.presence import Scope, presence_cte
from attendance.reports.sql import dialect, fetch_all, from_epoch, param, stream
from recordings.models import MirroredRecording, Status
from teams.models import Team
from usage.models import UsagePrice

CHART_MONTHS = 12
T = TypeVar("T")
Span = tuple[dt.datetime, dt.datetime]


def _serial(fn: Callable[..., T]) -> Callable[..., T]:
    """Run `fn`'s queries without parallel workers (PostgreSQL): they read a few dozen to a
    few thousand summary rows, and starting two workers took 45 of a query's 65 ms
    (EXPLAIN ANALYZE, the chart's twelve months, 1M sessions, a loaded machine)."""

    @functools.wraps(fn)
    def serial(*args: Any, **kwargs: Any) -> T:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return fn(*args, **kwargs)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return fn(*args, **kwargs)

    return serial


@dataclass(frozen=True)
class Month:
    first: dt.date  # the month's first day

    @property
    def last(self) -> dt.date:
        return next_month(self.first) - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        """March 2026 (März 2026): the month's name in the language in force."""
        return date_format(self.first, "F Y")

    @property
    def short(self) -> str:
        return date_format(self.first, "M Y")


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: dt.date) -> dt.date:
    return dt.date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def current_month(team: Team, now: dt.datetime) -> Month:
    return Month(local_today(team.tz, now).replace(day=1))


def parse_month(raw: str) -> Month | None:
    """'2026-03' as a Month; None for anything else."""
    try:
        year, month = (int(part) for part in raw.split("-"))
        day = dt.date(year, month, 1)
    except ValueError:
        return None
    if len(raw) != 7:
        return None
    return Month(day) if 2000 <= day.year <= 9999 else None


def last_months(month: Month, count: int = CHART_MONTHS) -> list[Month]:
    """`count` months ending with `month`, oldest first."""
    out = [month]
    while len(out) < count:
        out.append(Month(previous_month(out[-1].first)))
    return out[::-1]


def month_filters(team: Team, month: Month, now: dt.datetime, **extra) -> ReportFilters:
    """The people report's filters for a month: guests included (they are participants)."""
    return ReportFilters(
        team=team,
        date_from=month.first,
        date_to=month.last,
        now=now.replace(microsecond=0),
        include_guests=True,
        **extra,
    )


def month_totals(f: ReportFilters) -> Totals:
    """The people report's totals of the range, guests included (a few queries)."""
    return range_totals(f.team, [(f.start, f.end)], f.now)[0]


def months_totals(
    team: Team, months: Sequence[Month], now: dt.datetime, pending: list[tuple] | None = None
) -> dict[str, Totals]:
    """Each month's totals, all months at once (three queries whatever their number);
    `pending`: `unsummarised_of(team, months, now)` when the caller has it already."""
    ranges = _spans(team, months, now)
    now = now.replace(microsecond=0)
    totals = range_totals(team, ranges, now, pending)
    return {m.key: t for m, t in zip(months, totals, strict=True)}


def _spans(team: Team, months: Sequence[Month], now: dt.datetime) -> list[Span]:
    spans = []
    for m in months:
        f = month_filters(team, m, now)
        spans.append((f.start, f.end))
    return spans


def unsummarised_of(team: Team, months: Sequence[Month], now: dt.datetime) -> list[tuple]:
    """The people of the meetings not summarised in these months (`_unsummarised`), read
    once for a page whose figures all need them (the chart's months hold the one shown)."""
    return _unsummarised(team, _spans(team, months, now), now.replace(microsecond=0))


def _unsummarised(team: Team, spans: Sequence[Span], now: dt.datetime) -> list[tuple]:
    """(start, room, identity, guest_session, sessions, merged) of every person in the
    meetings of these spans that the summaries do not hold (ongoing ones, and any written
    without a summary): computed from their sessions, as the people report does."""
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    ids = list(
        Meeting.objects.filter(team=team, summarised=False, start__gte=lo, start__lt=hi)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    f = ReportFilters(team=team, date_from=dt.date.min, date_to=dt.date.min, now=now)
    cte, params = presence_cte(Scope(filters=f, meeting_ids=ids, include_guests=True))
    sql = f"""{cte}
SELECT {dialect().epoch("mt.start")}, mt.room, pm.identity, pm.guest_session, pm.sessions,
       pm.merged
FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id"""  # noqa: S608 (constants only)
    out = []
    for start, room, identity, guest_session, sessions, merged in fetch_all(sql, params):
        moment = dt.datetime.fromtimestamp(float(start), dt.UTC)
        out.append((moment, room, identity, int(guest_session), int(sessions), float(merged)))
    return out


def _in(moment: dt.datetime, span: Span) -> bool:
    return span[0] <= moment < span[1]


@_serial
def range_totals(
    team: Team, spans: Sequence[Span], now: dt.datetime, pending: list[tuple] | None = None
) -> list[Totals]:
    """The people report's totals (participants, sessions, participant-seconds; guests
    included) of each [start, end), read from the summaries; `pending`: the rows of
    `_unsummarised` for spans holding these, when the caller has them."""
    tiles = [periods.pieces(s, e) for s, e in spans]
    if any(t is None for t in tiles):  # ends off the quarter hours: the people report
        return [month_totals_raw(team, s, e, now) for s, e in spans]
    parts, params = [], []
    for i, ps in enumerate(tiles):
        sql, p = periods.union(
            ps,  # type: ignore[arg-type]
            f"{i} AS k, participant_seconds, sessions, guests",
            "attendance_roomperiod",
            "team_id = %s AND room = ''",
            [team.pk],
        )
        parts.append(sql)
        params += p
    summed = {
        int(k): (float(seconds or 0), int(sessions or 0), int(guests or 0))
        for k, seconds, sessions, guests in fetch_all(
            f"SELECT k, SUM(participant_seconds), SUM(sessions), SUM(guests)"  # noqa: S608
            f" FROM ({' UNION ALL '.join(parts)}) u GROUP BY k",
            params,
        )
    }
    # Distinct identified people of each range (summaries, stored presence at the ends,
    # sessions of the meetings not summarised).
    parts, params = [], []
    for i, ps in enumerate(tiles):
        sql, p = periods.month_people(team.pk, [""], *spans[i]) or periods.people(
            team.pk,
            [""],
            ps,  # type: ignore[arg-type]
            *spans[i],
        )
        parts.append(f"SELECT {i} AS k, identity FROM ({sql}) p{i}")  # noqa: S608
        params += p
    people = {
        int(k): int(n)
        for k, n in fetch_all(
            f"SELECT k, COUNT(DISTINCT identity) FROM ({' UNION ALL '.join(parts)}) u"  # noqa: S608
            " GROUP BY k",
            params,
        )
    }
    rest = _unsummarised(team, spans, now) if pending is None else pending
    out = []
    for i, span in enumerate(spans):
        seconds, sessions, guests = summed.get(i, (0.0, 0, 0))
        for start, _room, _identity, guest_session, n, merged in rest:
            if _in(start, span):
                seconds += merged
                sessions += n
                guests += 1 if guest_session else 0
        out.append(Totals(people.get(i, 0) + guests, sessions, round(seconds)))
    return out


def month_totals_raw(team: Team, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> Totals:
    f = ReportFilters(team=team, date_from=dt.date.min, date_to=dt.date.min, now=now)
    return people_page(_spanned(f, start, end))[1]


def _spanned(f: ReportFilters, start: dt.datetime, end: dt.datetime) -> ReportFilters:
    """Filters whose range is these instants (midnights of the team's time zone)."""
    tz = f.tz
    first = start.astimezone(tz).date()
    last = end.astimezone(tz).date() - dt.timedelta(days=1)
    return replace(f, date_from=first, date_to=last, include_guests=True)


# -- people ---------------------------------------------------------------------------------
def _identified(f: ReportFilters, limit: int | None = None) -> Iterator[tuple[tuple, PersonRow]]:
    """(sort key, row) of the identified people of the range, the people report's order
    (participant-seconds descending, then identity): its stored rows, streamed."""
    sql, params = people_sql(replace(f, include_guests=False, sort="-minutes"))
    if limit is not None:
        sql, params = f"{sql}\nLIMIT %s", [*params, limit]
    for r in stream(sql, params):
        row = person_row(r)
        yield (-float(r[5]), r[0], int(r[1])), row


def _guests(
    f: ReportFilters, limit: int | None = None, *, unsummarised: bool = False
) -> Iterator[tuple[tuple, PersonRow]]:
    """(sort key, row) of every guest session of the range (each its own participant, as
    in the people report: from its join to its leave, or the meeting's end, or now while
    the meeting is ongoing), longest first: their session rows, read once; `unsummarised`:
    only those of the meetings the summaries do not hold (through their partial index)."""
    d = dialect()
    join = d.epoch('a."join"')
    end = d.epoch('COALESCE(m."end", %s)')
    leave = d.greatest(join, d.least(f"COALESCE({d.epoch('a.leave')}, {end})", end))
    sql = f"""SELECT a.identity, a.id, a.user_name, {leave} - {join} AS seconds, {join}, {leave},
       CASE WHEN a.leave IS NULL THEN 1 ELSE 0 END
FROM attendance_meeting m JOIN attendance_attendance a ON a.meeting_id = m.id
WHERE m.team_id = %s AND m.start >= %s AND m.start < %s AND a.is_guest = %s{
        " AND m.summarised = %s" if unsummarised else ""
    }
ORDER BY seconds DESC, a.identity, a.id"""  # noqa: S608 (constants only)
    now = param(f.now)
    params: list[Any] = [now, now, now, now, f.team.pk, param(f.start), param(f.end), True]
    if unsummarised:
        params.append(False)
    if limit is not None:
        sql, params = f"{sql}\nLIMIT %s", [*params, limit]
    for identity, pk, name, seconds, first, last, open_ in stream(sql, params):
        row = PersonRow(
            identity=identity,
            guest_session=int(pk),
            name=name or "",
            meetings=1,
            sessions=1,
            seconds=round(float(seconds)),
            first_join=from_epoch(first),
            last_leave=from_epoch(last),
            still_in=bool(open_),
        )
        yield (-float(seconds), identity, int(pk)), row


@_serial
def _longest_guest(
    f: ReportFilters, ps: list, pending: list[tuple] | None = None
) -> tuple[float, float]:
    """The range's longest guest session in the summaries, and in the meetings they do
    not hold (ongoing ones: a guest still there counts up to now)."""
    sql, params = periods.union(
        ps, "longest_guest", "attendance_roomperiod", "team_id = %s AND room = ''", [f.team.pk]
    )
    stored = float(fetch_all(f"SELECT MAX(longest_guest) FROM ({sql}) u", params)[0][0] or 0)  # noqa: S608
    rest = 0.0
    span = (f.start, f.end)
    if pending is None:
        pending = _unsummarised(f.team, [span], f.now)
    for start, _room, _identity, guest_session, _n, merged in pending:
        if guest_session and _in(start, span):
            rest = max(rest, merged)
    return stored, rest


def person_page(
    f: ReportFilters, totals: Totals | None = None, pending: list[tuple] | None = None
) -> tuple[Page, Totals]:
    """A page of people (each guest session one of them) with their participant-minutes,
    the people report's order, and the range's totals.

    The page is the identified people's stored rows when they fill it and every one of
    them has more participant-seconds than the longest guest session: no guest can sort
    before them. When only guests of meetings not summarised (ongoing ones) are longer,
    those are read and merged in; otherwise every guest's row (the later pages of a busy
    month)."""
    ps = periods.pieces(f.start, f.end)
    if ps is None:
        return people_page(f)
    totals = totals or month_totals(f)
    last = max(1, -(-totals.people // PER_PAGE))
    number = min(max(1, f.page), last)
    offset = (number - 1) * PER_PAGE
    wanted = offset + PER_PAGE
    identified = list(itertools.islice(_identified(f, wanted), wanted))
    # Rounded seconds against a bound: a margin of one second keeps the comparison exact.
    least = identified[-1][1].seconds - 1 if len(identified) == wanted else -1.0
    stored, rest = _longest_guest(f, ps, pending)
    if least > max(stored, rest):
        rows = [row for _, row in identified[offset:]]
    else:
        guests = _guests(f, wanted, unsummarised=least > stored)
        merged = heapq.merge(identified, guests, key=lambda pair: pair[0])
        rows = [row for _, row in itertools.islice(merged, offset, wanted)]
    return make_page(rows, number, totals.people), totals


def person_rows(f: ReportFilters) -> Iterator[PersonRow]:
    """Every person of the range (each guest session one), the people report's order."""
    if periods.pieces(f.start, f.end) is None:
        yield from people_rows(f)
        return
    merged = heapq.merge(_identified(f), _guests(f), key=lambda pair: pair[0])
    for _, row in merged:
        yield row


@dataclass(frozen=True)
class RoomUsage:
    room: str
    seconds: int
    people: int  # participants: identified people and guest sessions

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def per_room(f: ReportFilters) -> list[RoomUsage]:
    """Participant-seconds per room of the range, most used first, from the summaries."""
    return top_rooms(f)[0]


@_serial
def top_rooms(
    f: ReportFilters, limit: int | None = None, pending: list[tuple] | None = None
) -> tuple[list[RoomUsage], int]:
    """The `limit` most used rooms of the range (all without one), and how many rooms were
    used: every room's participant-seconds are added up from the summaries, but distinct
    people are counted for the rooms returned only: their people's month rows (a month),
    else one probe per person ever in each of a few rooms, or, for more, the range's
    stored presence read once (2,000 rooms of a month at 10M sessions: 160,000 probes
    took 3.9 s)."""
    ps = periods.pieces(f.start, f.end)
    if ps is None:
        rows = per_room_raw(f)
        return rows[:limit], len(rows)
    sql, params = periods.union(
        ps,
        "room, participant_seconds, sessions, guests",
        "attendance_roomperiod",
        "team_id = %s AND room <> ''",
        [f.team.pk],
    )
    rooms: dict[str, list] = defaultdict(lambda: [0.0, 0, 0])
    summed = fetch_all(
        "SELECT room, SUM(participant_seconds), SUM(sessions), SUM(guests)"  # noqa: S608
        f" FROM ({sql}) u GROUP BY room",
        params,
    )
    for room, seconds, sessions, guests in summed:
        rooms[room] = [float(seconds or 0), int(sessions or 0), int(guests or 0)]
    span = (f.start, f.end)
    if pending is None:
        pending = _unsummarised(f.team, [span], f.now)
    for start, room, _identity, guest_session, n, merged in pending:
        if not _in(start, span):
            continue
        r = rooms[room]
        r[0] += merged
        r[1] += n
        r[2] += 1 if guest_session else 0
    used = sorted((room for room, r in rooms.items() if r[1] > 0), key=lambda k: (-rooms[k][0], k))
    shown = used if limit is None else used[:limit]
    people: dict[str, int] = {}
    by_month = periods.month_people(f.team.pk, shown, f.start, f.end)
    if by_month is None and len(shown) > PROBED_ROOMS:
        people = _people_per_room(f)
    elif shown:
        sql, params = by_month or periods.people(f.team.pk, shown, ps, f.start, f.end)
        counted = f"SELECT room, COUNT(DISTINCT identity) FROM ({sql}) p GROUP BY room"  # noqa: S608
        people = {room: int(n) for room, n in fetch_all(counted, params)}
    out = [
        RoomUsage(
            room=room, seconds=round(rooms[room][0]), people=people.get(room, 0) + rooms[room][2]
        )
        for room in shown
    ]
    return out, len(used)


PROBED_ROOMS = 100


def _people_per_room(f: ReportFilters) -> dict[str, int]:
    """Distinct identified people per room of the range: the stored presence of its
    summarised meetings and the sessions of the others, read once."""
    sql = """SELECT room, COUNT(DISTINCT identity) FROM (
    SELECT room, identity FROM attendance_meetingpresence
    WHERE team_id = %s AND start >= %s AND start < %s
    UNION ALL
    SELECT m.room, a.identity FROM attendance_meeting m
    JOIN attendance_attendance a ON a.meeting_id = m.id
    WHERE m.team_id = %s AND m.summarised = %s AND m.start >= %s AND m.start < %s
      AND NOT a.is_guest
) p GROUP BY room"""
    bounds = [param(f.start), param(f.end)]
    params = [f.team.pk, *bounds, f.team.pk, False, *bounds]
    return {room: int(n) for room, n in fetch_all(sql, params)}


def per_room_raw(f: ReportFilters) -> list[RoomUsage]:
    """Participant-seconds per room of the range, most used first, from the raw rows and
    the stored presence (a range the summaries cannot tile): one query."""
    scope = Scope(filters=f, include_guests=True, skip_summarised=True)
    cte, params = presence_cte(scope)
    # Only constants are formatted in; every value is a parameter.
    sql = f"""{cte}
SELECT room, SUM(seconds) AS seconds, COUNT(DISTINCT who) AS people FROM (
    SELECT mt.room AS room, pm.merged AS seconds,
           CASE WHEN pm.guest_session = 0 THEN pm.identity ELSE 'guest:' || pm.guest_session END
               AS who
    FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id
    UNION ALL
    SELECT room, merged, identity FROM attendance_meetingpresence
    WHERE team_id = %s AND start >= %s AND start < %s
) u
GROUP BY room
ORDER BY SUM(seconds) DESC, room"""  # noqa: S608
    params += [f.team.pk, param(f.start), param(f.end)]
    return [
        RoomUsage(room=r[0], seconds=round(float(r[1] or 0)), people=int(r[2]))
        for r in fetch_all(sql, params)
    ]


def recording_seconds(team: Team, months: list[Month]) -> dict[str, int]:
    """Seconds of finished cloud recordings started in each month (one query), from the
    recordings mirror (`recordings.models`: below this app, so read directly)."""
    tz = team.tz

    def bounds(m: Month) -> Q:
        start = dt.datetime.combine(m.first, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(next_month(m.first), dt.time.min, tzinfo=tz)
        return Q(started_at__gte=start, started_at__lt=end)

    if not months:
        return {}
    sums = MirroredRecording.objects.filter(team=team, status=Status.FINISHED).aggregate(
        **{f"m{i}": Sum("duration", filter=bounds(m)) for i, m in enumerate(months)}
    )
    return {m.key: int(sums[f"m{i}"] or 0) for i, m in enumerate(months)}


def price_of(team: Team) -> UsagePrice | None:
    return UsagePrice.objects.filter(team=team).first()


def cost(seconds: float, price: UsagePrice | None) -> Decimal | None:
    """The estimate for these participant-seconds, to the cent (None without a price)."""
    if price is None:
        return None
    minutes = Decimal(repr(float(seconds))) / 60
    return (minutes * price.per_minute).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
