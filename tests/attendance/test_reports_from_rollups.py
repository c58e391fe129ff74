"""Reports read from the summaries give exactly what the same reports computed from the raw
rows give: every time zone's midnights (whole hours, half hours, 45 minutes, DST), ranges
from a day to a year, month edges, room filters, sorts, ongoing and unsummarised meetings."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from attendance.reports import periods
from attendance.reports.charts import heat_map, per_day, summary
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import meetings_page
from attendance.reports.rooms import room_rows, rooms_page
from attendance.summary import summarise
from tests.attendance.reports_support import meeting, session, utc
from tests.factories import make_team

ROOMS = ("alpha", "beta", "gamma", "delta")
PEOPLE = ("ann", "bo", "cy", "dee", "ed", "flo")


def _history(team, seed: int) -> None:
    rng = random.Random(seed)
    first = utc(2025, 1, 25)
    ids = []
    for _ in range(160):
        start = first + timedelta(minutes=15 * rng.randrange(0, 4 * 24 * 75) + rng.randrange(15))
        ongoing = rng.random() < 0.03
        end = None if ongoing else start + timedelta(minutes=rng.randrange(1, 180))
        m = meeting(team, rng.choice(ROOMS), start, end, peak=rng.choice([None, 2, 5, 9]))
        for _ in range(rng.randrange(0, 5)):
            guest = rng.random() < 0.25
            join = start + timedelta(minutes=rng.randrange(0, 20))
            leave = None if rng.random() < 0.1 else join + timedelta(minutes=rng.randrange(1, 60))
            session(m, "guest" if guest else rng.choice(PEOPLE), join, leave, guest=guest)
        if rng.random() < 0.9:  # the rest are written without a summary
            ids.append(m.pk)
    summarise(team, ids)


def _reports(f: ReportFilters) -> dict:
    days = per_day(f)
    page = rooms_page(f)
    return {
        "rooms": list(room_rows(f)),
        "rooms_page": (page.paginator.count, list(page.object_list)),
        "days": days,
        "heat": heat_map(f),
        "summary": summary(f, days),
        "meetings": meetings_page(f).paginator.count,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tz", ["UTC", "Asia/Kolkata", "America/New_York", "Pacific/Chatham", "Asia/Kathmandu"]
)
def test_every_figure_from_the_summaries_equals_the_raw_computation(tz, monkeypatch):
    team = make_team(f"rollup-{tz.replace('/', '-').lower()}", time_zone=tz)
    _history(team, seed=len(tz))
    now = utc(2025, 4, 10, 12)
    ranges = [
        (date(2025, 3, 12), date(2025, 4, 10)),  # the default 30 days
        (date(2024, 4, 10), date(2025, 4, 10)),  # 366 days
        (date(2025, 2, 28), date(2025, 3, 1)),  # a month edge
        (date(2025, 3, 9), date(2025, 3, 9)),  # one day (New York's DST change)
    ]
    variants = [
        {},
        {"room": "beta"},
        {"sort": "-minutes"},
        {"sort": "-peak"},
        {"sort": "last_used", "unused_days": 20},
        {"room": "gamma", "unused_days": 3},
    ]
    checked = 0
    for first, last in ranges:
        for extra in variants:
            f = ReportFilters(team=team, date_from=first, date_to=last, now=now, **extra)
            assert periods.pieces(f.start, f.end) is not None
            stored = _reports(f)
            with monkeypatch.context() as m:
                m.setattr(periods, "pieces", lambda *a, **k: None)
                raw = _reports(f)
            assert stored == raw, (first, last, extra)
            checked += bool(stored["meetings"])
    assert checked >= 10, "most ranges hold meetings"


def test_the_pieces_tile_a_range_with_the_fewest_periods():
    pieces = periods.pieces(utc(2025, 1, 14, 18, 30), utc(2025, 4, 2, 18, 30))
    assert pieces == [
        (0, utc(2025, 1, 14, 18, 30), utc(2025, 1, 15)),
        (1, utc(2025, 1, 15), utc(2025, 1, 20)),  # Wednesday to Monday
        (4, utc(2025, 1, 20), utc(2025, 1, 27)),  # one whole week
        (1, utc(2025, 1, 27), utc(2025, 2, 1)),
        (2, utc(2025, 2, 1), utc(2025, 4, 1)),
        (1, utc(2025, 4, 1), utc(2025, 4, 2)),
        (0, utc(2025, 4, 2), utc(2025, 4, 2, 18, 30)),
    ]
    # 30 days (Paris midnights in winter): 4 weeks, the days and hours around them.
    assert periods.pieces(utc(2025, 1, 4, 23), utc(2025, 2, 3, 23)) == [
        (0, utc(2025, 1, 4, 23), utc(2025, 1, 5)),
        (1, utc(2025, 1, 5), utc(2025, 1, 6)),
        (4, utc(2025, 1, 6), utc(2025, 2, 3)),
        (0, utc(2025, 2, 3), utc(2025, 2, 3, 23)),
    ]
    assert periods.pieces(utc(2025, 1, 1, 0, 7), utc(2025, 1, 2)) is None
    assert periods.pieces(utc(2025, 1, 1, 5), utc(2025, 1, 1, 9)) == [
        (0, utc(2025, 1, 1, 5), utc(2025, 1, 1, 9))
    ]
