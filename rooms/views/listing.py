"""The room list and what a row does in place: privacy, delete (with confirmation)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from kombu.exceptions import KombuError

from daily import DailyError, InvalidInput, Privacy, Room
from daily import validation as daily_validation
from rooms import listing, mirror, services
from rooms.models import MirrorState
from rooms.views.common import error_context, room_or_404, team_context
from rooms.views.table import RoomRows
from rooms.words import privacy_word, refusal
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services.errors import describe
from teams.views.common import request_id, respond, wants_partial

LIST = "rooms/list.html"
MESSAGES = "partials/_messages.html"
# The event of a room removed in place: the count of the list (`count`) loads again.
ROOMS_CHANGED = "rooms-changed"
logger = logging.getLogger(__name__)

QUEUE_FAILED = gettext_lazy("The background worker could not be reached. Try again in a moment.")
# How long a page polls for the refresh it asked for (a worker that is down never answers).
REFRESH_WAIT_SECONDS = 120
POLL_SECONDS = 3


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
    """The team's rooms from the mirror: no Daily call, whatever the search, sort or page."""
    context = _table_context(request, team, role, request.GET, _refresh_asked_at(request.GET))
    return respond(request, LIST, "table", context)


@require_POST
@team_view(Permission.VIEW_TEAM)
def refresh(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """Refresh now: queue a read of the team's newest rooms at Daily (the worker's).

    Not audited: it changes nothing at Daily or in the dashboard, and the queue is
    debounced per team (`rooms.mirror.request_refresh`), so clicks cannot add up."""
    asked_at = time.time()
    queued = _queue(lambda: mirror.request_refresh(team))
    if not wants_partial(request):
        if queued:
            messages.success(
                request, gettext("Refresh asked for: the list updates within a minute.")
            )
        else:
            messages.error(request, QUEUE_FAILED)
        params = listing.RoomQuery.from_get(request.POST).params
        if queued:
            params["after"] = str(int(asked_at))
        url = reverse("rooms:list", args=[team.slug])
        return redirect(f"{url}?{params.urlencode()}" if params else url)
    context = _table_context(request, team, role, request.POST, asked_at if queued else None)
    if not queued:
        context["queue_error"] = QUEUE_FAILED
    return respond(request, LIST, "table", context)


def _queue(ask: Callable[[], None]) -> bool:
    """Ask the worker for something; False when its broker cannot be reached (the page
    says so and offers the button again, instead of failing)."""
    try:
        ask()
    except (OSError, KombuError):
        logger.warning("rooms mirror: the broker refused a message", exc_info=True)
        return False
    return True


def _refresh_asked_at(params: QueryDict) -> float | None:
    """When this page asked for a refresh (`after`, unix seconds), if recently: until
    the mirror is fresher than that, the page polls."""
    try:
        asked = float(params.get("after", ""))
    except ValueError:
        return None
    now = time.time()
    return asked if now - REFRESH_WAIT_SECONDS <= asked <= now + 5 else None


def _table_context(
    request: HttpRequest, team: Team, role: Role, params: QueryDict, asked_at: float | None
) -> dict[str, Any]:
    query = listing.RoomQuery.from_get(params)
    context = team_context(team, role)
    context.update(query=query, columns=_columns(context), time_zone=team.time_zone)
    state = mirror.state(team)
    if state.state == MirrorState.EMPTY and not _queue(lambda: mirror.ensure_started(team)):
        context["queue_error"] = QUEUE_FAILED
    filling = state.state != MirrorState.READY
    refreshing = asked_at is not None and (
        state.refreshed_at is None or state.refreshed_at.timestamp() < asked_at
    )
    if state.state == MirrorState.FILLING:
        context["loaded"], context["at_daily"] = mirror.progress(team)
    result = listing.search(team, query, state)
    rows = RoomRows(team.slug)
    poll = query.params
    if result.page.number > 1:
        poll["page"] = str(result.page.number)
    # What "Refresh now" keeps: the search, the sort and the page.
    refresh_keep = poll.copy()
    if refreshing and asked_at is not None:
        poll["after"] = str(int(asked_at))
    context.update(
        mirror=state,
        # Rooms are listed as of an earlier read (a failure is a note); nothing loaded yet.
        mirror_listed=state.state == MirrorState.READY,
        mirror_empty=state.state == MirrorState.EMPTY,
        refresh_keep=refresh_keep,
        filling=filling,
        refreshing=refreshing,
        # Written by the worker in English: in the reader's language where the sentence has a
        # translation (a fixed one, such as the refused token's), else as written.
        mirror_error=gettext(state.current_error) if state.current_error else "",
        updated_just_now=state.refreshed_at is not None
        and (timezone.now() - state.refreshed_at).total_seconds() < 60,
        poll_seconds=POLL_SECONDS if (filling or refreshing) and team.has_token else None,
        poll_url=f"{reverse('rooms:list', args=[team.slug])}?{poll.urlencode()}",
        total=result.total,
        # None: a search of more than one page, counted by `room_count` after the page.
        matched=result.matched,
        several_pages=result.page.has_other_pages,
        count_url=_count_url(team, query),
        # Until it is counted: this page and those before it are full, and there is more.
        at_least=result.page.number * listing.PER_PAGE,
        page=result.page,
        rows=[rows.row(room) for room in result.rooms],
    )
    return context


# Asked by the count itself after a room is removed in place (the list's `count` partial).
RECOUNT = "recount"


def _count_url(team: Team, query: listing.RoomQuery) -> str:
    params = QueryDict(mutable=True)
    params["q"] = query.q
    return f"{reverse('rooms:count', args=[team.slug])}?{params.urlencode()}"


@require_GET
@team_view(Permission.VIEW_TEAM)
def room_count(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """How many rooms a search matches ("1,000+ of 100,000 rooms match"), which the list
    loads after showing a page of the matches: counting them may read every name of the
    team, and the page does not wait for it. With it, the pager's number of pages."""
    query = listing.RoomQuery.from_get(request.GET)
    if not wants_partial(request):
        url = reverse("rooms:list", args=[team.slug])
        return redirect(f"{url}?{query.params.urlencode()}" if query.q else url)
    matches = listing.count_matches(team, query.q)
    context = team_context(team, role)
    context.update(
        query=query,
        total=listing.team_count(team, mirror.state(team).rooms_version),
        # More than the cap shows "1,000+ of 100,000 rooms match".
        matched=listing.COUNT_CAP if matches.capped else matches.matched,
        capped=matches.capped,
        several_pages=matches.capped or matches.matched > listing.PER_PAGE,
        num_pages=matches.num_pages,
        count_url=_count_url(team, query),
        # The pager's number of pages, when the page waits for it (not after a delete: the
        # pager may then have no place for it).
        oob_pages=RECOUNT not in request.GET,
    )
    return respond(request, LIST, "count", context)


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
        return _row_failure(request, team, role, current, refusal(exc), None)
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
        messages.success(
            request,
            gettext("Room %(room)s is now %(privacy)s.")
            % {"room": now.name, "privacy": privacy_word(chosen)},
        )
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
        messages.error(
            request,
            gettext("Privacy of %(room)s not changed: %(reason)s")
            % {"room": room.name, "reason": message},
        )
        return redirect("rooms:list", team.slug)
    context = _row_context(
        team,
        role,
        room,
        error_message=gettext("Privacy not changed. %(reason)s") % {"reason": message},
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
            context.update(
                error_message=gettext("Room not deleted. %(reason)s") % {"reason": message}
            )
            return respond(request, "rooms/confirm_delete.html", None, context)
        context.update(
            error_message=gettext("Room not deleted. %(reason)s") % {"reason": message},
            retry_url=reverse("rooms:delete", args=[team.slug, found.name]),
            retry_method="post",
            retry_target="closest tr",
            retry_swap="outerHTML",
        )
        return respond(request, LIST, "row", context)
    messages.success(request, gettext("Room %(room)s deleted.") % {"room": found.name})
    if wants_partial(request):
        # The row goes (nothing is left to swap into it), the message shows in the page's
        # messages out of band, and the event asks the count to load again (`count`).
        response = render(request, MESSAGES, {"oob": True})
        response["HX-Trigger"] = ROOMS_CHANGED
        return response
    return redirect("rooms:list", team.slug)
