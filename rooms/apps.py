from __future__ import annotations

from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = "Rooms"

    def ready(self) -> None:
        from rooms.mirror import on_team_connected
        from teams.signals import team_connected

        # A team added or pointed elsewhere starts (again) its rooms mirror's first fill.
        team_connected.connect(on_team_connected, dispatch_uid="rooms-mirror-team-connected")
