from __future__ import annotations

from django.contrib import admin

from attendance.models import SyncRun


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "team", "trigger", "outcome", "meetings_seen", "rows_seen"]
    list_filter = ["outcome", "trigger", "team"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]
