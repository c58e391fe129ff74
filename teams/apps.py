from __future__ import annotations

from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams"

    def ready(self) -> None:
        # Every process that calls Daily (web, worker) counts its calls for /metrics.
        from teams import metrics

        metrics.install()
        # Registers the deployment check that mail is really sent, and the receiver that
        # remembers on login the language of a person who never chose one.
        from teams import language, mail  # noqa: F401
