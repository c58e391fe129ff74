"""The usage page, its CSV and the price form: roles, figures, bad input, query count."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.summary import summarise
from recordings.models import MirroredRecording, Status
from teams.models import AuditEvent, Role
from tests.attendance.reports_support import meeting, session
from tests.factories import make_member, make_team
from usage.models import UsagePrice

pytestmark = pytest.mark.django_db


def _month_start(team) -> dt.datetime:
    local = timezone.now().astimezone(team.tz)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _fill(team, rooms: int, people: int) -> None:
    """One meeting per room early this month, `people` identified people and a guest each."""
    first = _month_start(team) + dt.timedelta(hours=1)
    ids = []
    for r in range(rooms):
        start = first + dt.timedelta(minutes=5 * r)
        m = meeting(team, f"room-{r}", start, start + dt.timedelta(minutes=30))
        ids.append(m.pk)
        for p in range(people):
            session(m, f"p{p}@example.com", start, start + dt.timedelta(minutes=10 + p))
        session(m, "guest", start, start + dt.timedelta(minutes=3), guest=True)
    summarise(team, ids[: len(ids) // 2])  # some stored, some computed


@pytest.fixture
def team():
    return make_team("usage-team", time_zone="Europe/Paris")


def _client(client, team, role):
    client.force_login(make_member(team, role))
    return client


def test_every_role_sees_the_month_figures(client, team):
    _fill(team, rooms=2, people=2)
    c = _client(client, team, Role.MANAGER)
    response = c.get(reverse("usage:page", args=[team.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    # Per room: 10 + 11 minutes of the two people and 3 of the guest.
    assert body.count(">24.0<") == 2
    assert 'id="usage-total">48.0<' in body
    assert "<svg" in body and "Participant-minutes per month" in body
    assert 'id="usage-price-form"' not in body  # managers do not set the price
    assert reverse("usage:page", args=[team.slug]) in body  # the navigation link


def test_a_manager_cannot_set_the_price(client, team):
    c = _client(client, team, Role.MANAGER)
    response = c.post(
        reverse("usage:price", args=[team.slug]), {"per_minute": "1", "currency": "USD"}
    )
    assert response.status_code == 403
    assert not UsagePrice.objects.exists()


def test_an_admin_sets_the_price_and_the_page_estimates_the_cost(client, team):
    _fill(team, rooms=2, people=2)
    c = _client(client, team, Role.ADMIN)
    response = c.post(
        reverse("usage:price", args=[team.slug]), {"per_minute": "0.004", "currency": "eur"}
    )
    assert response.status_code == 302
    price = UsagePrice.objects.get(team=team)
    assert (price.per_minute, price.currency) == (Decimal("0.004"), "EUR")
    event = AuditEvent.objects.get(team=team, action="usage.price")
    assert event.outcome == "ok" and "0.004" in event.message
    body = c.get(reverse("usage:page", args=[team.slug])).content.decode()
    assert 'id="usage-cost">0.19 EUR<' in body  # 48 minutes x 0.004


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"per_minute": "-1", "currency": "USD"}, "greater than or equal to 0"),
        ({"per_minute": "abc", "currency": "USD"}, "Enter a number"),
        ({"per_minute": "1", "currency": "US$"}, "Three letters"),
    ],
)
def test_a_bad_price_is_refused_with_a_message(client, team, data, error):
    c = _client(client, team, Role.OWNER)
    response = c.post(reverse("usage:price", args=[team.slug]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not UsagePrice.objects.exists()


@pytest.mark.parametrize("month", ["13-2025", "2025-13", "x" * 300, "9999-12"])
def test_a_bad_month_shows_this_month_with_a_message(client, team, month):
    c = _client(client, team, Role.MANAGER)
    response = c.get(reverse("usage:page", args=[team.slug]), {"month": month})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_csv_holds_the_month_total_rooms_people_and_recordings(client, team):
    _fill(team, rooms=3, people=2)
    UsagePrice.objects.create(team=team, per_minute=Decimal("0.01"), currency="USD")
    MirroredRecording.objects.create(
        team=team,
        recording_id="r1",
        room_name="room-0",
        started_at=_month_start(team) + dt.timedelta(hours=2),
        status=Status.FINISHED,
        duration=600,
        seen_at=timezone.now(),
    )
    c = _client(client, team, Role.MANAGER)
    response = c.get(reverse("usage:csv", args=[team.slug]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Kind"
    kinds = [r[0] for r in rows[1:]]
    assert kinds == ["total"] + ["room"] * 3 + ["person"] * 5 + ["recordings"]
    total = Decimal(rows[1][3])
    assert total == 72 and rows[1][4] == "0.72 USD"
    assert sum(Decimal(r[3]) for r in rows[1:] if r[0] == "room") == total
    assert sum(Decimal(r[3]) for r in rows[1:] if r[0] == "person") == total
    assert rows[-1][3] == "10.0"


def _count(client, team) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("usage:page", args=[team.slug])).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_query_count_does_not_grow_with_rooms_or_people(client, team):
    c = _client(client, team, Role.OWNER)
    UsagePrice.objects.create(team=team, per_minute=Decimal("0.01"), currency="USD")
    _fill(team, rooms=1, people=1)
    few = _count(c, team)
    _fill(team, rooms=12, people=15)
    assert _count(c, team) == few


def test_the_page_lists_the_most_used_rooms_and_says_the_csv_has_them_all(
    client, team, monkeypatch
):
    from usage import views

    monkeypatch.setattr(views, "ROOMS_SHOWN", 2)
    _fill(team, rooms=3, people=2)
    session(
        meeting(team, "room-2", _month_start(team) + dt.timedelta(hours=5)), "late@example.com",
        _month_start(team) + dt.timedelta(hours=5),
    )  # fmt: skip
    c = _client(client, team, Role.MANAGER)
    body = c.get(reverse("usage:page", args=[team.slug])).content.decode()
    table = body.split('id="usage-rooms"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 3  # the header and two rooms
    assert "room-2" in table  # the most used (its meeting is still going on)
    assert "The 2 most used of 3 rooms; the CSV lists every room." in body
    text = b"".join(c.get(reverse("usage:csv", args=[team.slug])).streaming_content).decode()
    assert sum(1 for line in text.splitlines() if line.startswith("room,")) == 3
