"""Usage URLs, under t/<team_slug>/usage/."""

from __future__ import annotations

from django.urls import path

from usage import views

app_name = "usage"

urlpatterns = [
    path("", views.usage_page, name="page"),
    path("export.csv", views.usage_csv, name="csv"),
    path("price/", views.price, name="price"),
]
