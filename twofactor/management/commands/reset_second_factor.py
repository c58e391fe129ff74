"""Remove an account's second factor (a lost phone and lost recovery codes), audited."""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twofactor import services


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and recovery codes of an account, so it logs in with "
        "its password alone and can set up a new second factor. Recorded in the audit log."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--operator",
            default="",
            help="Who does this, for the audit log (default: the system user running it).",
        )

    def handle(self, *args, username: str, operator: str, **options) -> None:
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        if not services.has_second_factor(user) and not services.recovery_codes_left(user):
            self.stdout.write(f"{username} has no second factor: nothing to reset.")
            return
        try:
            who = operator or getpass.getuser()
        except (KeyError, OSError):  # no passwd entry for the running uid
            who = "an operator"
        services.reset(user, operator=who)
        self.stdout.write(
            self.style.SUCCESS(
                f"The second factor of {username} is removed. They log in with their password "
                "and can set up a new one at /account/two-factor/."
            )
        )
