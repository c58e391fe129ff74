"""CSV exports: exactly the filtered table (every page), ISO 8601 with the team's offset,
streamed, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from attendance.models import Attendance, Meeting
from teams.models import Role
from tests.attendance.reports_support import meeting, session, utc
from tests.factories import make_member, make_team

pytestmark = pytest.mark.django_db

RANGE = {"from": "2025-03-10", "to": "2025-03-12"}


@pytest.fixture
def team():
    team = make_team("acme", time_zone="Europe/Paris")
    m1 = meeting(team, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10), peak=3)
    session(m1, "alice@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 40), name="Alice")
    session(m1, "alice@example.com", utc(2025, 3, 10, 9, 30), utc(2025, 3, 10, 10))
    session(m1, "u-bob", utc(2025, 3, 10, 9, 5), utc(2025, 3, 10, 9, 35), name="-2+3")
    # 4 min 15 s (REST times are on a 15-second grid): 4.25 rounds to 4.3 on both sides.
    session(m1, "quarter@example.com", utc(2025, 3, 10, 9, 5), utc(2025, 3, 10, 9, 9, 15))
    session(m1, "guest", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30), guest=True, name="@mallory")
    m2 = meeting(team, "=HYPERLINK(1)", utc(2025, 3, 10, 23, 30), utc(2025, 3, 11, 0, 30))
    session(m2, "carol@example.com", utc(2025, 3, 10, 23, 30), None, name="=SUM(A1:A9)")
    # Enough people and meetings for three pages of each table.
    start = utc(2025, 3, 11, 6)
    made = Meeting.objects.bulk_create(
        Meeting(
            team=team,
            key=f"bulk{i}",
            room=f"room-{i:03d}",
            start=start + dt.timedelta(minutes=10 * i),
            end=start + dt.timedelta(minutes=10 * i + 7),
            max_participants=2,
            session_count=2,
        )
        for i in range(120)
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=m,
            team=team,
            room=m.room,
            session_key=f"s{j}",
            identity=f"p{(i + j) % 110:03d}@example.com",
            join=m.start + dt.timedelta(minutes=j),
            leave=m.end,
        )
        for i, m in enumerate(made)
        for j in range(2)
    )
    return team


@pytest.fixture
def client(client, team):
    client.force_login(make_member(team, Role.MANAGER))
    return client


def get(client, team, name, **query):
    return client.get(reverse(f"attendance:{name}", args=[team.slug]) + "?" + urlencode(query))


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def html_rows(client, team, name, **query) -> list[list[str]]:
    """The body cells of the table, as text, over every page."""
    rows, page = [], 1
    while True:
        body = get(client, team, name, page=page, **query).content.decode()
        tbody = body.split("<tbody>")[1].split("</tbody>")[0]
        for tr in re.findall(r"<tr>(.*?)</tr>", tbody, re.S):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
            rows.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
        if 'rel="next"' not in body:
            return rows
        page += 1


def number(text: str) -> str:
    return text.replace(",", "")


def local(iso: str) -> str:
    """An ISO 8601 cell as the table writes it (the CSV's offset is the team's)."""
    return dt.datetime.fromisoformat(iso).strftime("%-d %b %Y, %H:%M")


def test_the_people_csv_is_exactly_the_filtered_table(client, team):
    query = {**RANGE, "guests": "on", "min_percent": "50"}
    rows = read_csv(get(client, team, "people_csv", **query))
    header, data = rows[0], rows[1:]
    assert header[:6] == ["person", "identity", "guest", "meetings", "sessions", "minutes"]
    table = html_rows(client, team, "people", **query)
    assert len(data) == len(table) > 100
    for cells, row in zip(table, data, strict=True):
        person, meetings, sessions, minutes, first, last = cells
        assert row[0].removeprefix("'") in person, (person, row)
        assert (number(meetings), number(sessions), number(minutes)) == tuple(row[3:6])
        assert first == local(row[6])
        assert last == ("in a meeting now" if row[8] == "yes" else local(row[7]))


def test_the_meetings_csv_is_exactly_the_filtered_table(client, team):
    query = {**RANGE, "sort": "room"}
    data = read_csv(get(client, team, "meetings_csv", **query))[1:]
    table = html_rows(client, team, "meetings", **query)
    assert len(data) == len(table) == 122
    for cells, row in zip(table, data, strict=True):
        start, room, minutes, peak, sessions, people, guests = cells
        assert start.removesuffix(" ongoing") == local(row[0])
        assert room == row[3].removeprefix("'")
        assert [number(minutes), peak.replace("—", ""), sessions, people, guests] == row[4:9]


def test_the_rooms_csv_is_exactly_the_filtered_table(client, team):
    data = read_csv(get(client, team, "rooms_csv", **RANGE))[1:]
    table = html_rows(client, team, "rooms", **RANGE)
    assert len(data) == len(table) == 122
    for cells, row in zip(table, data, strict=True):
        assert cells[0] == row[0].removeprefix("'")
        assert [number(c) for c in cells[1:6]] == [c or "—" for c in row[1:6]]


def test_minutes_round_the_same_way_in_the_table_and_the_csv(client, team):
    rows = read_csv(get(client, team, "people_csv", person="quarter@example.com", **RANGE))
    assert rows[1][5] == "4.3"
    page = get(client, team, "people", person="quarter@example.com", **RANGE)
    assert "4.3</td>" in page.content.decode()
    rows = read_csv(get(client, team, "meetings_csv", person="quarter@example.com", **RANGE))
    assert rows[1][-2:] == ["4.3", "7.1"]  # 255 s of 3600 s is 7.083%


def test_a_person_filter_adds_their_minutes_to_the_meetings_csv(client, team):
    rows = read_csv(get(client, team, "meetings_csv", person="alice@example.com", **RANGE))
    assert rows[0][-3:] == ["person", "person_minutes", "person_percent_of_meeting"]
    assert rows[1][-3:] == ["alice@example.com", "60.0", "100.0"]  # 09:00-09:40 + 09:30-10:00


def test_timestamps_are_iso_8601_with_the_team_offset(client, team):
    rows = read_csv(get(client, team, "meetings_csv", room="=HYPERLINK(1)", **RANGE))
    start, end = rows[1][0], rows[1][1]
    # 23:30 UTC is 00:30 the next day in Paris (UTC+1 in March 2025).
    assert (start, end) == ("2025-03-11T00:30:00+01:00", "2025-03-11T01:30:00+01:00")
    assert dt.datetime.fromisoformat(start) == utc(2025, 3, 10, 23, 30)


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(client, team):
    people = read_csv(get(client, team, "people_csv", guests="on", **RANGE))
    names = {row[0] for row in people[1:]}
    assert {"'=SUM(A1:A9)", "'-2+3", "'@mallory"} <= names
    rooms = read_csv(get(client, team, "rooms_csv", **RANGE))
    assert "'=HYPERLINK(1)" in {row[0] for row in rooms[1:]}
    assert not any(cell.startswith(("=", "+", "@")) for row in people for cell in row)


def test_the_csv_streams_row_by_row(client, team):
    response = get(client, team, "people_csv", **RANGE)
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="people-acme-' in response["Content-Disposition"]
    chunks = list(response.streaming_content)
    assert len(chunks) > 100  # the BOM, the header, then one chunk per row


def test_the_per_day_csv_has_every_day_of_the_range(client, team):
    rows = read_csv(get(client, team, "charts_csv", **RANGE))
    # The 120 short meetings start every 10 minutes from 11 Mar 06:00 UTC: the 18 from
    # 23:00 UTC on are on 12 Mar in Paris. The 23:30 UTC meeting of 10 Mar is on 11 Mar.
    assert rows == [
        ["day", "meetings", "minutes"],
        ["2025-03-10", "1", "60.0"],
        ["2025-03-11", "103", f"{60 + 102 * 7:.1f}"],
        ["2025-03-12", "18", f"{18 * 7:.1f}"],
    ]
