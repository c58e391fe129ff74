"""Every CSV export goes through the one writer (teams/csvexport.py): a byte order mark
so spreadsheets read UTF-8, non-ASCII names intact, formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from teams import csvexport
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.attendance.reports_support import meeting, session, utc
from tests.factories import make_team

pytestmark = pytest.mark.django_db
NAMES = ("Zoë Ångström", "山田 太郎", "Łukasz Żółć")
RANGE = {"from": "2025-03-10", "to": "2025-03-10"}


@pytest.fixture
def team():
    team = make_team("acme", time_zone="UTC")
    m = meeting(team, "café", utc(2025, 3, 10, 9), utc(2025, 3, 10, 10))
    for i, name in enumerate(NAMES):
        session(m, f"p{i}@example.com", utc(2025, 3, 10, 9), utc(2025, 3, 10, 9, 30), name=name)
    for name in (*NAMES, "=cmd|' /C calc'!A0"):
        AuditEvent.objects.create(
            team=team,
            team_name=team.name,
            actor_name=name,
            action=AuditAction.ROOM_CREATE,
            target="café",
            outcome=Outcome.OK,
        )
    return team


def _exports(team) -> dict[str, str]:
    return {
        "audit": reverse("teams:audit_export", args=[team.slug]),
        "people": reverse("attendance:people_csv", args=[team.slug])
        + "?from=2025-03-10&to=2025-03-10",
        "meetings": reverse("attendance:meetings_csv", args=[team.slug])
        + "?from=2025-03-10&to=2025-03-10",
    }


def test_every_export_starts_with_the_byte_order_mark_and_keeps_non_ascii_names(team, login):
    client = login(team, Role.OWNER)
    for name, url in _exports(team).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\xef\xbb\xbf"), f"{name} has no byte order mark"
        text = body.decode("utf-8-sig")
        cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
        if name in ("audit", "people"):
            assert set(NAMES) <= cells, name
        assert "café" in text or name == "people", name
        assert response["Cache-Control"] == "no-store", name


def test_the_audit_export_neutralises_formulas_like_the_reports(team, login):
    body = b"".join(login(team, Role.OWNER).get(_exports(team)["audit"]).streaming_content)
    actors = {row[2] for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))}
    assert "'=cmd|' /C calc'!A0" in actors
    assert not any(a.startswith(csvexport.FORMULA_STARTS) for a in actors)


def test_there_is_one_writer(team, login, monkeypatch):
    """Replacing the writer's line function changes every export: none has its own copy."""
    monkeypatch.setattr(csvexport, "csv_lines", lambda header, rows: iter(["one writer\n"]))
    client = login(team, Role.OWNER)
    for name, url in _exports(team).items():
        assert b"".join(client.get(url).streaming_content) == b"one writer\n", name
