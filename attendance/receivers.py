"""What the attendance app does when `teams` signals (teams/signals.py): teams imports
nothing of it, so these are connected in `AttendanceConfig.ready()`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from attendance.models import SyncState, WebhookEndpoint
from teams.models import Team


def unblock_sync(sender: object, team: Team, **kwargs: Any) -> None:
    """`credentials_changed`: a token that failed authentication stopped the periodic
    sync; a new one deserves a new try."""
    SyncState.objects.filter(team=team).update(blocked_by_auth=False)


def webhook_panel(
    sender: object, team: Team, request: HttpRequest | None = None, **kwargs: Any
) -> SafeString:
    """`team_settings_panels`: the settings page says whether Daily sends meeting events
    by webhook, and links to where it is registered."""
    webhook = WebhookEndpoint.objects.filter(team=team).first()
    context = {"team": team, "webhook": webhook}
    return render_to_string("attendance/_team_settings_webhook.html", context, request=request)
