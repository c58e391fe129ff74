"""The one way from the apps to the Daily API: a client built from a Team."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from daily import AuthError, DailyClient, make_client
from teams import api_hosts
from teams.crypto import TokenDecryptionError
from teams.models import Team
from teams.pacing import pacer_for


@sensitive_variables("token")
def client_for(team: Team, *, background: bool = False) -> DailyClient:
    """A client for `team`, paced under Daily's rate limits with all of the team's work.

    `background`: the caller is the worker, which waits for its turn as long as it takes; a
    page view waits a few seconds at most, then gets `RateLimited` (shown with a retry).
    A base URL outside the allowed API hosts raises `HostNotAllowed` before anything is
    sent, and every connection is checked again after DNS resolution (daily/hosts.py).
    """
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
        pacer=pacer_for(team.dialect, team.base_url, team.name, background=background),
        host_policy=api_hosts.policy(),
    )
