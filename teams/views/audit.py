from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from teams import csvexport
from teams.forms import AuditFilterForm
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services import audit_log
from teams.views.common import query_without_page, respond


def _filters(request: HttpRequest, team: Team) -> tuple[AuditFilterForm, audit_log.Filters]:
    """The filter form and the filters of its valid fields (an invalid one is shown, not used)."""
    form = AuditFilterForm(request.GET, actors=audit_log.actors(team))
    form.is_valid()
    return form, audit_log.Filters.from_form(getattr(form, "cleaned_data", {}))


@require_GET
@team_view(Permission.VIEW_AUDIT)
def audit(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    form, filters = _filters(request, team)
    events = audit_log.page(team, filters, request.GET.get("page", 1))
    return respond(
        request,
        "teams/audit.html",
        "audit-results",
        {"form": form, "events": events, "query": query_without_page(request), "tz": team.tz},
    )


@require_GET
@team_view(Permission.VIEW_AUDIT)
def audit_export(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    """The filtered log as CSV, streamed row by row."""
    form, filters = _filters(request, team)
    if form.errors:
        # Show the page with the message rather than exporting something else.
        return redirect(f"{reverse('teams:audit', args=[team.slug])}?{request.GET.urlencode()}")
    stamp = timezone.now().astimezone(team.tz).strftime("%Y%m%d-%H%M")
    return csvexport.csv_response(
        f"audit-{team.slug}-{stamp}.csv", audit_log.CSV_HEADER, audit_log.csv_rows(team, filters)
    )
