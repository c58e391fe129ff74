"""The audit log (owners and admins): filters, pagination, constant queries, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.factories import make_team
from tests.teams.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("acme", time_zone="Europe/Paris")


def _event(
    team,
    when,
    *,
    actor="ann",
    action=AuditAction.ROOM_CREATE,
    outcome=Outcome.OK,
    target="standup",
    **extra,
):
    event = AuditEvent.objects.create(
        team=team,
        team_name=team.name,
        actor_name=actor,
        action=action,
        target=target,
        outcome=outcome,
        **extra,
    )
    AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    return event


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the byte order mark of every export
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_log_shows_actor_action_target_outcome_and_error_type(team, login):
    _event(
        team, datetime(2025, 3, 1, 9, tzinfo=UTC), outcome=Outcome.FAILED, error_type="Unavailable"
    )
    _event(make_team("other"), datetime(2025, 3, 1, 9, tzinfo=UTC), target="not-ours")
    body = login(team, Role.ADMIN).get(reverse("teams:audit", args=[team.slug])).content.decode()
    assert "ann" in body and "Room created" in body and "standup" in body
    assert "Failed" in body and "Unavailable" in body
    assert "not-ours" not in body
    # In the team's time zone (UTC+1 in March), the seconds in the machine-readable value.
    assert '<time datetime="2025-03-01T10:00:00+01:00">1 Mar 2025, 10:00</time>' in body


def test_filters_by_actor_action_outcome_and_dates_in_the_teams_time_zone(team, login):
    _event(team, datetime(2025, 3, 1, 22, 30, tzinfo=UTC), actor="ann")  # Mar 1, 23:30 Paris
    _event(
        team, datetime(2025, 3, 1, 23, 30, tzinfo=UTC), actor="bob", target="late"
    )  # Mar 2 Paris
    _event(
        team,
        datetime(2025, 3, 5, tzinfo=UTC),
        action=AuditAction.USER_REMOVE,
        outcome=Outcome.FAILED,
        target="x@example.com",
    )
    client = login(team, Role.OWNER)
    url = reverse("teams:audit", args=[team.slug])

    def targets(**params):
        return [e.target for e in client.get(url, params).context["events"]]

    assert targets(actor="bob") == ["late"]
    assert targets(action="user.remove") == ["x@example.com"]
    assert targets(outcome="failed") == ["x@example.com"]
    assert targets(since="2025-03-02", until="2025-03-02") == ["late"]
    assert targets(until="2025-03-01") == ["standup"]


def test_a_bad_date_gets_a_message_not_an_error(team, login):
    _event(team, datetime(2025, 3, 1, tzinfo=UTC))
    client = login(team, Role.OWNER)
    url = reverse("teams:audit", args=[team.slug])
    response = client.get(url, {"since": "2025-13-45", "outcome": "ok"})
    assert response.status_code == 200
    assert "From: Enter a valid date." in response.content.decode()
    reversed_range = client.get(url, {"since": "2025-03-05", "until": "2025-03-01"})
    assert "The end date is before the start date." in reversed_range.content.decode()
    assert client.get(url, {"action": "nonsense"}).status_code == 200


def test_htmx_gets_only_the_results_and_pages_keep_the_filters(team, login):
    for i in range(55):
        _event(team, datetime(2025, 3, 1, tzinfo=UTC), target=f"room-{i}")
    client = login(team, Role.OWNER)
    response = client.get(reverse("teams:audit", args=[team.slug]), {"outcome": "ok"}, **HTMX)
    text = response.content.decode()
    assert text.strip().startswith('<div id="audit-results"') and "<html" not in text
    assert "55 events" in text and "Page 1 of 2" in text
    assert "outcome=ok&amp;page=2" in text
    assert "export.csv?outcome=ok" in text


def test_the_number_of_queries_does_not_grow_with_the_rows(team, login):
    client = login(team, Role.OWNER)
    url = reverse("teams:audit", args=[team.slug])
    counts = []
    for rows in (3, 45):
        AuditEvent.objects.all().delete()
        for i in range(rows):
            _event(team, datetime(2025, 3, 1, tzinfo=UTC), actor=f"user{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_csv_export_streams_the_filtered_rows_with_iso_times(team, login):
    _event(team, datetime(2025, 3, 1, 9, tzinfo=UTC), message="was Manager")
    _event(
        team, datetime(2025, 3, 2, 9, tzinfo=UTC), outcome=Outcome.FAILED, error_type="AuthError"
    )
    response = login(team, Role.ADMIN).get(
        reverse("teams:audit_export", args=[team.slug]), {"outcome": "ok"}
    )
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="audit-acme-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:4] == ["time", "team", "actor", "action"]
    assert len(rows) == 2
    assert rows[1][0] == "2025-03-01T10:00:00+01:00"
    assert rows[1][3:7] == ["room.create", "Room created", "standup", "ok"]
    assert rows[1][8] == "was Manager"


def test_the_csv_export_defuses_spreadsheet_formulas(team, login):
    _event(
        team,
        datetime(2025, 3, 1, tzinfo=UTC),
        actor="=cmd|'/c calc'!A1",
        target="+1",
        message="@SUM(A1)",
    )
    _event(team, datetime(2025, 3, 2, tzinfo=UTC), target="-2", error_type="\tTab")
    rows = _csv(login(team, Role.OWNER).get(reverse("teams:audit_export", args=[team.slug])))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|'/c calc'!A1" in cells and "'+1" in cells and "'@SUM(A1)" in cells
    assert "'-2" in cells and "'\tTab" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell and not cell[0].isdigit())


def test_an_export_with_a_bad_filter_goes_back_to_the_page_with_the_message(team, login):
    client = login(team, Role.OWNER)
    response = client.get(reverse("teams:audit_export", args=[team.slug]), {"since": "yesterday"})
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:audit", args=[team.slug]) + "?since=yesterday"
