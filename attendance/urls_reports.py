"""Attendance reports, under t/<team_slug>/attendance/ (app_name "attendance").

Each report of the registry (attendance.views.reports.REPORTS) has a page and a CSV,
served by the same two views."""

from __future__ import annotations

from django.urls import path

from attendance.views import reports

urlpatterns = [
    url
    for name in reports.REPORTS
    for url in (
        path(f"{name}/", reports.report_page, {"report": name}, name=name),
        path(f"{name}.csv", reports.report_csv, {"report": name}, name=f"{name}_csv"),
    )
] + [
    path("meetings/<int:meeting_id>/", reports.meeting, name="meeting"),
]
