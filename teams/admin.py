from __future__ import annotations

from django.contrib import admin
from django.db import models

from teams.models import AuditEvent, Invitation, Membership, Team, TeamAlert


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "dialect", "base_url", "time_zone"]
    # The token is set through the dashboard's settings page, never here.
    exclude = ["token_encrypted", "token_last4"]
    # Daily's API is HTTPS: a base URL typed without a scheme is taken as https://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


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


class _ReadOnly(admin.ModelAdmin):
    """Rows the dashboard's own pages and services change, with their audit events."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(_ReadOnly):
    list_display = ["email", "team", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "team"]
    # Only a digest, but of no use to anybody here.
    exclude = ["token_hash"]


@admin.register(TeamAlert)
class TeamAlertAdmin(_ReadOnly):
    list_display = ["team", "kind", "opened_at", "notified_at", "resolved_at"]
    list_filter = ["kind", "team"]
