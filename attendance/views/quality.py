"""Call quality of one meeting, loaded by the meeting page on demand (htmx, or a full page).

At most one Daily call per view (`attendance.quality.meeting_quality`, then the cache);
never from the sync.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from attendance import quality
from attendance.models import Meeting
from attendance.quality_svg import sparkline
from daily import DailyError
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services.errors import describe
from teams.views.common import respond

TEMPLATE = "attendance/quality.html"


@require_GET
@team_view(Permission.VIEW_ATTENDANCE)
def meeting_quality(
    request: HttpRequest, meeting_id: int, *, team: Team, role: Role
) -> HttpResponse:
    m = get_object_or_404(Meeting, pk=meeting_id, team=team)
    context: dict[str, Any] = {
        "team": team,
        "meeting": m,
        "loss_poor": quality.LOSS_POOR_PCT,
        "rtt_poor": quality.RTT_POOR_MS,
        "available": quality.available(team, m),
    }
    if context["available"]:
        try:
            report = quality.meeting_quality(team, m, now=timezone.now())
        except DailyError as exc:
            context.update(
                error_message=describe(exc),
                retry_url=request.get_full_path(),
                retry_target="#call-quality",
                retry_swap="outerHTML",
            )
        else:
            context["report"] = report
            context["rows"] = [
                (
                    p,
                    sparkline(
                        [(t, loss) for t, loss, _rtt in p.series],
                        span=report.span_seconds,
                        threshold=quality.LOSS_POOR_PCT,
                        title=gettext("Packet loss of %(name)s over the meeting")
                        % {"name": p.name},
                        unit="%",
                    ),
                    sparkline(
                        [(t, rtt) for t, _loss, rtt in p.series],
                        span=report.span_seconds,
                        threshold=quality.RTT_POOR_MS,
                        title=gettext("Round trip of %(name)s over the meeting") % {"name": p.name},
                        unit="ms",
                    ),
                )
                for p in report.participants
            ]
    return respond(request, TEMPLATE, "quality", context)
