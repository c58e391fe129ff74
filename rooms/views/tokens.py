"""Meeting tokens (REST): issue one, show it once with a ready join URL."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from daily import DailyError, InvalidInput, InvalidRequest
from rooms import listing, mirror, services
from rooms.forms import add_daily_error, to_local_naive
from rooms.token_forms import TOKEN_FIELD_MAP, MeetingTokenForm
from rooms.views.common import error_context, team_context
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import request_id, respond

TEMPLATE = "rooms/token.html"
DEFAULT_LIFETIME = timedelta(hours=2)
SUGGESTIONS = 500  # a team may have 100,000 rooms: the field suggests the first ones


class _MirroredNames:
    """The team's room names as the form checks them (`name in names`): one query."""

    def __init__(self, team: Team) -> None:
        self.team = team

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and mirror.rooms(self.team).filter(name=name).exists()


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_ROOMS)
def token(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    context = team_context(team, role)
    if not context["has_tokens"]:
        return respond(request, TEMPLATE, "token-area", context)
    # The rooms from the mirror (no Daily call): the first names for the field's
    # suggestions, and a look-up of the one chosen.
    names = _MirroredNames(team)
    context["room_names"] = list(
        listing.matching(team, "")
        .order_by(*listing.ordering("name"))
        .values_list("name", flat=True)[:SUGGESTIONS]
    )
    if request.method == "GET":
        initial = {
            "room": request.GET.get("room", "")[:128],
            "exp": to_local_naive(timezone.now() + DEFAULT_LIFETIME, team.tz),
        }
        context["form"] = MeetingTokenForm(team=team, room_names=names, initial=initial)
        return respond(request, TEMPLATE, "token-area", context)

    form = MeetingTokenForm(request.POST, team=team, room_names=names)
    context["form"] = form
    if not form.is_valid():
        return respond(request, TEMPLATE, "token-area", context)
    properties = form.properties()
    try:
        issued = services.issue_token(
            actor=request.user, team=team, properties=properties, request_id=request_id(request)
        )
    except InvalidInput as exc:
        add_daily_error(form, exc, TOKEN_FIELD_MAP)
        return respond(request, TEMPLATE, "token-area", context)
    except InvalidRequest as exc:
        form.add_error(None, gettext("Daily refused this: %(reason)s") % {"reason": exc.message})
        return respond(request, TEMPLATE, "token-area", context)
    except DailyError as exc:
        # Issuing twice is harmless (two valid tokens), so the retry resubmits the form.
        context.update(
            error_context(
                exc,
                request.get_full_path(),
                retry_method="post",
                retry_target="#token-area",
                retry_swap="outerHTML",
            )
        )
        return respond(request, TEMPLATE, "token-area", context)
    room = mirror.to_room(mirror.rooms(team).get(name=properties.room_name))
    context.update(
        token=issued,
        join_url=f"{room.url}?t={quote(issued, safe='')}",
        issued=properties,
        room=room,
    )
    response = respond(request, TEMPLATE, "token-area", context)
    # The token is a credential: shown once, never stored by a browser or a proxy.
    add_never_cache_headers(response)
    return response
