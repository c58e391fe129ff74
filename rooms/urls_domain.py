"""Domain settings, under t/<team_slug>/settings/domain/ (REST teams; owners only)."""

from __future__ import annotations

from django.urls import path

from rooms.views import domain

app_name = "domain"

urlpatterns = [
    path("", domain.settings, name="settings"),
    path("preview/", domain.preview, name="preview"),
]
