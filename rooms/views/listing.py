"""The room list and what a row does in place: privacy, delete (with confirmation)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daily import DailyError, InvalidInput, Privacy, Room
from daily import validation as daily_validation
from rooms import listing, services
from rooms.views.common import error_context, room_or_404, team_context
from rooms.views.table import RoomRows, RoomsTable, rooms_table
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services.errors import describe
from teams.views.common import request_id, respond, wants_partial

LIST = "rooms/list.html"


def _columns(context: dict[str, Any]) -> int:
    return 2 + 2 * context["can_manage"] + context["has_created"]


def _row_context(team: Team, role: Role, room: Room | None, **extra: Any) -> dict[str, Any]:
    context = team_context(team, role)
    context.update(
        room=room,
        row=RoomRows(team.slug).row(room) if room else None,
        time_zone=team.time_zone,
        columns=_columns(context),
        **extra,
    )
    return context


@require_GET
@team_view(Permission.VIEW_TEAM)
def room_list(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    query = listing.RoomQuery.from_get(request.GET)
    context = team_context(team, role)
    context.update(query=query, columns=_columns(context))
    table = RoomsTable(
        team_slug=team.slug,
        time_zone=team.time_zone,
        privacy_choices=context["privacy_choices"],
        has_created=context["has_created"],
        can_manage=context["can_manage"],
        query=query,
    )
    try:
        context["rooms_table"] = rooms_table(request, team, table)
    except DailyError as exc:
        context.update(
            error_context(
                exc,
                retry_url=request.get_full_path(),
                retry_target="#rooms-table",
                retry_swap="outerHTML",
            )
        )
    return respond(request, LIST, "table", context)


@require_GET
@team_view(Permission.VIEW_TEAM)
def room_row(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    """One row as it is now (the Cancel of an in-place confirmation)."""
    if not wants_partial(request):
        return redirect("rooms:detail", team.slug, room)
    try:
        found = room_or_404(team, room)
    except DailyError as exc:
        context = _row_context(team, role, None, **error_context(exc, request.get_full_path()))
        context.update(retry_target="closest tr", retry_swap="outerHTML")
        return respond(request, LIST, "error-row", context)
    return respond(request, LIST, "row", _row_context(team, role, found))


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def privacy(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    try:
        current = room_or_404(team, room)
    except DailyError as exc:
        messages.error(request, describe(exc))
        return redirect("rooms:list", team.slug)
    try:
        chosen = daily_validation.privacy(
            request.POST.get("privacy"), dialect=services.dialect_of(team)
        )
    except InvalidInput as exc:
        return _row_failure(request, team, role, current, exc.message, None)
    try:
        updated = services.set_privacy(
            actor=request.user,
            team=team,
            room=current.name,
            privacy=chosen,
            request_id=request_id(request),
        )
    except DailyError as exc:
        return _row_failure(request, team, role, current, describe(exc), chosen)
    now = updated or replace(current, privacy=chosen)
    if not wants_partial(request):
        messages.success(request, f"Room {now.name} is now {chosen.label}.")
        return redirect("rooms:list", team.slug)
    return respond(request, LIST, "row", _row_context(team, role, now, saved=True))


def _row_failure(
    request: HttpRequest,
    team: Team,
    role: Role,
    room: Room,
    message: str,
    attempted: Privacy | None,
) -> HttpResponse:
    if not wants_partial(request):
        messages.error(request, f"Privacy of {room.name} not changed: {message}")
        return redirect("rooms:list", team.slug)
    context = _row_context(
        team,
        role,
        room,
        error_message=f"Privacy not changed. {message}",
        retry_url=reverse("rooms:privacy", args=[team.slug, room.name]) if attempted else None,
        retry_method="post",
        retry_target="closest tr",
        retry_swap="outerHTML",
        retry_privacy=attempted.value if attempted else "",
    )
    return respond(request, LIST, "row", context)


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_ROOMS)
def delete(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    """GET: the confirmation naming the room (in the row, or as a page). POST: delete."""
    try:
        found = room_or_404(team, room)
    except DailyError as exc:
        context = {**team_context(team, role), **error_context(exc, request.get_full_path())}
        return respond(request, "rooms/confirm_delete.html", None, context)
    context = _row_context(team, role, found)
    if request.method == "GET":
        return respond(request, "rooms/confirm_delete.html", "confirm-row", context)
    try:
        services.delete_room(
            actor=request.user, team=team, room=found.name, request_id=request_id(request)
        )
    except DailyError as exc:
        message = describe(exc)
        if not wants_partial(request):
            context.update(error_message=f"Room not deleted. {message}")
            return respond(request, "rooms/confirm_delete.html", None, context)
        context.update(
            error_message=f"Room not deleted. {message}",
            retry_url=reverse("rooms:delete", args=[team.slug, found.name]),
            retry_method="post",
            retry_target="closest tr",
            retry_swap="outerHTML",
        )
        return respond(request, LIST, "row", context)
    if wants_partial(request):
        # An empty answer removes the row; the event lets other parts of the page react.
        response = HttpResponse("")
        response["HX-Trigger"] = "rooms-changed"
        return response
    messages.success(request, f"Room {found.name} deleted.")
    return redirect("rooms:list", team.slug)
