from __future__ import annotations

from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        # A wrong OIDC_* variable stops the process at start-up, naming the variable,
        # rather than at the first person's sign-in.
        from sso import conf

        conf.config()
