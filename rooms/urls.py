"""Rooms URLs, under t/<team_slug>/rooms/. A room is under r/<name>/ so that no room name
("new", "bulk", "tokens") can shadow a page; the views check names with Daily's rules."""

from __future__ import annotations

from django.urls import path

from rooms.views import bulk, bulk_jobs, detail, edit, listing, tokens

app_name = "rooms"

urlpatterns = [
    path("", listing.room_list, name="list"),
    path("refresh/", listing.refresh, name="refresh"),
    path("count/", listing.room_count, name="count"),
    path("new/", edit.create, name="create"),
    path("tokens/new/", tokens.token, name="token"),
    path("bulk/", bulk_jobs.jobs, name="bulk_jobs"),
    path("bulk/preview/", bulk.preview, name="bulk_preview"),
    path("bulk/start/", bulk.start, name="bulk_start"),
    path("bulk/<int:job_id>/", bulk_jobs.job, name="bulk_job"),
    path("bulk/<int:job_id>/cancel/", bulk_jobs.cancel, name="bulk_cancel"),
    path("r/<str:room>/", detail.detail, name="detail"),
    path("r/<str:room>/row/", listing.room_row, name="row"),
    path("r/<str:room>/privacy/", listing.privacy, name="privacy"),
    path("r/<str:room>/properties/", edit.properties, name="properties"),
    path("r/<str:room>/delete/", listing.delete, name="delete"),
    path("r/<str:room>/embed/", detail.embed, name="embed"),
    path("r/<str:room>/presence/", detail.presence, name="presence"),
    path("r/<str:room>/eject/", detail.eject, name="eject"),
]
