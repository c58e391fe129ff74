"""The allowed API hosts (settings.DAILY_API_HOSTS) as the teams app uses them.

The same list is checked wherever a base URL comes in (the settings form, `add_team`, the
model's own validation) and wherever one is used (`client_for`, which also hands it to
daily/ for the check of every connection). See daily/hosts.py and docs/security.md.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from daily import HostPolicy


@lru_cache(maxsize=8)
def _parse(entries: tuple[str, ...]) -> HostPolicy:
    return HostPolicy.parse(entries)


def policy() -> HostPolicy:
    """The policy of the current settings (tests change the setting: it is read each time)."""
    return _parse(tuple(settings.DAILY_API_HOSTS))


def refusal(url: str) -> str | None:
    """Why `url` may not be a team's base URL, or None when its host is allowed."""
    current = policy()
    if current.url_allowed(url):
        return None
    return gettext(
        "This host is not one of the allowed API hosts: %(hosts)s. The dashboard's operator "
        "can allow others (DAILY_API_HOSTS)."
    ) % {"hosts": current.describe()}


def validate_base_url(url: str) -> None:
    """A Django validator: refuse a base URL whose host (and port) is not listed."""
    message = refusal(url)
    if message is not None:
        raise ValidationError(message, code="host_not_allowed")
