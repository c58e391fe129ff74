"""The dashboard's pages of one team, included at t/<team_slug>/ (namespace `dashboard`).
Each view checks its own permission."""

from __future__ import annotations

from django.urls import path

from dashboard.views import overview, users

app_name = "dashboard"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("live/", overview.overview_live, name="overview_live"),
    path("refresh/", overview.refresh, name="refresh"),
    path("users/", users.users, name="users"),
    path("users/remove/", users.user_remove, name="user_remove"),
]
