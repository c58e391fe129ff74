"""Celery tasks: thin wrappers around recordings.mirror and recordings.retention."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from recordings import mirror, retention
from recordings.models import RecordingMirror, RetentionPolicy
from teams.leases import WALK_TASK, connected_team
from teams.models import Team

log = logging.getLogger(__name__)


@shared_task(**WALK_TASK)
def refresh_task(self, team_id: int) -> bool:
    team = connected_team(team_id)
    if team is None:
        return False
    mirror.clear_debounce(team, "refresh")
    return mirror.refresh(team)


@shared_task(**WALK_TASK)
def retention_task(self, team_id: int) -> int:
    team = connected_team(team_id)
    if team is None:
        return 0
    return retention.run(team)


@shared_task(ignore_result=True)
def dispatch_recordings_work() -> dict[str, list[int]]:
    """Beat calls this: a walk of every REST team whose list is older than its interval
    (or never walked, or interrupted), and the retention run of every enabled policy."""
    now = timezone.now()
    queued: dict[str, list[int]] = {"refresh": [], "retention": []}
    teams = [t for t in Team.objects.exclude(token_encrypted="") if mirror.supported(t)]
    known = {m.team_id: m for m in RecordingMirror.objects.filter(team__in=teams)}
    due = now - timedelta(seconds=mirror.refresh_interval())
    for team in teams:
        state = known.get(team.pk)
        if state is not None and mirror.blocked(team, state):
            continue
        held = state is not None and state.lease_until is not None and state.lease_until >= now
        stale = state is None or state.refreshed_at is None or state.refreshed_at < due
        if not held and stale and mirror.request_refresh(team):
            queued["refresh"].append(team.pk)
    for policy in RetentionPolicy.objects.filter(enabled=True, team__in=teams):
        if retention.due(policy, now) and mirror.debounced(f"{policy.team_id}:retention", 300):
            retention_task.delay(policy.team_id)
            queued["retention"].append(policy.team_id)
    return queued
