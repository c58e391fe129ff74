from __future__ import annotations

from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from attendance.receivers import unblock_sync, webhook_panel
        from teams.signals import credentials_changed, team_settings_panels

        # A new API token gives the sync a new try; the settings page shows the webhook.
        credentials_changed.connect(unblock_sync, dispatch_uid="attendance-unblock-sync")
        team_settings_panels.connect(webhook_panel, dispatch_uid="attendance-webhook-panel")
