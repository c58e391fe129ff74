"""Bulk delete / set privacy: preview exactly what changes, confirm, and hand it to the worker.

The preview and the job read the rooms mirror (SQL), never Daily: "every room matching" may
be 100,000 rooms. The preview fixes the set: it sends the highest mirror row id it counted
(`upto`), and the job takes the matching rows up to it, so a room that appears after the
preview is never touched. A delete of more than `bulk.CONFIRM_OVER` rooms needs the typed
confirmation the preview shows ("delete 12,345 rooms"), checked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from daily import InvalidInput, Privacy
from daily import validation as daily_validation
from rooms import bulk, listing, mirror, services
from rooms.bulk_tasks import run_bulk_job
from rooms.models import BulkAction, BulkJob, MirroredRoom, MirrorState
from rooms.views.common import team_context
from rooms.words import number, privacy_word, refusal
from teams.audit import perform_local
from teams.models import AuditAction, Role, Team
from teams.permissions import Permission, team_view
from teams.views.common import respond

PREVIEW = "rooms/bulk_preview.html"
# Ticked rooms come from one page of the list; more than this is not a form of ours.
MAX_TICKED = 500
# The preview of "every room matching" lists this many names, and counts the rest.
PREVIEW_ROWS = 100


def _label(privacy: str) -> str:
    return Privacy(privacy).label if privacy else "not reported"


def _action(request: HttpRequest, team: Team) -> tuple[str, Privacy | None]:
    """The action and the target privacy of a POST; InvalidInput with a sentence."""
    action = request.POST.get("action", "")
    if action not in BulkAction.values:
        raise InvalidInput(gettext("Choose what to do with the selected rooms."), field="action")
    privacy = None
    if action == BulkAction.PRIVACY:
        privacy = daily_validation.privacy(
            request.POST.get("privacy"), dialect=services.dialect_of(team)
        )
    return action, privacy


def _valid_names(team: Team, values: Iterable[object]) -> list[str]:
    """The valid, distinct room names among `values`, at least one and at most MAX_TICKED."""
    names: list[str] = []
    seen: set[str] = set()
    for name in values:
        try:
            checked = services.check_room_name(team, name)
        except InvalidInput:
            continue  # not a room of this team; it cannot be in the list either
        if checked not in seen:
            seen.add(checked)
            names.append(checked)
    if not names:
        raise InvalidInput(gettext("Select at least one room first."), field="rooms")
    if len(names) > MAX_TICKED:
        raise InvalidInput(
            gettext("Select at most %(n)s rooms at a time.") % {"n": MAX_TICKED}, field="rooms"
        )
    return names


def _matching(team: Team, q: str) -> QuerySet[MirroredRoom]:
    """Every room of the mirror whose name contains `q` (the list's own search)."""
    return listing.matching(team, q)


def _back_to_list(team: Team, q: str = "") -> HttpResponse:
    url = reverse("rooms:list", args=[team.slug])
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


def _ticked_plan(
    team: Team, action: str, privacy: Privacy | None, names: list[str]
) -> list[dict[str, Any]]:
    """One line per ticked room: what it is now, what it will be, or why it is skipped."""
    known = dict(mirror.rooms(team).filter(name__in=names).values_list("name", "privacy"))
    plan = []
    for name in names:
        line: dict[str, Any] = {"room": name, "before": "", "after": "", "change": False}
        if name not in known:
            line["note"] = gettext("No longer exists: skipped.")
        elif action == BulkAction.DELETE:
            line.update(before=_label(known[name]), after="deleted", change=True)
        elif privacy is not None and known[name] == privacy.value:
            line.update(
                before=_label(known[name]),
                note=gettext("Already %(privacy)s: skipped.") % {"privacy": privacy_word(privacy)},
            )
        else:
            line.update(before=_label(known[name]), after=_label(privacy.value), change=True)
        plan.append(line)
    return plan


def _to_change(team: Team, action: str, privacy: Privacy | None, q: str) -> QuerySet:
    rooms = _matching(team, q)
    if action == BulkAction.PRIVACY and privacy is not None:
        rooms = rooms.exclude(privacy=privacy.value)
    return rooms


def _matching_context(
    team: Team, action: str, privacy: Privacy | None, q: str, upto: int | None = None
) -> dict[str, Any]:
    """The preview of every matching room: counted with SQL, the first names listed."""
    everything = _matching(team, q)
    if upto is None:
        upto = everything.aggregate(top=Max("pk"))["top"] or 0
    everything = everything.filter(pk__lte=upto)
    changes = _to_change(team, action, privacy, q).filter(pk__lte=upto)
    count = changes.count()
    shown = list(
        changes.order_by(Lower("name"), "name").values_list("name", "privacy")[:PREVIEW_ROWS]
    )
    plan = [
        {
            "room": name,
            "before": _label(before),
            "after": "deleted" if action == BulkAction.DELETE else _label(privacy.value),  # type: ignore[union-attr]
            "change": True,
        }
        for name, before in shown
    ]
    return {
        "plan": plan,
        "change_count": count,
        "matched_count": everything.count(),
        "more_count": max(count - len(plan), 0),
        "upto": upto,
    }


def _preview_context(
    request: HttpRequest, team: Team, role: Role, action: str, privacy: Privacy | None
) -> dict[str, Any]:
    context = team_context(team, role)
    context.update(action=action, privacy=privacy, loading=_loading(team))
    return context


def _loading(team: Team) -> tuple[int, int | None] | None:
    """(loaded, of) while the mirror is still being filled: rooms not loaded yet are not
    in a preview, and the page says so."""
    if mirror.state(team).state == MirrorState.READY:
        return None
    return mirror.progress(team)


def _duration(count: int) -> str:
    """How long deleting `count` rooms takes at Daily's delete rate (as the pacer plans it)."""
    seconds = count / bulk.DELETES_PER_SECOND
    if seconds < 90:
        n = max(round(seconds), 1)
        return ngettext("about %(n)s second", "about %(n)s seconds", n) % {"n": n}
    if seconds < 90 * 60:
        minutes = round(seconds / 60)  # 2 or more
        return ngettext("about %(n)s minute", "about %(n)s minutes", minutes) % {"n": minutes}
    # 1.5 or more, with the language's decimal mark.
    return gettext("about %(n)s hours") % {"n": number_format(seconds / 3600, 1)}


def _confirmation(context: dict[str, Any]) -> None:
    count = context["change_count"]
    context["duration"] = _duration(count)
    if bulk.needs_typed_confirmation(context["action"], count):
        context["phrase"] = bulk.confirmation_phrase(count)


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def preview(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """What a bulk action would do to the ticked rooms, or to every room matching the
    list's search ("matching"). Nothing changes here."""
    matching = request.POST.get("matching") == "1"
    q = _query(request) if matching else ""
    try:
        action, privacy = _action(request, team)
        names = [] if matching else _valid_names(team, request.POST.getlist("rooms"))
    except InvalidInput as exc:
        messages.error(request, refusal(exc))
        return _back_to_list(team, q)
    context = _preview_context(request, team, role, action, privacy)
    context.update(matching=matching, q=q)
    if matching:
        context.update(_matching_context(team, action, privacy, q))
        if not context["matched_count"]:
            messages.error(
                request,
                gettext("No room name contains “%(q)s”.") % {"q": q}
                if q
                else gettext("This team has no rooms."),
            )
            return _back_to_list(team, q)
    else:
        plan = _ticked_plan(team, action, privacy, names)
        changes = [line for line in plan if line["change"]]
        context.update(plan=plan, changes=changes, change_count=len(changes), more_count=0)
    _confirmation(context)
    return respond(request, PREVIEW, None, context)


def _query(request: HttpRequest) -> str:
    # As the list searches: NUL can match no name, and PostgreSQL refuses it in a query.
    return request.POST.get("q", "").replace("\x00", "").strip()[: listing.MAX_QUERY]


def _upto(request: HttpRequest) -> int:
    try:
        # Within a database integer: a larger one would be an error, not a number.
        return min(max(int(request.POST.get("upto", "")[:20]), 0), 2**62)
    except ValueError:
        raise InvalidInput(gettext("This confirmation is incomplete; preview again.")) from None


@require_POST
@team_view(Permission.MANAGE_ROOMS)
def start(request: HttpRequest, team: Team, role: Role) -> HttpResponse:
    """Start exactly the changes the preview showed, in the worker."""
    matching = request.POST.get("matching") == "1"
    q = _query(request) if matching else ""
    try:
        action, privacy = _action(request, team)
        if matching:
            upto = _upto(request)
            rooms = list(
                _to_change(team, action, privacy, q)
                .filter(pk__lte=upto)
                .order_by(Lower("name"), "name")
                .values_list("name", "privacy")
            )
            pairs = [(name, _label(before)) for name, before in rooms]
        else:
            names = _valid_names(team, request.POST.getlist("rooms"))
            befores = request.POST.getlist("before")
            pairs = [(n, befores[i] if i < len(befores) else "") for i, n in enumerate(names)]
    except InvalidInput as exc:
        messages.error(request, refusal(exc))
        return _back_to_list(team, q)
    if not pairs:
        messages.error(request, gettext("Nothing to change: every room is already as asked."))
        return _back_to_list(team, q)
    if bulk.needs_typed_confirmation(action, len(pairs)):
        typed = request.POST.get("confirm", "")[:200]
        if not bulk.typed_confirmation_matches(typed, len(pairs)):
            return _refused(request, team, role, action, privacy, q, matching, len(pairs), typed)

    def start_job() -> BulkJob:
        job = bulk.create_job(
            team=team,
            user_id=request.user.pk,
            action=action,
            privacy=privacy,
            rooms=pairs,
            matching=matching,
            query=q,
        )
        transaction.on_commit(lambda: run_bulk_job.delay(job.pk))
        return job

    # The job's start is audited with the job; each room it changes is audited on its own.
    job = perform_local(
        actor=request.user,
        team=team,
        permission=Permission.MANAGE_ROOMS,
        action=AuditAction.BULK_START,
        target=bulk.job_words(action, privacy, len(pairs)),
        operation=start_job,
    )
    return redirect("rooms:bulk_job", team.slug, job.pk)


def _refused(
    request: HttpRequest,
    team: Team,
    role: Role,
    action: str,
    privacy: Privacy | None,
    q: str,
    matching: bool,
    count: int,
    typed: str,
) -> HttpResponse:
    """The preview again, with what to type: nothing was started."""
    context = _preview_context(request, team, role, action, privacy)
    context.update(matching=matching, q=q, typed=typed)
    if matching:
        context.update(_matching_context(team, action, privacy, q, _upto(request)))
    else:
        names = _valid_names(team, request.POST.getlist("rooms"))
        plan = _ticked_plan(team, action, privacy, names)
        changes = [line for line in plan if line["change"]]
        context.update(plan=plan, changes=changes, change_count=len(changes), more_count=0)
    phrase = bulk.confirmation_phrase(count)
    context.update(
        phrase=phrase,
        confirm_error=ngettext(
            "Nothing was deleted. To delete this %(count)s room, type “%(phrase)s” exactly as "
            "shown.",
            "Nothing was deleted. To delete these %(count)s rooms, type “%(phrase)s” exactly as "
            "shown.",
            count,
        )
        % {"count": number(count), "phrase": phrase},
    )
    return respond(request, PREVIEW, None, context)
