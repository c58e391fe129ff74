"""Bulk delete / set privacy: preview exactly what changes, then run one room per request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from daily import DailyError, InvalidInput, Privacy, Room
from daily import validation as daily_validation
from rooms import bulk, listing, services
from rooms.views.common import error_context, team_context
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import request_id, respond, wants_partial

PREVIEW = "rooms/bulk_preview.html"
JOB = "rooms/bulk_job.html"


def _label(privacy: Privacy | None) -> str:
    return privacy.label if privacy else "not reported"


def _action(request: HttpRequest, team: Team) -> tuple[str, Privacy | None]:
    """The action and the target privacy of a POST; InvalidInput with a sentence."""
    action = request.POST.get("action", "")
    if action not in bulk.ACTIONS:
        raise InvalidInput("Choose what to do with the selected rooms.", field="action")
    privacy = None
    if action == "privacy":
        privacy = daily_validation.privacy(
            request.POST.get("privacy"), dialect=services.dialect_of(team)
        )
    return action, privacy


def _valid_names(team: Team, values: Iterable[object]) -> list[str]:
    """The valid, distinct room names among `values`, at least one and at most MAX_ROOMS."""
    names: list[str] = []
    for name in values:
        try:
            checked = services.check_room_name(team, name)
        except InvalidInput:
            continue  # not a room of this team; it cannot be in the list either
        if checked not in names:
            names.append(checked)
    if not names:
        raise InvalidInput("Select at least one room first.", field="rooms")
    if len(names) > bulk.MAX_ROOMS:
        raise InvalidInput(f"Select at most {bulk.MAX_ROOMS} rooms at a time.", field="rooms")
    return names


def _selection(request: HttpRequest, team: Team) -> tuple[str, Privacy | None, list[str]]:
    """The action, the target privacy and the rooms ticked one by one in a POST."""
    action, privacy = _action(request, team)
    return action, privacy, _valid_names(team, request.POST.getlist("rooms"))


def _matching(team: Team, rooms: list[Room], q: str) -> list[str]:
    """Every room the list's search `q` matches, by name, for "select all matching"."""
    names = sorted((room.name for room in listing.named_like(rooms, q)), key=str.lower)
    if not names:
        raise InvalidInput(f"No room name contains “{q}”." if q else "This team has no rooms.")
    if len(names) > bulk.MAX_ROOMS:
        raise InvalidInput(
            f"{len(names):,} rooms match: a bulk action takes at most {bulk.MAX_ROOMS} "
            "at a time. Narrow the search first."
        )
    return _valid_names(team, names)


def _back_to_list(team: Team, q: str = "") -> HttpResponse:
    url = reverse("rooms:list", args=[team.slug])
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


def _plan(
    action: str, privacy: Privacy | None, names: list[str], rooms: list[Room]
) -> list[dict[str, Any]]:
    """One line per selected room: what it is now, what it will be, or why it is skipped."""
    by_name = {room.name: room for room in rooms}
    plan = []
    for name in names:
        room = by_name.get(name)
        line: dict[str, Any] = {"room": name, "before": "", "after": "", "change": False}
        if room is None:
            line["note"] = "No longer exists: skipped."
        elif action == "delete":
            line.update(before=_label(room.privacy), after="deleted", change=True)
        elif room.privacy == privacy:
            line.update(before=_label(room.privacy), note=f"Already {_label(privacy)}: skipped.")
        else:
            line.update(before=_label(room.privacy), after=_label(privacy), change=True)
        plan.append(line)
    return plan


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def preview(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """What a bulk action would do to the ticked rooms, or to every room matching the
    list's search ("matching"): the names are fixed here, and the confirmation sends them."""
    matching = request.POST.get("matching") == "1"
    q = request.POST.get("q", "").strip()[: listing.MAX_QUERY] if matching else ""
    try:
        if matching:
            action, privacy = _action(request, team)
            names: list[str] = []
        else:
            action, privacy, names = _selection(request, team)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return _back_to_list(team, q)
    context = team_context(team, role)
    context.update(action=action, privacy=privacy, names=names, matching=matching, q=q)
    try:
        rooms = services.get_rooms(team)
    except DailyError as exc:
        context.update(error_context(exc))
        return respond(request, PREVIEW, None, context)
    if matching:
        try:
            names = _matching(team, rooms, q)
        except InvalidInput as exc:
            messages.error(request, exc.message)
            return _back_to_list(team, q)
    plan = _plan(action, privacy, names, rooms)
    changes = [line for line in plan if line["change"]]
    context.update(plan=plan, changes=changes, interval=bulk.DELETE_INTERVAL)
    return respond(request, PREVIEW, None, context)


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def start(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """Start exactly the changes the preview showed."""
    try:
        action, privacy, names = _selection(request, team)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("rooms:list", team.slug)
    befores = request.POST.getlist("before")
    items = [
        bulk.BulkItem(room=name, before=(befores[i] if i < len(befores) else "")[:32])
        for i, name in enumerate(names)
    ]
    job = bulk.create_job(
        team=team, user_id=request.user.pk, action=action, privacy=privacy, items=items
    )
    return redirect("rooms:bulk-job", team.slug, job.id)


def _job_or_404(request: HttpRequest, team: Team, job_id: str) -> bulk.BulkJob:
    job = bulk.load(job_id, team=team, user_id=request.user.pk)
    if job is None:
        raise Http404("No such bulk action (they are kept for a day).")
    return job


def _job_response(request: HttpRequest, team: Team, role: Role, job: bulk.BulkJob) -> HttpResponse:
    context = team_context(team, role)
    context.update(job=job, target=_label(job.target_privacy))
    return respond(request, JOB, "progress", context)


@require_GET
@team_view(Permission.MANAGE_ROOMS)
def job(request: HttpRequest, team: Team, role: Role, job_id: str) -> HttpResponse:
    return _job_response(request, team, role, _job_or_404(request, team, job_id))


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def step(request: HttpRequest, team: Team, role: Role, job_id: str) -> HttpResponse:
    current = _job_or_404(request, team, job_id)
    done = bulk.step(current.id, team=team, actor=request.user, request_id=request_id(request))
    if not wants_partial(request):
        return redirect("rooms:bulk-job", team.slug, current.id)
    return _job_response(request, team, role, done or current)


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def stop(request: HttpRequest, team: Team, role: Role, job_id: str) -> HttpResponse:
    current = _job_or_404(request, team, job_id)
    stopped = bulk.stop(current.id, team=team, user_id=request.user.pk)
    if not wants_partial(request):
        return redirect("rooms:bulk-job", team.slug, current.id)
    return _job_response(request, team, role, stopped or current)
