"""The audit log page and its CSV export: one filtered query, streamed when exported
(by the one CSV writer, teams/csvexport.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from teams.audit import english
from teams.models import AuditAction, AuditEvent, Team

PER_PAGE = 50
CSV_HEADER = (
    "time",
    "team",
    "actor",
    "action",
    "action_label",
    "target",
    "outcome",
    "error_type",
    "message",
    "request_id",
)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    outcome: str = ""
    since: date | None = None  # inclusive, in the team's time zone
    until: date | None = None  # inclusive, in the team's time zone

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> Filters:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__ and v})


def actors(team: Team) -> list[str]:
    """Everyone who appears in the team's log, for the actor filter."""
    return list(
        AuditEvent.objects.filter(team=team)
        .order_by("actor_name")
        .values_list("actor_name", flat=True)
        .distinct()
    )


def events(team: Team, filters: Filters) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(team=team)
    if filters.actor:
        qs = qs.filter(actor_name=filters.actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.since:
        qs = qs.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=team.tz))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=team.tz)
        qs = qs.filter(created_at__lt=end)
    # Every column the page shows is on the row itself: no join, no query per row.
    return qs.order_by("-created_at", "-id")


def page(team: Team, filters: Filters, number: int | str = 1) -> Page:
    return Paginator(events(team, filters), PER_PAGE).get_page(number)


def csv_rows(team: Team, filters: Filters) -> Iterator[list[str]]:
    """The rows of the export, in the order of CSV_HEADER."""
    # In English, as the rest of the row (stored messages, machine column names), whatever
    # the language of the person exporting: the file is the log's record, not a page.
    labels = {value: english(label) for value, label in AuditAction.choices}
    for event in events(team, filters).iterator(chunk_size=2000):
        yield [
            event.created_at.astimezone(team.tz).isoformat(),
            event.team_name,
            event.actor_name,
            event.action,
            labels.get(event.action, event.action),
            event.target,
            event.outcome,
            event.error_type,
            event.message,
            event.request_id,
        ]
