"""The recordings page: the mirror's list, download links per click, delete, retention."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from kombu.exceptions import KombuError

from daily import DailyError, InvalidInput, NotFound
from recordings import listing, mirror, retention, services
from recordings.models import MirroredRecording, Status
from teams import dates
from teams.audit import Refused
from teams.models import Role, Team
from teams.permissions import Permission, has_permission, team_view
from teams.services.errors import describe
from teams.views.common import request_id, respond

LIST = "recordings/list.html"
CONFIRM = "recordings/confirm_delete.html"
RETENTION = "recordings/retention.html"
DOWNLOAD = "recordings/download.html"
log = logging.getLogger(__name__)

QUEUE_FAILED = _("The background worker could not be reached. Try again in a moment.")
UNSUPPORTED = _(
    "This team uses the original team API (domains), which has no recordings: Daily "
    "lists cloud recordings only through its current REST API."
)


def _base(team: Team, role: Role) -> dict[str, Any]:
    return {
        "supported": mirror.supported(team),
        "unsupported_message": UNSUPPORTED,
        "can_manage": has_permission(role, Permission.MANAGE_ROOMS),
        "time_zone": team.time_zone,
    }


def _queue(ask: Any) -> bool:
    try:
        ask()
    except (OSError, KombuError):
        log.warning("recordings mirror: the broker refused a message", exc_info=True)
        return False
    return True


def _row(row: MirroredRecording) -> dict[str, Any]:
    return {
        "id": row.recording_id,
        "room": row.room_name,
        "started_at": row.started_at,
        "status": row.status,
        "status_label": Status(row.status).label,
        "duration": listing.duration_text(row.duration),
        "participants": row.max_participants,
        "tracks": row.tracks,
        "downloadable": row.status == Status.FINISHED,
    }


@require_GET
@team_view(Permission.VIEW_TEAM)
def recording_list(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """Every recording of the team from the mirror, filtered and paged by SQL: no Daily call."""
    context = _base(team, role)
    if not context["supported"]:
        return respond(request, LIST, None, context)
    form = listing.FilterForm(request.GET or None)
    query = listing.Query.from_form(form) if request.GET else listing.Query()
    state = mirror.state(team)
    if state.refreshed_at is None and not _queue(lambda: mirror.ensure_started(team)):
        context["queue_error"] = QUEUE_FAILED
    page = listing.page_of(listing.filtered(team, query), request.GET.get("page"))
    context.update(
        form=form,
        query=query,
        mirror=state,
        mirror_error=state.current_error,
        walking=state.walk_started_at is not None or state.refreshed_at is None,
        rooms=listing.room_names(team),
        page=page,
        rows=[_row(r) for r in page.object_list],
        # Until the first walk is done; not after a failure, which shows "Try again".
        poll=bool(
            state.refreshed_at is None
            and team.has_token
            and not state.current_error
            and "queue_error" not in context
        ),
    )
    return respond(request, LIST, "table", context)


@require_POST
@team_view(Permission.VIEW_TEAM)
def refresh(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """Refresh now: queue a walk of Daily's list (debounced per team; not audited: it
    changes nothing at Daily or here)."""
    if not mirror.supported(team):
        raise Http404("No recordings")
    if _queue(lambda: mirror.request_refresh(team)):
        messages.success(request, gettext("Refresh asked for: the list updates within a minute."))
    else:
        messages.error(request, QUEUE_FAILED)
    return redirect("recordings:list", team.slug)


def _known_or_404(team: Team, recording_id: str) -> MirroredRecording:
    try:
        checked = services.check_id(recording_id)
    except InvalidInput:
        raise Http404("No such recording") from None
    row = mirror.recordings(team).filter(recording_id=checked).first()
    if row is None:
        raise Http404("No such recording")
    return row


@never_cache
@require_POST
@team_view(Permission.VIEW_TEAM)
def download(request: HttpRequest, team: Team, role: Role, recording_id: str) -> HttpResponse:
    """A new access link from Daily for this click, never stored. Audited
    ("recording.link"): it hands out the file.

    htmx: `HX-Redirect` to the link (the browser navigates there and downloads). Without
    JavaScript: a page holding the link, since the Content-Security-Policy's
    `form-action 'self'` stops a form's redirect to another host (Daily's storage)."""
    row = _known_or_404(team, recording_id)
    try:
        link = services.access_link(
            actor=request.user,
            team=team,
            recording_id=row.recording_id,
            request_id=request_id(request),
        )
    except NotFound:
        messages.error(
            request, gettext("Daily no longer has this recording; it is gone from the list.")
        )
        return _back(request, team)
    except DailyError as exc:
        messages.error(request, gettext("No download link: %(reason)s") % {"reason": describe(exc)})
        return _back(request, team)
    if request.headers.get("HX-Request"):
        response = HttpResponseClientRedirect(link.download_link)
    else:
        context = _base(team, role)
        context.update(recording=_row(row), link=link)
        response = respond(request, DOWNLOAD, None, context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _back(request: HttpRequest, team: Team) -> HttpResponse:
    url = reverse("recordings:list", args=[team.slug])
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_ROOMS)
def delete(request: HttpRequest, team: Team, role: Role, recording_id: str) -> HttpResponse:
    """GET: the confirmation naming the recording. POST: delete at Daily and here."""
    row = _known_or_404(team, recording_id)
    state = mirror.state(team)
    context = _base(team, role)
    context.update(recording=_row(row), domain_bucket=state.domain_bucket)
    if request.method == "GET":
        context["room_bucket"] = "" if state.domain_bucket else services.room_bucket(team, row)
        return respond(request, CONFIRM, None, context)
    try:
        gone = services.delete(
            actor=request.user,
            team=team,
            recording_id=row.recording_id,
            request_id=request_id(request),
        )
    except DailyError as exc:
        context.update(error_message=describe(exc), room_bucket=None)
        return respond(request, CONFIRM, None, context, status=502)
    when = dates.day_time(row.started_at, team.tz)
    note = services.bucket_note(gone)
    messages.success(
        request,
        gettext("Recording of %(room)s started %(when)s deleted.")
        % {"room": row.room_name, "when": when}
        + (f" {note}" if note else ""),
    )
    return redirect("recordings:list", team.slug)


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_ROOMS)
def retention_view(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """The retention policy: choose N, preview the exact list, enable; or disable."""
    context = _base(team, role)
    if not context["supported"]:
        return respond(request, RETENTION, None, context)
    policy = retention.policy_of(team)
    context.update(policy=policy, mirror=mirror.state(team))
    raw_days = request.POST.get("days") if request.method == "POST" else request.GET.get("days")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "disable":
        retention.disable(actor=request.user, team=team, request_id=request_id(request))
        messages.success(request, gettext("Retention policy turned off: nothing more is deleted."))
        return redirect("recordings:retention", team.slug)
    if raw_days in (None, ""):
        context.update(days=policy.days or "")
        return respond(request, RETENTION, None, context)
    try:
        days = services.parse_days(raw_days)
    except InvalidInput as exc:
        context.update(days=raw_days, days_error=exc.message)
        return respond(request, RETENTION, None, context, status=400 if action else 200)
    if action == "enable":
        try:
            retention.enable(
                actor=request.user,
                team=team,
                days=days,
                seen_digest=request.POST.get("digest", ""),
                request_id=request_id(request),
            )
        except Refused as exc:
            context.update(refused=gettext(exc.message))
        else:
            messages.success(
                request,
                ngettext(
                    "Retention policy on: recordings older than %(days)d day are deleted by "
                    "the worker at Daily's pace, each one in the audit log.",
                    "Retention policy on: recordings older than %(days)d days are deleted by "
                    "the worker at Daily's pace, each one in the audit log.",
                    days,
                )
                % {"days": days},
            )
            return redirect("recordings:retention", team.slug)
    rows = retention.preview(team, days)
    total = rows.count()
    context.update(
        days=days,
        preview=[_row(r) for r in rows[: retention.PREVIEW_LIMIT]],
        preview_total=total,
        preview_more=max(0, total - retention.PREVIEW_LIMIT),
        digest=retention.digest(team, days),
        cutoff=retention.cutoff(days),
        previewed_at=time.time(),
    )
    return respond(request, RETENTION, None, context)
