"""Attendance reports, under t/<team_slug>/attendance/ (app_name "attendance")."""

from __future__ import annotations

from django.urls import path

from attendance.views import reports

urlpatterns = [
    path("meetings/", reports.meetings, name="meetings"),
    path("meetings.csv", reports.meetings_csv, name="meetings-csv"),
    path("meetings/<int:meeting_id>/", reports.meeting, name="meeting"),
    path("people/", reports.people, name="people"),
    path("people.csv", reports.people_csv, name="people-csv"),
    path("rooms/", reports.rooms, name="rooms"),
    path("rooms.csv", reports.rooms_csv, name="rooms-csv"),
    path("charts/", reports.charts, name="charts"),
    path("charts.csv", reports.charts_csv, name="charts-csv"),
]
