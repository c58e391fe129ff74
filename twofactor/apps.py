from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TwoFactorConfig(AppConfig):
    default = True
    name = "twofactor"
    verbose_name = "Second factor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from twofactor import policy

        policy.connect_signals()


class SecondFactorAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks for the second factor (twofactor.admin_site).
    Named in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False

    default_site = "twofactor.admin_site.SecondFactorAdminSite"
