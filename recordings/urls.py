"""Recordings URLs, under t/<team_slug>/recordings/. A recording is under r/<id>/."""

from __future__ import annotations

from django.urls import path

from recordings import views

app_name = "recordings"

urlpatterns = [
    path("", views.recording_list, name="list"),
    path("refresh/", views.refresh, name="refresh"),
    path("retention/", views.retention_view, name="retention"),
    path("r/<str:recording_id>/download/", views.download, name="download"),
    path("r/<str:recording_id>/delete/", views.delete, name="delete"),
]
