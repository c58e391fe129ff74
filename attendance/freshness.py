"""How fresh the synced attendance is, for the line every report shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from attendance.models import SyncOutcome, SyncRun, SyncState
from teams.models import Team


@dataclass(frozen=True)
class Freshness:
    last_success_at: datetime | None
    last_error: str
    last_error_type: str
    blocked_by_auth: bool
    running: bool

    @property
    def never_synced(self) -> bool:
        return self.last_success_at is None

    @property
    def just_now(self) -> bool:
        return self.last_success_at is not None and (
            timezone.now() - self.last_success_at < timedelta(minutes=1)
        )


def freshness(team: Team) -> Freshness:
    state = SyncState.objects.filter(team=team).first()
    running = SyncRun.objects.filter(team=team, outcome=SyncOutcome.RUNNING).exists()
    if state is None:
        return Freshness(None, "", "", False, running)
    return Freshness(
        last_success_at=state.last_success_at,
        last_error=state.last_error,
        last_error_type=state.last_error_type,
        blocked_by_auth=state.blocked_by_auth,
        running=running,
    )
