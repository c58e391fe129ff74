"""Bulk jobs: the team's recent jobs, one job's progress (polled while it runs), cancel.

Every page reads the database only (the worker writes the progress), so a job shows in any
tab, to any of the team's managers of rooms, and after logging in again. The queries of a
job page do not grow with its rooms: the counts live on the job, and the page lists the
latest rooms handled and the first failures, a bounded number of each.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from daily import Privacy
from rooms import bulk
from rooms.models import BulkItemState, BulkJob
from rooms.views.common import team_context
from rooms.words import privacy_word
from teams.audit import perform_local
from teams.models import AuditAction, Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import respond, wants_partial

JOB = "rooms/bulk_job.html"
JOBS = "rooms/bulk_jobs.html"
RECENT_JOBS = 25
LATEST_ITEMS = 50
FIRST_FAILURES = 100
POLL_SECONDS = 2


def _job_or_404(team: Team, job_id: int) -> BulkJob:
    job = BulkJob.objects.filter(team=team, pk=job_id).select_related("created_by").first()
    if job is None:
        raise Http404("No such bulk action.")
    return job


def _target(job: BulkJob) -> str:
    return privacy_word(Privacy(job.privacy)) if job.privacy else ""


def _job_response(request: HttpRequest, team: Team, role: Role, job: BulkJob) -> HttpResponse:
    items = job.items.only("job_id", "room", "before", "state", "message", "finished_at")
    context = team_context(team, role)
    context.update(
        job=job,
        target=_target(job),
        latest=list(
            items.filter(finished_at__isnull=False).order_by("-finished_at", "-id")[:LATEST_ITEMS]
        ),
        failures=list(items.filter(state=BulkItemState.FAILED).order_by("id")[:FIRST_FAILURES]),
        percent=int(100 * job.finished_items / job.total) if job.total else 100,
        poll_seconds=POLL_SECONDS,
        confirm_over=bulk.CONFIRM_OVER,
    )
    return respond(request, JOB, "progress", context)


@require_GET
@team_view(Permission.MANAGE_ROOMS)
def jobs(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    context = team_context(team, role)
    recent = BulkJob.objects.filter(team=team).select_related("created_by")
    listed = list(recent.order_by("-created_at", "-id")[:RECENT_JOBS])
    for each in listed:
        each.target_label = _target(each)  # type: ignore[attr-defined]
    context.update(jobs=listed)
    return respond(request, JOBS, None, context)


@require_GET
@team_view(Permission.MANAGE_ROOMS)
def job(request: HttpRequest, team: Team, role: Role, job_id: int) -> HttpResponse:
    return _job_response(request, team, role, _job_or_404(team, job_id))


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def cancel(request: HttpRequest, team: Team, role: Role, job_id: int) -> HttpResponse:
    """Stop before the next room. A room already sent to Daily finishes."""
    current = _job_or_404(team, job_id)
    if current.active:
        perform_local(
            actor=request.user,
            team=team,
            permission=Permission.MANAGE_ROOMS,
            action=AuditAction.BULK_CANCEL,
            target=f"job {current.pk}: "
            + bulk.job_words(current.action, current.privacy, current.total),
            operation=lambda: bulk.request_cancel(current),
        )
    if not wants_partial(request):
        return redirect("rooms:bulk_job", team.slug, current.pk)
    return _job_response(request, team, role, current)
