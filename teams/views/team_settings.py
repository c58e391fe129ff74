from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from teams.forms import TeamSettingsForm
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.services import team_settings
from teams.signals import team_settings_panels
from teams.views.common import request_id, respond


def _context(
    request: HttpRequest, team: Team, form: TeamSettingsForm | None = None, **extra
) -> dict:
    form = form or TeamSettingsForm(initial=TeamSettingsForm.initial_for(team))
    # What the apps above show beside the form (attendance: the webhook), by signal.
    answers = team_settings_panels.send(sender=Team, team=team, request=request)
    panels = [html for _receiver, html in answers if html]
    return {"form": form, "panels": panels, **extra}


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_TEAM)
def settings(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    if request.method == "GET":
        return render(request, "teams/settings.html", _context(request, team))
    form = TeamSettingsForm(request.POST, initial=TeamSettingsForm.initial_for(team))
    if not form.is_valid():
        return render(request, "teams/settings.html", _context(request, team, form))
    changed = team_settings.update_team(
        actor=request.user, team=team, data=form.cleaned_data, request_id=request_id(request)
    )
    if changed:
        # `changed` is in English (the apps' signal reads it); the message in the reader's.
        words = [gettext(word) for word in changed]
        messages.success(request, gettext("Saved: %(changed)s.") % {"changed": ", ".join(words)})
    else:
        messages.info(request, gettext("Nothing changed."))
    return redirect("teams:settings", team_slug=team.slug)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def test_connection(request: HttpRequest, *, team: Team, role: Role) -> HttpResponse:
    """Ask Daily something harmless with the saved settings; read-only, so not audited."""
    result = team_settings.test_connection(team)
    context = _context(request, team, connection=result)
    return respond(request, "teams/settings.html", "connection-result", context)
