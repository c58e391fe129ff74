"""Call quality of a meeting, under t/<team_slug>/attendance/ (app_name "attendance")."""

from __future__ import annotations

from django.urls import path

from attendance.views import quality

urlpatterns = [
    path("meetings/<int:meeting_id>/quality/", quality.meeting_quality, name="meeting_quality"),
]
