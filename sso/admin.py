from __future__ import annotations

from django.contrib import admin

from sso.models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Links are made by signing in; deleting one lets the next sign-in link afresh."""

    list_display = ["user", "issuer", "subject", "linked_by", "created_at", "last_login_at"]
    list_filter = ["issuer", "linked_by"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject", "linked_by", "created_at", "last_login_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
