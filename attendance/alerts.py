"""Alerts by email to a team's owners when its attendance stops arriving.

Three kinds of incident, each judged from what the database holds:
- `sync_auth`: the sync stopped on an authentication error (SyncState.blocked_by_auth);
- `webhook_failed`: Daily marked the team's webhook FAILED (it stops delivering events);
- `sync_stale`: no successful sync for SYNC_STALE_ALERT_MINUTES (0 turns it off), for a
  team that syncs automatically and is not already stopped by its token.

`check` runs from beat (attendance.tasks.check_alerts). An incident is a `TeamAlert` row,
open from the tick that first sees the condition until the tick that sees it cleared: the
owners are emailed once when it opens and once when it is resolved, so a condition that
lasts for days sends one message, and a new incident after a recovery alerts again. Each
message sent is an audit event (`alert.send`, actor "system"). Owners who turned alerts off
on the members page, and admins and managers, get none.

The webhook's state is Daily's: a webhook the dashboard registered is asked for it at most
every WEBHOOK_CHECK_MINUTES (one read per team), so a failure is noticed without anybody
opening the sync page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from attendance import webhooks
from attendance.models import SyncState, WebhookEndpoint
from daily import DailyError
from teams import mail
from teams.audit import record
from teams.crypto import TokenDecryptionError
from teams.models import AuditAction, Outcome, Team, TeamAlert

log = logging.getLogger(__name__)

SYNC_AUTH = "sync_auth"
WEBHOOK_FAILED = "webhook_failed"
SYNC_STALE = "sync_stale"
# Marked for translation: stored and audited in English, translated in each owner's mail.
KINDS = {
    SYNC_AUTH: gettext_noop("Attendance sync stopped: Daily refused the API token"),
    WEBHOOK_FAILED: gettext_noop("Daily marked the webhook as failed"),
    SYNC_STALE: gettext_noop("Attendance has not synced for a while"),
}
# The count in a stored detail (written in English by `conditions`), for the mail to say it
# in its reader's language.
_DETAIL_COUNT = {
    WEBHOOK_FAILED: re.compile(r"(\d+) failed deliver"),
    SYNC_STALE: re.compile(r"no successful sync for (\d+) minute"),
}
WEBHOOK_CHECK_MINUTES = 15


@dataclass(frozen=True)
class Condition:
    kind: str
    detail: str


def _stale_after() -> timedelta | None:
    minutes = int(getattr(settings, "SYNC_STALE_ALERT_MINUTES", 120))
    return timedelta(minutes=minutes) if minutes > 0 else None


def conditions(team: Team, state: SyncState | None, endpoint: WebhookEndpoint | None, now):
    """The incidents the team is in now."""
    found: list[Condition] = []
    blocked = state is not None and state.blocked_by_auth
    if blocked:
        found.append(Condition(SYNC_AUTH, state.last_error_type or "AuthError"))
    # The details are stored and audited in English (the worker has no language); the mail
    # says them in each owner's (`detail_count`).
    if endpoint is not None and endpoint.state.strip().upper() == "FAILED":
        failed = endpoint.failed_count
        deliveries = "failed delivery" if failed == 1 else "failed deliveries"
        found.append(Condition(WEBHOOK_FAILED, f"{failed} {deliveries}"))
    stale_after = _stale_after()
    if stale_after and team.sync_enabled and team.has_token and not blocked:
        since: datetime = (state.last_success_at if state else None) or team.created_at
        if now - since >= stale_after:
            minutes = int((now - since).total_seconds() // 60)
            unit = "minute" if minutes == 1 else "minutes"
            found.append(Condition(SYNC_STALE, f"no successful sync for {minutes} {unit}"))
    return found


def detail_count(kind: str, detail: str) -> int | None:
    """The count in an alert's stored detail (failed deliveries, minutes without a sync)."""
    pattern = _DETAIL_COUNT.get(kind)
    found = pattern.match(detail) if pattern else None
    return int(found.group(1)) if found else None


def refresh_webhooks(now: datetime) -> None:
    """Ask Daily for the state of each registered webhook not checked lately."""
    due = now - timedelta(minutes=WEBHOOK_CHECK_MINUTES)
    endpoints = (
        WebhookEndpoint.objects.exclude(upstream_id="")
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=due))
        .select_related("team")
    )
    for endpoint in endpoints:
        try:
            webhooks.refresh_state(endpoint.team)
        except (DailyError, TokenDecryptionError) as exc:
            # Not an incident of its own: the sync's alerts cover a refused token.
            log.info("Webhook state of %s not read: %s", endpoint.team.name, type(exc).__name__)


def _link(team: Team, kind: str) -> str:
    if kind == SYNC_AUTH:
        path = reverse("teams:settings", args=[team.slug])
    else:
        path = reverse("attendance:sync_history", args=[team.slug])
    return mail.absolute(path)


def _notify(alert: TeamAlert, *, resolved: bool) -> None:
    """Email the owners about the alert (opened or resolved) and audit it; claim it first,
    so two ticks running at once send one message."""
    field = "resolved_notified_at" if resolved else "notified_at"
    claimed = TeamAlert.objects.filter(pk=alert.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
    if not claimed:
        return
    team = alert.team
    recipients = mail.alert_recipient_languages(team)
    title = KINDS.get(alert.kind, alert.kind)
    context = {
        "team": team,
        "kind": alert.kind,
        "title": title,
        "detail": alert.detail,
        "count": detail_count(alert.kind, alert.detail),
        "opened_at": alert.opened_at,
        "resolved": resolved,
        "link": _link(team, alert.kind),
        "members_link": mail.absolute(reverse("teams:members", args=[team.slug])),
    }
    what = f"{title} ({'resolved' if resolved else 'opened'})"
    try:
        # Each owner's copy in their language (teams/language.py).
        sent = mail.send("attendance/email/alert", recipients, context, languages=recipients)
    except mail.MailError as exc:
        TeamAlert.objects.filter(pk=alert.pk).update(**{field: None})  # the next tick retries
        record(
            team=team,
            actor=None,
            action=AuditAction.ALERT_SEND,
            target=what,
            outcome=Outcome.FAILED,
            error_type="MailError",
            message=exc.message,
        )
        return
    message = f"emailed to {sent} owner(s)" if sent else "no owner gets this team's alerts"
    record(
        team=team,
        actor=None,
        action=AuditAction.ALERT_SEND,
        target=what,
        outcome=Outcome.OK,
        message=message,
    )


def check(now: datetime | None = None, *, refresh: bool = True) -> dict[str, int]:
    """Open, notify and resolve every team's incidents. Returns counts, for the logs."""
    now = now or timezone.now()
    if refresh:
        try:
            refresh_webhooks(now)
        except Exception:  # reading Daily must never stop the alerts
            log.exception("Reading the webhooks' state failed")
    states = {s.team_id: s for s in SyncState.objects.all()}
    endpoints = {e.team_id: e for e in WebhookEndpoint.objects.all()}
    open_alerts: dict[tuple[int, str], TeamAlert] = {
        (a.team_id, a.kind): a
        for a in TeamAlert.objects.filter(resolved_at__isnull=True).select_related("team")
    }
    counts = {"opened": 0, "resolved": 0}
    for team in Team.objects.all():
        current = {
            c.kind: c for c in conditions(team, states.get(team.pk), endpoints.get(team.pk), now)
        }
        for kind, condition in current.items():
            alert = open_alerts.pop((team.pk, kind), None)
            if alert is None:
                try:
                    with transaction.atomic():
                        alert = TeamAlert.objects.create(
                            team=team, kind=kind, detail=condition.detail, opened_at=now
                        )
                except IntegrityError:  # another tick opened it just now
                    continue
                counts["opened"] += 1
            if alert.notified_at is None:
                _notify(alert, resolved=False)
        for (team_id, kind), alert in list(open_alerts.items()):
            if team_id != team.pk or kind in current:
                continue
            del open_alerts[(team_id, kind)]
            resolved = TeamAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
                resolved_at=now
            )
            if resolved:
                counts["resolved"] += 1
                if alert.notified_at is not None:
                    alert.resolved_at = now
                    _notify(alert, resolved=True)
    return counts
