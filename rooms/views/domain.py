"""Domain settings (REST): the form, a preview of what will change, and the save.

Owners only. Preview and save both read the domain fresh from Daily; the save refuses a
preview made against a configuration that has changed since (someone else saved, or
Daily's dashboard did), and shows the new differences instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from daily import Capability, DailyError, InvalidInput, InvalidRequest
from rooms import domain_settings, services
from rooms.domain_forms import FIELD_MAP, DomainSettingsForm, diff
from rooms.views.common import error_context
from rooms.words import refusal
from teams.models import Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import request_id, respond

TEMPLATE = "rooms/domain_settings.html"


def _load(request: HttpRequest, team: Team) -> tuple[dict[str, Any], Any]:
    """The page's context and the domain's current configuration (None if unavailable)."""
    context: dict[str, Any] = {
        "team": team,
        "supported": services.supports(team, Capability.DOMAIN_CONFIG),
    }
    if not context["supported"]:
        return context, None
    try:
        config = domain_settings.current(team)
    except DailyError as exc:
        url = reverse("domain:settings", args=[team.slug])
        context.update(error_context(exc, url, retry_target="#main"))
        return context, None
    context["domain"] = config
    return context, config


@require_http_methods(["GET", "POST"])
@team_view(Permission.MANAGE_TEAM)
def settings(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    context, config = _load(request, team)
    if config is None:
        return respond(request, TEMPLATE, "domain-form", context)
    baseline = config.properties
    version = domain_settings.fingerprint(baseline)
    if request.method == "GET":
        context.update(form=DomainSettingsForm(baseline=baseline), version=version)
        return respond(request, TEMPLATE, "domain-form", context)
    form = DomainSettingsForm(request.POST, baseline=baseline)
    context.update(form=form, version=version)
    if not form.is_valid():
        return respond(request, TEMPLATE, "domain-form", context)
    changes = form.changes()
    if not changes.set_fields():
        messages.info(request, gettext("Nothing changed."))
        return _go(request, team)
    if request.POST.get("version") != version:
        # The preview was of another configuration: show the differences from this one.
        context.update(
            diff=diff(baseline, changes),
            stale=True,
        )
        return respond(request, TEMPLATE, "domain-form", context)
    try:
        domain_settings.save(
            actor=request.user,
            team=team,
            before=baseline,
            changes=changes,
            request_id=request_id(request),
        )
    except DailyError as exc:
        if isinstance(exc, InvalidInput):
            field = FIELD_MAP.get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, refusal(exc))
        elif isinstance(exc, InvalidRequest):
            form.add_error(
                None, gettext("Daily refused this: %(reason)s") % {"reason": exc.message}
            )
        else:
            context.update(error_context(exc))
        context["diff"] = diff(baseline, changes)
        return respond(request, TEMPLATE, "domain-form", context)
    labels = ", ".join(label for _n, label, _o, _new in diff(baseline, changes))
    messages.success(request, gettext("Domain settings saved: %(changes)s.") % {"changes": labels})
    return _go(request, team)


@require_POST
@team_view(Permission.MANAGE_TEAM)
def preview(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """What a save would change, from -> to; the form's own errors when it is not valid."""
    context, config = _load(request, team)
    if config is None:
        return respond(request, TEMPLATE, "domain-form", context)
    baseline = config.properties
    form = DomainSettingsForm(request.POST, baseline=baseline)
    context.update(form=form, version=domain_settings.fingerprint(baseline))
    if form.is_valid():
        context["diff"] = diff(baseline, form.changes())
    return respond(request, TEMPLATE, "domain-form", context)


def _go(request: HttpRequest, team: Team) -> HttpResponse:
    url = reverse("domain:settings", args=[team.slug])
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
