"""Create a room, and edit a room's properties (REST)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from daily import DailyError, InvalidInput, InvalidRequest, Unavailable
from rooms import services
from rooms.forms import PROPERTY_FIELD_MAP, RoomCreateForm, RoomPropertiesForm, add_daily_error
from rooms.views.common import error_context, fresh_room_or_404, team_context
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import request_id, respond


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST that changes page: a client redirect for htmx."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _upstream(form: Any, exc: DailyError, retry_url: str, *, retry_safe: bool) -> dict[str, Any]:
    """Daily's refusals next to the fields; other failures above the form with a retry."""
    if isinstance(exc, InvalidInput):
        add_daily_error(form, exc, {**PROPERTY_FIELD_MAP, "name": "name", "privacy": "privacy"})
        return {}
    if isinstance(exc, InvalidRequest):
        form.add_error(None, gettext("Daily refused this: %(reason)s") % {"reason": exc.message})
        return {}
    context = error_context(
        exc,
        retry_url if retry_safe else None,
        retry_method="post",
        retry_target="#room-form",
        retry_swap="outerHTML",
    )
    if isinstance(exc, Unavailable):
        context["error_message"] += " " + gettext(
            "Daily may or may not have done it: check the room list before trying again."
        )
    return context


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_ROOMS)
def create(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    context = team_context(team, role)
    with_properties = context["has_properties"]
    data = request.POST if request.method == "POST" else None
    form = RoomCreateForm(data, team=team)
    props = RoomPropertiesForm(data, team=team) if with_properties else None
    context.update(form=form, props=props)
    template = "rooms/create.html"
    if request.method == "GET":
        return respond(request, template, "form", context)
    if form.is_valid() and (props is None or props.is_valid()):
        properties = props.properties() if props is not None else None
        try:
            room = services.create_room(
                actor=request.user,
                team=team,
                name=form.cleaned_data["name"],
                privacy=form.cleaned_data["privacy"],
                properties=properties if properties and properties.set_fields() else None,
                request_id=request_id(request),
            )
        except DailyError as exc:
            on_props = (
                props is not None
                and isinstance(exc, InvalidInput)
                and exc.field not in ("name", "privacy")
            )
            context.update(
                _upstream(
                    props if on_props else form,
                    exc,
                    reverse("rooms:create", args=[team.slug]),
                    retry_safe=bool(form.cleaned_data["name"]),
                )
            )
            return respond(request, template, "form", context)
        messages.success(request, gettext("Room %(room)s created.") % {"room": room.name})
        return _go(request, reverse("rooms:detail", args=[team.slug, room.name]))
    return respond(request, template, "form", context)


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_ROOMS)
def properties(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    context = team_context(team, role)
    template = "rooms/properties.html"
    if not context["has_properties"]:
        return respond(request, template, "form", context)
    try:
        current = fresh_room_or_404(team, room)
    except DailyError as exc:
        context.update(error_context(exc, request.get_full_path()))
        return respond(request, template, "form", context)
    data = request.POST if request.method == "POST" else None
    form = RoomPropertiesForm(data, team=team, baseline=current.properties)
    context.update(room=current, props=form)
    if request.method == "GET" or not form.is_valid():
        return respond(request, template, "form", context)
    changes = form.properties()
    if not changes.set_fields():
        messages.info(request, gettext("Nothing changed."))
        return _go(request, reverse("rooms:detail", args=[team.slug, current.name]))
    try:
        services.update_properties(
            actor=request.user,
            team=team,
            room=current.name,
            properties=changes,
            request_id=request_id(request),
        )
    except DailyError as exc:
        context.update(_upstream(form, exc, request.get_full_path(), retry_safe=True))
        return respond(request, template, "form", context)
    messages.success(request, gettext("Properties of %(room)s saved.") % {"room": current.name})
    return _go(request, reverse("rooms:detail", args=[team.slug, current.name]))
