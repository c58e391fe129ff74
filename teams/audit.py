"""Every mutation goes through `perform`: check the role, act, write the audit event.

Success or failure, the event is written in one place, so an "ok" can never be
recorded for a call that failed, and no failed call goes unrecorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from daily import DailyClient, DailyError
from teams.daily_client import client_for
from teams.models import AuditAction, AuditEvent, Outcome, Team
from teams.permissions import Permission, ensure_permission

log = logging.getLogger(__name__)
T = TypeVar("T")

User = AbstractBaseUser | AnonymousUser | None


def _text(value: str, limit: int) -> str:
    """What a column can hold: PostgreSQL refuses NUL in text, so it is shown as U+FFFD."""
    return value.replace("\x00", "\ufffd")[:limit]


def english(text: object) -> str:
    """A label (a role, an API's name) as the audit log stores it: in English, whatever the
    language of the person whose action is recorded."""
    with translation.override("en"):
        return str(text)


def record(
    *,
    team: Team | None,
    actor: User,
    action: AuditAction,
    target: str,
    outcome: Outcome,
    error_type: str = "",
    message: str = "",
    request_id: str = "",
) -> AuditEvent:
    real_actor = actor if actor is not None and actor.is_authenticated else None
    # On its own connection state: a failure must be recorded even when the
    # caller's transaction is rolled back.
    with transaction.atomic():
        return AuditEvent.objects.create(
            team=team,
            team_name=team.name if team else "",
            actor=real_actor,
            actor_name=real_actor.get_username() if real_actor else "system",
            action=action,
            # Targets and messages quote what people typed: they may hold anything.
            target=_text(target, 255),
            outcome=outcome,
            error_type=_text(error_type, 64),
            message=_text(message, 2000),
            request_id=_text(request_id, 64),
        )


class Refused(Exception):
    """A mutation the dashboard itself refuses, such as one that would leave a team without
    an owner. Audited as failed (error type "Refused"); `message` is written for people.

    `message` stays in English (the audit log stores it); `shown` is the same sentence in
    the reader's language. A message marked with `gettext_noop` and named placeholders
    (`%(user)s`), with their values in `params`, is translated where it is shown."""

    def __init__(
        self,
        message: str,
        params: dict[str, object] | None = None,
        *,
        translated: tuple[str, ...] = (),
    ) -> None:
        self.template = message
        self.params = params or {}
        # The params that are themselves marked messages (a reason), translated when shown.
        self.translated = translated
        self.message = message % self.params if self.params else message
        super().__init__(self.message)

    @property
    def shown(self) -> str:
        text = gettext(self.template)
        if not self.params:
            return text
        params = {
            key: gettext(value) if key in self.translated and isinstance(value, str) else value
            for key, value in self.params.items()
        }
        return text % params


def error_type_of(exc: DailyError | Refused) -> str:
    if isinstance(exc, Refused):
        return "Refused"
    return exc.error_type or type(exc).__name__


def perform(
    *,
    actor: User,
    team: Team,
    permission: Permission,
    action: AuditAction,
    target: str,
    operation: Callable[[DailyClient], T],
    request_id: str = "",
    message: str = "",
    background: bool = False,
) -> T:
    """Check the role, call Daily through `operation`, and audit the outcome.

    `operation` may raise `Refused` after reading fresh state from Daily (e.g. to refuse
    removing the last owner); that is audited as a failure too.
    `background`: the caller is the worker, whose client waits for its pacing slot as long
    as it takes (`teams.daily_client.client_for`).
    """
    if actor is not None:
        ensure_permission(actor, team, permission)
    try:
        with client_for(team, background=background) as client:
            result = operation(client)
    except (DailyError, Refused) as exc:
        record(
            team=team,
            actor=actor,
            action=action,
            target=target,
            outcome=Outcome.FAILED,
            error_type=error_type_of(exc),
            message=str(exc),
            request_id=request_id,
        )
        # %r: what people typed cannot start a forged line in the log.
        log.warning("%s %r on %s failed: %s", action, target, team.name, error_type_of(exc))
        raise
    record(
        team=team,
        actor=actor,
        action=action,
        target=target,
        outcome=Outcome.OK,
        message=message,
        request_id=request_id,
    )
    return result


def perform_local(
    *,
    actor: User,
    team: Team | None,
    permission: Permission | None,
    action: AuditAction,
    target: str,
    operation: Callable[[], T],
    request_id: str = "",
    message: str = "",
) -> T:
    """The same contract for mutations of the dashboard's own data.

    The operation and its "ok" event commit together. An operation that raises `Refused`
    is rolled back and the refusal is recorded after the rollback, so it is never lost.
    """
    if actor is not None and team is not None and permission is not None:
        ensure_permission(actor, team, permission)
    try:
        with transaction.atomic():
            result = operation()
            record(
                team=team,
                actor=actor,
                action=action,
                target=target,
                outcome=Outcome.OK,
                message=message,
                request_id=request_id,
            )
    except Refused as exc:
        record(
            team=team,
            actor=actor,
            action=action,
            target=target,
            outcome=Outcome.FAILED,
            error_type=error_type_of(exc),
            message=exc.message,
            request_id=request_id,
        )
        raise
    return result
