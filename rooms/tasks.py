"""Celery tasks: thin wrappers around rooms.mirror (ids in, retries, scheduling)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from rooms import mirror
from rooms.models import MirrorState, RoomMirror, WalkKind
from teams.leases import WALK_TASK, connected_team
from teams.models import Team

log = logging.getLogger(__name__)


@shared_task(**WALK_TASK)
def fill_task(self, team_id: int) -> bool:
    team = connected_team(team_id)
    if team is None:
        return False
    mirror.clear_debounce(team, "fill")
    try:
        return mirror.fill(team)
    except SoftTimeLimitExceeded:
        # A list too long for one task: every stored page is committed; go on in another.
        fill_task.delay(team_id)
        return False


@shared_task(**WALK_TASK)
def reconcile_task(self, team_id: int) -> bool:
    team = connected_team(team_id)
    if team is None:
        return False
    mirror.clear_debounce(team, "reconcile")
    try:
        return mirror.reconcile(team)
    except SoftTimeLimitExceeded:
        reconcile_task.delay(team_id)
        return False


@shared_task(**{**WALK_TASK, "soft_time_limit": 5 * 60, "time_limit": 6 * 60})
def refresh_task(self, team_id: int) -> bool:
    team = connected_team(team_id)
    if team is None:
        return False
    mirror.clear_debounce(team, "refresh")
    return mirror.refresh(team)


@shared_task(ignore_result=True)
def dispatch_mirror_work() -> dict[str, list[int]]:
    """Beat calls this every minute: it queues, per team, the fill that has not started or
    was interrupted, the refresh of a ready mirror whose interval has passed, and the full
    reconcile whose (longer) interval has passed or which was interrupted."""
    now = timezone.now()
    queued: dict[str, list[int]] = {"fill": [], "refresh": [], "reconcile": []}
    teams = Team.objects.exclude(token_encrypted="")
    known = {m.team_id: m for m in RoomMirror.objects.filter(team__in=teams)}
    refresh_due = now - timedelta(seconds=settings.ROOMS_MIRROR_REFRESH_SECONDS)
    reconcile_due = now - timedelta(seconds=settings.ROOMS_MIRROR_RECONCILE_SECONDS)
    for team in teams:
        state = known.get(team.pk)
        if state is not None and mirror.blocked(team, state):
            continue
        if state is None or state.state != MirrorState.READY:
            before = state is None or state.lease_until is None or state.lease_until < now
            if before and mirror.debounced(f"{team.pk}:fill", mirror.FILL_DEBOUNCE_SECONDS):
                fill_task.delay(team.pk)
                queued["fill"].append(team.pk)
            continue
        held = state.lease_until is not None and state.lease_until >= now
        interrupted = state.walk == WalkKind.RECONCILE and not held
        due = interrupted or state.reconciled_at is None or state.reconciled_at < reconcile_due
        if not held and due and mirror.debounced(f"{team.pk}:reconcile", 300):
            reconcile_task.delay(team.pk)
            queued["reconcile"].append(team.pk)
        stale = state.refreshed_at is None or state.refreshed_at < refresh_due
        if stale and mirror.debounced(f"{team.pk}:refresh", mirror.REFRESH_DEBOUNCE_SECONDS):
            refresh_task.delay(team.pk)
            queued["refresh"].append(team.pk)
    return queued
