"""The report pages: who may see them, filters in the query string, bad input, htmx,
escaping, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance, Meeting
from teams.models import Role
from tests.attendance.reports_support import meeting, session, utc
from tests.factories import make_member, make_team

pytestmark = pytest.mark.django_db

RANGE = {"from": "2025-03-10", "to": "2025-03-12"}
REPORTS = ["meetings", "people", "rooms", "charts"]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def team():
    team = make_team("acme", time_zone="Europe/Paris")
    m1 = meeting(team, "alpha", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10), peak=3)
    session(m1, "alice@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 40), name="Alice")
    session(m1, "alice@example.com", utc(2025, 3, 10, 9, 30), utc(2025, 3, 10, 10))
    session(
        m1,
        "u-bob",
        utc(2025, 3, 10, 9, 5),
        utc(2025, 3, 10, 9, 35),
        name="<script>alert(1)</script>",
    )
    session(m1, "guest", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30), guest=True)
    m2 = meeting(team, "<b>beta</b>", utc(2025, 3, 11, 14), utc(2025, 3, 11, 15), peak=1)
    session(m2, "carol@example.com", utc(2025, 3, 11, 14), utc(2025, 3, 11, 15), name="=SUM(A1)")
    return team


@pytest.fixture
def client_as(client):
    def log_in(team, role: Role):
        client.force_login(make_member(team, role))
        return client

    return log_in


def url(team, name: str, *args, **query) -> str:
    path = reverse(f"attendance:{name}", args=[team.slug, *args])
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query)
    return path


def all_urls(team) -> list[str]:
    m = Meeting.objects.filter(team=team).first()
    return (
        [url(team, n, **RANGE) for n in REPORTS]
        + [url(team, f"{n}_csv", **RANGE) for n in REPORTS]
        + [url(team, "meeting", m.pk)]
    )


# -- every page ----------------------------------------------------------------------
# (Who may open each report is the role matrix's: tests/security/test_access_matrix.py.)
def test_every_report_and_its_csv_answers_and_each_page_says_how_fresh_it_is(team, client_as):
    client = client_as(team, Role.MANAGER)
    for path in all_urls(team):
        response = client.get(path)
        assert response.status_code == 200, path
        if not path.split("?")[0].endswith(".csv"):
            assert b'id="freshness"' in response.content, path


# -- filters and input ----------------------------------------------------------------
def test_filters_come_from_the_query_string_so_a_page_is_a_deep_link(team, client_as):
    client = client_as(team, Role.MANAGER)
    body = client.get(url(team, "meetings", room="alpha", **RANGE)).content.decode()
    assert body.count('class="badge badge-live"') == 0
    assert "alpha" in body and "&lt;b&gt;beta&lt;/b&gt;</td>" not in body
    assert 'value="2025-03-10"' in body and 'value="2025-03-12"' in body
    assert "1 meeting" in body
    body = client.get(url(team, "people", person="u-bob", **RANGE)).content.decode()
    assert "u-bob" in body and "alice@example.com" not in body


def test_bad_input_is_a_message_on_the_page_never_an_error(team, client_as):
    client = client_as(team, Role.MANAGER)
    bad = {
        "from": "yesterday",
        "to": "2025-13-45",
        "room": "no-such-room",
        "page": "abc",
        "sort": "drop table",
        "min_percent": "500",
        "guests": "maybe",
        "unused": "-3",
        "person": "x" * 300,
    }
    for name in REPORTS:
        response = client.get(url(team, name, **bad))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert 'role="alert"' in body and "Enter a valid date" in body, name
        assert "No meeting has been synced in a room named" in body
    # The CSV of invalid filters shows the page with the message instead.
    response = client.get(url(team, "people_csv", **bad))
    assert response.status_code == 302 and "/people/?" in response.url


def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_crash(team, client_as):
    client = client_as(team, Role.MANAGER)
    for dates in ({"from": "0001-01-01", "to": "0001-01-02"}, {"from": "9999-12-30"}):
        response = client.get(url(team, "charts", **dates))
        assert response.status_code == 200
        assert "Choose a date" in response.content.decode()


def test_an_end_before_the_start_is_explained(team, client_as):
    body = (
        client_as(team, Role.MANAGER)
        .get(url(team, "people", **{"from": "2025-03-12", "to": "2025-03-10"}))
        .content.decode()
    )
    assert "The end date is before the start date." in body


def test_a_range_longer_than_a_year_is_refused(team, client_as):
    body = (
        client_as(team, Role.MANAGER)
        .get(url(team, "rooms", **{"from": "2020-01-01", "to": "2025-03-10"}))
        .content.decode()
    )
    assert "Choose at most 366 days." in body


def test_htmx_gets_the_results_partial_and_a_deep_link_the_whole_page(team, client_as):
    client = client_as(team, Role.MANAGER)
    for name in REPORTS:
        partial = client.get(url(team, name, **RANGE), **HTMX)
        body = partial.content.decode()
        assert body.lstrip().startswith("<") and "<html" not in body, name
        assert 'id="report-results"' in body and 'hx-swap-oob="true"' in body, name
        assert partial["Vary"] and "HX-Request" in partial["Vary"]
        page = client.get(url(team, name, **RANGE)).content.decode()
        assert "<html" in page and 'id="report-filters"' in page, name


def test_upstream_names_are_escaped(team, client_as):
    client = client_as(team, Role.MANAGER)
    m = Meeting.objects.get(team=team, room="alpha")
    pages = [url(team, n, **RANGE) for n in REPORTS] + [url(team, "meeting", m.pk)]
    for path in pages:
        body = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in body, path
        assert "<b>beta</b>" not in body, path
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in client.get(url(team, "people", **RANGE)).content.decode()
    )


def test_the_meeting_page_draws_each_persons_sessions(team, client_as):
    m = Meeting.objects.get(team=team, room="alpha")
    body = client_as(team, Role.MANAGER).get(url(team, "meeting", m.pk)).content.decode()
    # Alice: two overlapping sessions (09:00-09:40, 09:30-10:00) are 60 minutes, not 70.
    assert body.count('class="tl-bar') == 4
    assert re.search(r"Alice: 2 sessions, 60\.0 minutes merged", body)
    assert "100%" in body
    assert "<svg" in body and "style=" not in body and "<script>" not in body.split("</head>")[1]


def test_charts_are_inline_svg_with_titles_and_a_table(team, client_as):
    body = client_as(team, Role.MANAGER).get(url(team, "charts", **RANGE)).content.decode()
    assert body.count('<svg class="chart') == 3
    assert "<title" in body and "<desc" in body and 'role="img"' in body
    assert "Meetings started by weekday and hour (Europe/Paris)" in body
    assert "The same figures as tables" in body
    assert "style=" not in body.split("<main")[1]


# -- constant queries -----------------------------------------------------------------
def _grow(team, meetings: int, people: int) -> None:
    """Many more rows: meetings in several rooms, each with sessions of many people."""
    start = utc(2025, 3, 10, 6)
    made = Meeting.objects.bulk_create(
        Meeting(
            team=team,
            key=f"bulk{i}",
            room=f"room-{i % 7}",
            start=start + dt.timedelta(minutes=20 * i),
            end=start + dt.timedelta(minutes=20 * i + 15),
            max_participants=3,
            session_count=3,
        )
        for i in range(meetings)
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=m,
            team=team,
            room=m.room,
            session_key=f"s{j}",
            identity=f"p{(i * 3 + j) % people}@example.com",
            join=m.start,
            leave=m.end,
        )
        for i, m in enumerate(made)
        for j in range(3)
    )


def _queries(client, path: str, assert_max) -> int:
    cache.clear()  # every view counted as a first one (the room suggestions are cached)
    with assert_max(MAX_QUERIES), CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


# Session, user, team, role, freshness (2), the room choices, then the report's own.
MAX_QUERIES = 12


def test_the_number_of_queries_does_not_grow_with_the_rows(
    team, client_as, django_assert_max_num_queries
):
    client = client_as(team, Role.MANAGER)
    m = Meeting.objects.get(team=team, room="alpha")
    pages = (
        [url(team, n, **RANGE) for n in REPORTS]
        + [url(team, f"{n}_csv", **RANGE) for n in REPORTS]
        + [
            url(team, "meetings", person="alice@example.com", **RANGE),
            url(team, "people", min_percent=50, guests="on", **RANGE),
            url(team, "rooms", unused=1, **RANGE),
            url(team, "meeting", m.pk),
        ]
    )
    small = {path: _queries(client, path, django_assert_max_num_queries) for path in pages}
    _grow(team, meetings=150, people=80)
    for i in range(60):
        session(m, f"late{i}@example.com", utc(2025, 3, 10, 9, 30), utc(2025, 3, 10, 9, 50))
    large = {path: _queries(client, path, django_assert_max_num_queries) for path in pages}
    assert large == small


def test_the_room_filter_suggests_the_synced_rooms_escaped_and_filters_by_one(team, client_as):
    meeting(team, 'x"><script>alert(1)</script>', utc(2025, 3, 10, 12), utc(2025, 3, 10, 13))
    client = client_as(team, Role.MANAGER)
    body = client.get(url(team, "meetings", **RANGE)).content.decode()
    box = re.search(r'<input[^>]*name="room"[^>]*>', body).group(0)
    assert 'list="id_room-suggestions"' in box and 'placeholder="All rooms"' in box
    datalist = re.search(r'<datalist id="id_room-suggestions">(.*?)</datalist>', body).group(1)
    assert '<option value="alpha">' in datalist
    assert "<script>" not in datalist and "&lt;script&gt;" in datalist
    body = client.get(url(team, "meetings", room="alpha", **RANGE)).content.decode()
    assert 'role="alert"' not in body and 'value="alpha"' in body
    assert "&lt;b&gt;beta&lt;/b&gt;" not in re.search(r"<table.*</table>", body, re.S).group(0)


@pytest.mark.django_db(transaction=True)
def test_a_room_is_suggested_as_soon_as_the_sync_writes_its_first_meeting(fast_sim):
    from attendance.reports import known
    from attendance.sync import sync_team
    from tests.attendance.helpers import at
    from tests.factories import team_on

    team = team_on(fast_sim, "rest")
    assert known.rooms(team) == []  # cached: no meeting yet
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - dt.timedelta(hours=6))
    synced = sorted(set(Meeting.objects.filter(team=team).values_list("room", flat=True)))
    assert synced and known.rooms(team) == synced
