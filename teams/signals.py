"""Signals other apps listen to: teams knows nothing of them (imports go one way).

The one way an effect crosses from `teams` into an app above it (docs/architecture.md,
"Layers"): teams sends, the app connects its receiver in its `AppConfig.ready()`.
"""

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

# A team's API token was replaced, inside the transaction that saves it (a receiver's
# writes commit or roll back with it). Arguments: `team`.
credentials_changed = Signal()

# A team's settings or token changed (after the change committed). Arguments: `team`;
# `changed`: the labels of what changed, as the settings page lists them.
team_settings_changed = Signal()

# The team's settings page is being drawn. Arguments: `team`, `request`. A receiver may
# return HTML (a SafeString, rendered from its own template) that the page shows beside
# the form, such as the attendance app's webhook panel; None shows nothing.
team_settings_panels = Signal()


def send_team_connected(team: object, *, moved: bool = False) -> None:
    team_connected.send(sender=type(team), team=team, moved=moved)
