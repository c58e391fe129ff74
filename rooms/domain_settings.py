"""The domain's configuration: read it fresh, save only the changes, audit what changed.

Owners only (Permission.MANAGE_TEAM, as for the team's credentials): a domain setting
applies to every room of the team. One Daily call to read, one to save; never cached, so
the diff a person confirms is against what Daily holds now.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import translation

from daily import DomainConfig, DomainProperties
from rooms.domain_forms import diff
from teams.audit import User, perform
from teams.daily_client import client_for
from teams.models import AuditAction, Team
from teams.permissions import Permission


def current(team: Team) -> DomainConfig:
    with client_for(team) as client:
        return client.domain_config()


def fingerprint(props: DomainProperties) -> str:
    """Names the configuration a preview was made against, to notice a change since."""
    payload = json.dumps(props.to_config(), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def describe(before: DomainProperties, changes: DomainProperties) -> str:
    """The audit message: each property with its old and new value, in English (the audit
    log's language, whatever the language of the page that saved)."""
    with translation.override("en"):
        rows = diff(before, changes)
    return "; ".join(f"{name}: {old} -> {new}" for name, _label, old, new in rows)


def save(
    *,
    actor: User,
    team: Team,
    before: DomainProperties,
    changes: DomainProperties,
    request_id: str = "",
) -> DomainConfig:
    names = ", ".join(sorted(changes.set_fields())) or "nothing"
    return perform(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.DOMAIN_UPDATE,
        target=f"{team.name}: {names}",
        operation=lambda client: client.update_domain_config(changes),
        request_id=request_id,
        message=describe(before, changes),
    )
