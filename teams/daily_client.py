"""The one way from the apps to the Daily API: a client built from a Team."""

from __future__ import annotations

from django.conf import settings

from daily import AuthError, DailyClient, make_client
from teams.crypto import TokenDecryptionError
from teams.models import Team


def client_for(team: Team) -> DailyClient:
    try:
        token = team.get_token()
    except TokenDecryptionError as exc:
        # To the pages this is an authentication problem with a clear remedy.
        raise AuthError(str(exc)) from None
    return make_client(
        team.dialect,
        team.base_url,
        token,
        team=team.name,
        timeout=settings.DAILY_HTTP_TIMEOUT,
    )
