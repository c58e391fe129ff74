from __future__ import annotations

app_name = "attendance"

urlpatterns: list = []
