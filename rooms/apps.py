from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from teams.models import Team


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = "Rooms"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from rooms.mirror import on_team_connected
        from rooms.search_index import on_post_migrate
        from teams.signals import team_connected, team_settings_changed

        # SQLite: the trigram index of room names and its triggers, after every migrate.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="rooms-search-index")

        # A team added or pointed elsewhere starts (again) its rooms mirror's first fill.
        team_connected.connect(on_team_connected, dispatch_uid="rooms-mirror-team-connected")

        # A team's settings or token changed: its cached Daily answers are forgotten.
        team_settings_changed.connect(_forget_cached_reads, dispatch_uid="rooms-invalidate")


def _forget_cached_reads(sender: object, team: Team, **kwargs: Any) -> None:
    from rooms.services import invalidate

    invalidate(team)
