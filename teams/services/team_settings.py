"""Adding a team, changing its settings and credentials, and testing the connection.

The API token is write-only: it is encrypted on arrival and never returned, logged or
written to the audit log (whose messages name what changed, never a token).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext
from django.views.decorators.debug import sensitive_variables

from daily import DEFAULT_BASE_URLS, AuthError, DailyError, Dialect, HostNotAllowed, NotFound
from teams.audit import User, english, perform_local, record
from teams.daily_client import client_for
from teams.models import AuditAction, Membership, Outcome, Role, Team
from teams.permissions import Permission, may_connect_team
from teams.services.errors import describe
from teams.signals import credentials_changed, send_team_connected, team_settings_changed

# The settings an owner edits, in the order the audit message lists them.
EDITABLE = ("name", "dialect", "base_url", "time_zone", "sync_enabled", "sync_interval")


def default_base_url(dialect: str) -> str:
    return DEFAULT_BASE_URLS[Dialect(dialect)]


class ConnectRefused(Exception):
    """Daily did not accept a new team's settings (or could not be asked): nothing was
    saved. `field`: the form field the message belongs to (None: the whole form).
    `say` writes the message in the active language (the form shows it in the reader's,
    the audit log keeps it in English)."""

    def __init__(
        self, say: Callable[[], str], *, field: str | None = None, error_type: str = ""
    ) -> None:
        super().__init__(error_type)
        self.say = say
        self.field = field
        self.error_type = error_type

    @property
    def message(self) -> str:
        return self.say()


REFUSED_BY_DAILY = gettext_noop(
    "Daily refused this API token. Copy it again from the Developers page of Daily's dashboard."
)
ENTER_AGAIN = gettext_noop("Nothing was saved: enter the token again to retry.")
# What `update_team` says changed (the fields' names, in English: the apps' signal reads
# them), marked here for the settings page, which says them in the reader's language.
CHANGED_WORDS = (
    gettext_noop("name"),
    gettext_noop("dialect"),
    gettext_noop("base url"),
    gettext_noop("time zone"),
    gettext_noop("sync enabled"),
    gettext_noop("sync interval"),
    gettext_noop("API token"),
)


@sensitive_variables("data")
def create_team(*, actor: Any, data: dict[str, Any], request_id: str = "") -> Team:
    """Connect a Daily team: who may is the operator's choice (TEAM_CONNECT_ALLOWED). The
    token is tried against Daily first (one call); only then is the team saved, with the
    person who connected it as its first owner. Success and refusal are both audited
    (`ConnectRefused` tells the form which field was wrong; nothing is saved then)."""
    if not may_connect_team(actor):
        raise PermissionDenied(gettext("You may not connect a Daily team to this dashboard."))
    team = Team(
        name=data["name"],
        slug=data["slug"],
        dialect=data["dialect"],
        base_url=data["base_url"] or default_base_url(data["dialect"]),
        time_zone=data["time_zone"],
    )
    team.set_token(data["token"])
    where = f"{english(team.get_dialect_display())} at {team.base_url}"
    try:
        _try_token(team)
    except ConnectRefused as refusal:
        # The audit log keeps the refusal in English; the form shows it in the reader's.
        with translation.override("en"):
            said = refusal.message
        record(
            team=None,
            actor=actor,
            action=AuditAction.TEAM_CREATE,
            target=team.slug,
            outcome=Outcome.FAILED,
            error_type=refusal.error_type,
            message=f"{team.name}, {where}: {said}",
            request_id=request_id,
        )
        raise
    with transaction.atomic():
        team.save()
        perform_local(
            actor=actor,
            team=team,
            permission=None,
            action=AuditAction.TEAM_CREATE,
            target=team.slug,
            operation=lambda: Membership.objects.create(team=team, user=actor, role=Role.OWNER),
            message=where,
            request_id=request_id,
        )
        transaction.on_commit(lambda: send_team_connected(team))
    return team


def _try_token(team: Team) -> None:
    """One call that needs the token and names the team: its info (domains) or its
    domain's configuration (REST), whose name must be the one entered."""
    try:
        with client_for(team) as client:
            if team.dialect == Dialect.DOMAINS:
                client.team_info()
                return
            config = client.domain_config()
    except AuthError:
        raise ConnectRefused(
            lambda: gettext(REFUSED_BY_DAILY), field="token", error_type="AuthError"
        ) from None
    except HostNotAllowed as exc:
        raise ConnectRefused(
            lambda exc=exc: describe(exc), field="base_url", error_type=type(exc).__name__
        ) from None
    except NotFound:
        raise ConnectRefused(
            lambda: (
                gettext("Daily knows no team named “%(name)s” with this token.")
                % {"name": team.name}
            ),
            field="name",
            error_type="NotFound",
        ) from None
    except DailyError as exc:
        raise ConnectRefused(
            lambda exc=exc: f"{describe(exc, team)} {gettext(ENTER_AGAIN)}",
            error_type=type(exc).__name__,
        ) from None
    domain = config.domain_name
    if domain and domain.lower() != team.name.lower():
        raise ConnectRefused(
            lambda: (
                gettext("This token belongs to the Daily domain “%(domain)s”: enter that name.")
                % {"domain": domain}
            ),
            field="name",
            error_type="NameMismatch",
        )


def _label(field: str) -> str:
    return str(Team._meta.get_field(field).verbose_name)


def _show(field: str, value: Any) -> str:
    if field == "sync_enabled":
        return "on" if value else "off"
    return str(value)


@sensitive_variables("data", "token")
def update_team(
    *, actor: User, team: Team, data: dict[str, Any], request_id: str = ""
) -> list[str]:
    """Apply the settings form; return what changed, in words ("time zone", "API token").

    Settings and token are two audit events (TEAM_UPDATE, CREDENTIALS_CHANGE) committed
    together. An empty token keeps the current one.
    """
    changes = [
        (field, getattr(team, field), data[field])
        for field in EDITABLE
        if field in data and data[field] != getattr(team, field)
    ]
    token = data.get("token") or ""
    changed: list[str] = []
    with transaction.atomic():
        if changes:

            def save_settings() -> None:
                for field, _old, new in changes:
                    setattr(team, field, new)
                team.full_clean()
                team.save()

            perform_local(
                actor=actor,
                team=team,
                permission=Permission.MANAGE_TEAM,
                action=AuditAction.TEAM_UPDATE,
                target=team.slug,
                operation=save_settings,
                message="; ".join(
                    f"{_label(f)}: {_show(f, old)} → {_show(f, new)}" for f, old, new in changes
                ),
                request_id=request_id,
            )
            changed += [_label(f) for f, _, _ in changes]
        if token:

            def save_token() -> None:
                team.set_token(token)
                team.save()
                # What a refused token stopped (the periodic sync) deserves a new try.
                credentials_changed.send(sender=Team, team=team)

            perform_local(
                actor=actor,
                team=team,
                permission=Permission.MANAGE_TEAM,
                action=AuditAction.CREDENTIALS_CHANGE,
                target=team.slug,
                operation=save_token,
                message="API token replaced",
                request_id=request_id,
            )
            changed.append("API token")
        moved = any(f in ("name", "dialect", "base_url") for f, _, _ in changes)
        if moved or token:
            transaction.on_commit(lambda: send_team_connected(team, moved=moved))
    if changed:
        # The apps forget what they cached of Daily's answers for the team.
        team_settings_changed.send(sender=Team, team=team, changed=changed)
    return changed


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


def test_connection(team: Team) -> ConnectionResult:
    """Ask Daily something harmless with the saved settings and say what it answered."""
    try:
        with client_for(team) as client:
            if team.dialect == Dialect.DOMAINS:
                info = client.team_info()
                counts = {
                    "team": info.name,
                    "rooms": _count(len(info.rooms), "rooms"),
                    "users": _count(len(info.users), "users"),
                }
                if info.invite_link:
                    said = gettext(
                        "Connected. Daily answered for team %(team)s: %(rooms)s, %(users)s "
                        "and an invite link."
                    )
                else:
                    said = gettext(
                        "Connected. Daily answered for team %(team)s: %(rooms)s, %(users)s."
                    )
                return ConnectionResult(True, said % counts)
            config = client.domain_config()
            rooms = client.list_rooms()
            return ConnectionResult(
                True,
                gettext("Connected. Daily answered for domain %(domain)s: %(rooms)s.")
                % {"domain": config.domain_name, "rooms": _count(len(rooms), "rooms")},
            )
    except DailyError as exc:
        return ConnectionResult(False, describe(exc, team))


# pytest would collect a module-level function named test_*; this one is not a test.
test_connection.__test__ = False  # type: ignore[attr-defined]


def _count(n: int, what: str) -> str:
    if what == "rooms":
        return ngettext("%(count)d room", "%(count)d rooms", n) % {"count": n}
    return ngettext("%(count)d user", "%(count)d users", n) % {"count": n}
