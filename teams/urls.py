"""The teams pages of one team, included at t/<team_slug>/ (the overview and the users
page are the dashboard's: dashboard/urls.py). Each view checks its own permission."""

from __future__ import annotations

from django.urls import path

from teams.views import audit, members, team_settings

app_name = "teams"

urlpatterns = [
    path("audit/", audit.audit, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("settings/", team_settings.settings, name="settings"),
    path("settings/test/", team_settings.test_connection, name="test_connection"),
    path("settings/members/", members.members, name="members"),
    path("settings/members/invite/", members.invite, name="member_invite"),
    path(
        "settings/members/invitations/<int:invitation_id>/resend/",
        members.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "settings/members/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/members/alerts/", members.alert_preference, name="alert_preference"),
    path("settings/members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path(
        "settings/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
]
