from __future__ import annotations

from django.urls import path

from attendance.views import sync

urlpatterns = [
    path("sync/", sync.history, name="sync_history"),
    path("sync/now/", sync.sync_now, name="sync_now"),
    path("sync/status/", sync.sync_status, name="sync_status"),
    path("webhook/register/", sync.webhook_register, name="webhook_register"),
    path("webhook/remove/", sync.webhook_remove, name="webhook_remove"),
    path("webhook/check/", sync.webhook_check, name="webhook_check"),
]
