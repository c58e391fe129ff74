"""The columns of each report's table as the CSV writes them: one place, so the CSV is
exactly the filtered table (the same rows, the same figures, all pages)."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from attendance.reports.charts import Day
from attendance.reports.export import iso, minutes, one_decimal
from attendance.reports.filters import ReportFilters
from attendance.reports.meetings import MeetingRow
from attendance.reports.people import PersonRow
from attendance.reports.rooms import RoomRow


def yes(value: bool) -> str:
    return "yes" if value else "no"


def meetings_header(f: ReportFilters) -> list[str]:
    header = [
        "start",
        "end",
        "ongoing",
        "room",
        "length_minutes",
        "peak",
        "sessions",
        "people",
        "guests",
    ]
    if f.person:
        header += ["person", "person_minutes", "person_percent_of_meeting"]
    return header


def meeting_cells(f: ReportFilters, row: MeetingRow) -> list[object]:
    tz: ZoneInfo = f.tz
    meeting, presence = row.meeting, row.presence
    cells: list[object] = [
        iso(meeting.start, tz),
        iso(meeting.end, tz),
        yes(row.ongoing),
        meeting.room,
        minutes(row.seconds),
        meeting.max_participants,
        meeting.session_count,
        meeting.people,
        meeting.guests,
    ]
    if f.person:
        cells += [
            f.person,
            minutes(presence.seconds) if presence else "",
            one_decimal(presence.percent) if presence else "",
        ]
    return cells


PEOPLE_HEADER = [
    "person",
    "identity",
    "guest",
    "meetings",
    "sessions",
    "minutes",
    "first_join",
    "last_leave",
    "still_in_a_meeting",
]


def person_cells(f: ReportFilters, row: PersonRow) -> list[object]:
    return [
        row.label,
        row.identity,
        yes(row.is_guest),
        row.meetings,
        row.sessions,
        minutes(row.seconds),
        iso(row.first_join, f.tz),
        iso(row.last_leave, f.tz),
        yes(row.still_in),
    ]


ROOMS_HEADER = [
    "room",
    "meetings",
    "minutes",
    "peak",
    "people",
    "guests",
    "last_used",
    "in_use_now",
]


def room_cells(f: ReportFilters, row: RoomRow) -> list[object]:
    return [
        row.room,
        row.meetings,
        minutes(row.minutes * 60),
        row.peak if row.peak is not None else "",
        row.people,
        row.guests,
        iso(row.last_used, f.tz),
        yes(row.in_use),
    ]


DAYS_HEADER = ["day", "meetings", "minutes"]


def day_cells(days: list[Day]) -> Iterator[list[object]]:
    for d in days:
        yield [d.day.isoformat(), d.meetings, minutes(d.seconds)]
