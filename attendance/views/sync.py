"""Sync now, its live progress, the sync history, and the webhook (receiver and set-up)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

import daily
from attendance import webhooks
from attendance.freshness import freshness
from attendance.models import (
    QuarantinedMeeting,
    SyncOutcome,
    SyncRun,
    SyncTrigger,
    WebhookEndpoint,
)
from attendance.tasks import sync_team_task
from teams.audit import perform_local
from teams.models import AuditAction, Dialect, Team
from teams.permissions import Permission, has_permission, team_view
from teams.services.errors import describe

log = logging.getLogger(__name__)

RUNS_PER_PAGE = 25
# Meetings the sync could not store, newest first (one query, whatever their number).
QUARANTINE_SHOWN = 50
# A progress poll asks about a sync started moments ago; a week is more than enough.
MAX_POLL_AGE = timedelta(days=7)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def history(request: HttpRequest, team: Team, role) -> HttpResponse:
    runs = SyncRun.objects.filter(team=team).order_by("-started_at", "-id")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    endpoint = WebhookEndpoint.objects.filter(team=team).first()
    context = {
        "page": page,
        "quarantine": QuarantinedMeeting.objects.filter(team=team)[:QUARANTINE_SHOWN],
        "freshness": freshness(team),
        "endpoint": endpoint,
        "webhooks_supported": team.dialect == Dialect.REST,
        "can_manage_webhook": has_permission(role, Permission.MANAGE_TEAM),
        "suggested_webhook_url": request.build_absolute_uri(
            reverse("daily_webhook", args=[team.slug])
        ),
    }
    if request.htmx and request.htmx.target == "sync-runs":
        return render(request, "attendance/sync_history.html#runs", context)
    return render(request, "attendance/sync_history.html", context)


@require_POST
@team_view(Permission.VIEW_ATTENDANCE)
def sync_now(request: HttpRequest, team: Team, role) -> HttpResponse:
    requested_at = timezone.now()

    def queue() -> None:
        transaction.on_commit(lambda: sync_team_task.delay(team.pk, SyncTrigger.MANUAL))

    perform_local(
        actor=request.user,
        team=team,
        permission=Permission.VIEW_ATTENDANCE,
        action=AuditAction.SYNC_TRIGGER,
        target=team.slug,
        operation=queue,
    )
    return _progress(request, team, requested_at)


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def sync_status(request: HttpRequest, team: Team, role) -> HttpResponse:
    return _progress(request, team, _since(request.GET.get("since", "")))


def _since(value: str) -> datetime:
    """The instant of the "Sync now" a poll asks about, from its query string.

    The page sends back what it was given; anything else (not a time, a date that does
    not exist, no time zone, the edges of the calendar) means "from now on".
    """
    now = timezone.now()
    try:
        since = parse_datetime(value[:64])
    except ValueError:  # well formed, but not a real time: 2025-02-30T10:00
        return now
    if since is None:
        return now
    if timezone.is_naive(since):
        since = since.replace(tzinfo=UTC)
    try:
        since = since.astimezone(UTC)
    except OverflowError:
        return now
    return since if now - MAX_POLL_AGE <= since <= now else now


def _progress(request: HttpRequest, team: Team, since) -> HttpResponse:
    """The live progress of the run asked for at `since` (polled while unfinished)."""
    run = (
        SyncRun.objects.filter(team=team, started_at__gte=since)
        .exclude(outcome=SyncOutcome.SKIPPED)
        .order_by("started_at")
        .first()
    )
    running = run is None or run.outcome == SyncOutcome.RUNNING
    response = render(
        request,
        "attendance/sync_history.html#progress",
        {"run": run, "running": running, "since": since.isoformat(), "team": team},
    )
    if not running:
        # Tell the rest of the page (history table, freshness line) to refresh.
        response["HX-Trigger"] = "sync-finished"
    return response


@require_POST
@team_view(Permission.MANAGE_TEAM)
def webhook_register(request: HttpRequest, team: Team, role) -> HttpResponse:
    url = request.POST.get("url", "").strip()
    try:
        webhooks.register(team, request.user, url)
    except daily.InvalidInput as exc:
        messages.error(
            request, gettext("The webhook was not registered: %(why)s") % {"why": exc.message}
        )
    except daily.InvalidRequest as exc:
        # Most often Daily's test request to the URL did not get a 200 in time.
        messages.error(
            request,
            gettext(
                "Daily did not register the webhook. Before it does, Daily sends a test "
                "request to the address, which must reach this dashboard and answer within "
                "a few seconds; nothing was changed. Daily said: %(why)s"
            )
            % {"why": exc.message},
        )
    except daily.DailyError as exc:
        messages.error(
            request,
            gettext("Daily did not register the webhook: %(why)s") % {"why": describe(exc, team)},
        )
    else:
        messages.success(
            request, gettext("Webhook registered: Daily will send meeting events here.")
        )
    return _back_to_history(request, team)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def webhook_remove(request: HttpRequest, team: Team, role) -> HttpResponse:
    try:
        webhooks.unregister(team, request.user)
    except daily.DailyError as exc:
        messages.error(request, gettext("Daily did not remove the webhook: %(why)s") % {"why": exc})
    else:
        messages.success(request, gettext("Webhook removed; the periodic sync goes on."))
    return _back_to_history(request, team)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def webhook_check(request: HttpRequest, team: Team, role) -> HttpResponse:
    try:
        webhooks.refresh_state(team)
    except daily.DailyError as exc:
        messages.error(
            request, gettext("Daily did not answer about the webhook: %(why)s") % {"why": exc}
        )
    return _back_to_history(request, team)


def _back_to_history(request: HttpRequest, team: Team) -> HttpResponse:
    url = reverse("attendance:sync_history", args=[team.slug])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@csrf_exempt  # Daily cannot send a CSRF token: the HMAC signature authenticates it.
@require_POST
def receive_webhook(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Every request that cannot be verified gets the same answer, whatever the address
    names (attendance/webhooks.py); what went wrong is logged, never answered."""
    try:
        outcome = webhooks.receive_for(team_slug, request.headers, request.body)
    except webhooks.WebhookRejected as exc:
        log.info("Webhook for %r refused: %s", team_slug[:64], exc.detail)
        return JsonResponse({"error": exc.reason}, status=exc.status)
    return JsonResponse({"ok": True, "result": outcome.reason})
