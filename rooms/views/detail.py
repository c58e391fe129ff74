"""One room: join URL, embed snippet, dial-in, properties, presence and eject."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from daily import DEFAULTS, DailyError, Room, RoomProperties
from rooms import services
from rooms.forms import LANGUAGE_LABELS, RECORDING_LABELS, REGION_LABELS, EmbedForm
from rooms.templatetags.rooms_extras import duration
from rooms.views.common import (
    error_context,
    fresh_room_or_404,
    room_name_or_404,
    room_or_404,
    team_context,
)
from teams import dates
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services.errors import describe
from teams.views.common import request_id, respond, wants_partial

DETAIL = "rooms/detail.html"
PRESENCE_SECONDS = 15


# What the iframe may use. Daily's wrap() reference (docs.daily.co/reference/daily-js/
# factory-methods/wrap): "microphone; camera; autoplay; display-capture" for camera, mic
# and screen sharing; `fullscreen` for Daily Prebuilt's full-screen button.
EMBED_ALLOW = "microphone; camera; autoplay; display-capture; fullscreen"
# A size that shows Prebuilt's grid and controls: the page's width, 600 px high.
EMBED_WIDTH, EMBED_HEIGHT = "100%", "600"


def embed_snippet(room: Room, name: str = "") -> str:
    src = room.url + (f"?name={quote(name, safe='')}" if name else "")
    return (
        f'<iframe src="{escape(src)}" allow="{EMBED_ALLOW}" width="{EMBED_WIDTH}"'
        f' height="{EMBED_HEIGHT}" style="border: 0"></iframe>'
    )


def _when(value: datetime | None, team: Team) -> str:
    return dates.day_time(value, team.tz)


def describe_properties(props: RoomProperties, team: Team) -> list[dict[str, Any]]:
    """Each property a person cares about: its value in words, and whether it is Daily's."""

    def yes_no(name: str) -> str:
        return gettext("on") if props.effective(name) else gettext("off")

    zone = f" ({team.time_zone})"
    sip = props.sip
    bucket = props.recordings_bucket
    rows = [
        (_("Expires"), _when(props.exp, team) + zone if props.exp else gettext("never")),
        (_("Opens"), _when(props.nbf, team) + zone if props.nbf else ""),
        (
            _("Time limit per person"),
            duration(props.eject_after_elapsed) if props.eject_after_elapsed else "",
        ),
        (_("Maximum participants"), str(props.effective("max_participants"))),
        (_("Text chat"), yes_no("enable_chat")),
        (_("Pre-join screen"), yes_no("enable_prejoin_ui")),
        (_("Emoji reactions"), yes_no("enable_emoji_reactions")),
        (_("Screen sharing"), yes_no("enable_screenshare")),
        (_("Knocking"), yes_no("enable_knocking")),
        (_("Join with camera off"), yes_no("start_video_off")),
        (_("Join with microphone off"), yes_no("start_audio_off")),
        (_("Remove everyone at expiry"), yes_no("eject_at_room_exp")),
        (_("Dial-out"), yes_no("enable_dialout")),
        (
            _("Recording"),
            str(RECORDING_LABELS[props.enable_recording])
            if props.enable_recording
            else gettext("off"),
        ),
        (
            _("Region"),
            f"{REGION_LABELS[props.geo]} ({props.geo.value})"
            if props.geo
            else gettext("automatic"),
        ),
        (
            _("Language"),
            str(LANGUAGE_LABELS.get(lang, lang)) if (lang := props.effective("lang")) else "",
        ),
        (
            _("SIP dial-in"),
            gettext("on, shown as %(name)s") % {"name": sip.display_name}
            if sip and sip.display_name
            else (gettext("on") if sip else gettext("off")),
        ),
        (
            _("Recordings bucket"),
            f"{bucket.bucket_name} ({bucket.bucket_region})"
            if bucket
            else gettext("Daily's storage"),
        ),
    ]
    keys = [
        "exp", "nbf", "eject_after_elapsed", "max_participants", "enable_chat", "enable_prejoin_ui",
        "enable_emoji_reactions", "enable_screenshare", "enable_knocking", "start_video_off",
        "start_audio_off", "eject_at_room_exp", "enable_dialout", "enable_recording", "geo",
        "lang", "sip", "recordings_bucket",
    ]  # fmt: skip
    return [
        {"label": label, "value": value, "default": getattr(props, key) is None}
        for (label, value), key in zip(rows, keys, strict=True)
        if value
    ]


def _presence_context(team: Team, room: str) -> dict[str, Any]:
    try:
        people = services.presence(team, room)
    except DailyError as exc:
        return {
            "presence": None,
            **error_context(
                exc,
                reverse("rooms:presence", args=[team.slug, room]),
                retry_target="#presence",
                retry_swap="outerHTML",
            ),
        }
    return {"presence": people}


@require_GET
@team_view(Permission.VIEW_TEAM)
def detail(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    context = team_context(team, role)
    context["presence_seconds"] = PRESENCE_SECONDS
    try:
        found = fresh_room_or_404(team, room)
    except DailyError as exc:
        context.update(error_context(exc, request.get_full_path()))
        return respond(request, DETAIL, None, context)
    embed = EmbedForm(request.GET or None)
    name = embed.cleaned_data["name"] if embed.is_valid() else ""
    context.update(
        room=found,
        embed_form=embed,
        snippet=embed_snippet(found, name),
        properties=describe_properties(found.properties, team) if context["has_properties"] else [],
        defaults=DEFAULTS,
    )
    if context["has_presence"]:
        context.update(_presence_context(team, found.name))
    return respond(request, DETAIL, None, context)


@require_GET
@team_view(Permission.VIEW_TEAM)
def embed(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    """The embed snippet for a visible name (the detail page shows it on a full load)."""
    if not wants_partial(request):
        url = reverse("rooms:detail", args=[team.slug, room_name_or_404(team, room)])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    context = team_context(team, role)
    try:
        found = room_or_404(team, room)
    except DailyError as exc:
        context.update(error_context(exc))
        return respond(request, DETAIL, "embed", context)
    form = EmbedForm(request.GET)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    context.update(room=found, snippet=embed_snippet(found, name))
    return respond(request, DETAIL, "embed", context)


@require_GET
@team_view(Permission.VIEW_TEAM)
def presence(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    """Who is in the room now; the detail page asks again every 15 s."""
    name = room_name_or_404(team, room)
    if not wants_partial(request):
        return redirect("rooms:detail", team.slug, name)
    context = team_context(team, role)
    context.update(presence_seconds=PRESENCE_SECONDS, room_name=name)
    if context["has_presence"]:
        context.update(_presence_context(team, name))
    return respond(request, DETAIL, "presence", context)


def _ejected_text(named: str, outcome: str, reason: str = "") -> str:
    """What became of the person asked to leave, named or "a guest"."""
    texts = {
        "failed": (
            _("%(who)s was not ejected: %(reason)s"),
            _("a guest was not ejected: %(reason)s"),
        ),
        "not ejected": (
            _("%(who)s was not ejected. %(reason)s"),
            _("a guest was not ejected. %(reason)s"),
        ),
        "ejected": (_("%(who)s was ejected."), _("a guest was ejected.")),
        "left": (_("%(who)s had already left."), _("a guest had already left.")),
    }
    text = texts[outcome][0 if named else 1]
    return str(text) % {"who": named, "reason": reason}


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def eject(request: HttpRequest, team: Team, role: Role, room: str) -> HttpResponse:
    name = room_name_or_404(team, room)
    session_id = request.POST.get("session_id", "")
    named = (request.POST.get("user_name") or "").strip()[:80]
    who = named or "a guest"  # the audit log's words (English)
    context = team_context(team, role)
    context.update(room_name=name, who=who, session_id=session_id, user_name=who)
    try:
        ejected = services.eject(
            actor=request.user,
            team=team,
            room=name,
            session_id=session_id,
            who=f"{who} (session {session_id[:64]})",
            request_id=request_id(request),
        )
    except DailyError as exc:
        message = describe(exc)
        if not wants_partial(request):
            messages.error(request, _ejected_text(named, "failed", message))
            return redirect("rooms:detail", team.slug, name)
        context.update(
            error_message=_ejected_text(named, "not ejected", message),
            retry_url=reverse("rooms:eject", args=[team.slug, name]),
        )
        return respond(request, DETAIL, "ejected-row", context)
    gone = session_id in ejected
    text = _ejected_text(named, "ejected" if gone else "left")
    if not wants_partial(request):
        messages.success(request, text)
        return redirect("rooms:detail", team.slug, name)
    context.update(ejected_message=text)
    return respond(request, DETAIL, "ejected-row", context)
