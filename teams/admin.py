from __future__ import annotations

from django.contrib import admin

from teams.models import AuditEvent, Membership, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "dialect", "base_url", "time_zone"]
    # The token is set through the dashboard's settings page, never here.
    exclude = ["token_encrypted", "token_last4"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "team_name", "actor_name", "action", "target", "outcome"]
    list_filter = ["action", "outcome"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
