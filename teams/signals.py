"""Signals other apps listen to: teams knows nothing of them (imports go one way)."""

from __future__ import annotations

from django.dispatch import Signal

# A team was added, or its connection to Daily changed (after the change committed).
# Arguments: `team`; `moved`: True when it now points at another Daily team or domain
# (dialect, address or name changed), False when only its token changed or it is new.
team_connected = Signal()

# A team page is about to run its view (teams.permissions.team_view), after the login, team
# and role checks. Arguments: `request`, `team`, `role`. A receiver may return an
# HttpResponse to answer instead of the view (a page the person must pass first, such as
# the second factor a team requires); the first response returned wins.
team_page_opening = Signal()


def send_team_connected(team: object, *, moved: bool = False) -> None:
    team_connected.send(sender=type(team), team=team, moved=moved)
