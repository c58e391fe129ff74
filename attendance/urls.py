from __future__ import annotations

from attendance.urls_quality import urlpatterns as quality_patterns
from attendance.urls_reports import urlpatterns as report_patterns
from attendance.urls_sync import urlpatterns as sync_patterns

app_name = "attendance"

urlpatterns = [*sync_patterns, *report_patterns, *quality_patterns]
