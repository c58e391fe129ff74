"""Usage URLs, under t/<team_slug>/usage/ (the unsubscribe link is in dailyadmin/urls.py)."""

from __future__ import annotations

from django.urls import path

from usage import views, views_digests

app_name = "usage"

urlpatterns = [
    path("", views.usage_page, name="page"),
    path("export.csv", views.usage_csv, name="csv"),
    path("price/", views.price, name="price"),
    path("digests/", views_digests.digest_list, name="digests"),
    path("digests/unsubscribe/", views_digests.digest_delete, name="digest_delete"),
]
