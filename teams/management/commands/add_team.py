"""Add or update a team from the command line, e.g. to point at the real Daily API.

    python manage.py add_team acme --dialect rest --base-url https://api.daily.co/v1 \
        --token-env DAILY_API_KEY --owner alice

The token is read from an environment variable or standard input, never from
the command line, where it would end up in shell history and process lists.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify
from django.views.decorators.debug import sensitive_variables

from teams.audit import record
from teams.models import AuditAction, Dialect, Membership, Outcome, Role, Team
from teams.signals import send_team_connected

DEFAULT_BASE_URLS = {
    Dialect.DOMAINS: "https://prod-ks.pluot.blue/",
    Dialect.REST: "https://api.daily.co/v1",
}


def _moved(before: tuple[str, str, str], team: Team) -> bool:
    """The token would travel to another scheme, host or port, or to another API."""
    _name, old_dialect, old_url = before
    try:
        old, new = urlsplit(old_url), urlsplit(team.base_url)
        where = (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port)
    except ValueError:  # a malformed port: full_clean() says what is wrong
        where = True
    return where or old_dialect != team.dialect


class Command(BaseCommand):
    help = "Add a Daily team (or update one with the same slug)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The Daily team or domain name.")
        parser.add_argument("--dialect", choices=[d.value for d in Dialect], required=True)
        parser.add_argument("--base-url", help="Defaults to the real Daily API of the dialect.")
        parser.add_argument("--slug", help="The team's address in the dashboard (default: name).")
        parser.add_argument("--token-env", help="Read the API token from this variable.")
        parser.add_argument(
            "--token-stdin", action="store_true", help="Read the API token from standard input."
        )
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--owner", action="append", default=[], help="Username to make owner.")

    @sensitive_variables("token")
    def handle(self, *args, **options) -> None:
        dialect = Dialect(options["dialect"])
        token = self._read_token(options)
        slug = options["slug"] or slugify(options["name"])
        team = Team.objects.filter(slug=slug).first() or Team(slug=slug)
        created = team.pk is None
        before = (team.name, team.dialect, team.base_url)
        team.name = options["name"]
        team.dialect = dialect
        team.base_url = options["base_url"] or DEFAULT_BASE_URLS[dialect]
        team.time_zone = options["time_zone"]
        if not created and not token and _moved(before, team):
            # As in the settings form: the stored token goes only where it was given for.
            raise CommandError(
                "The API host or API changes: give the token again (--token-env or --token-stdin)."
            )
        if token:
            team.set_token(token)
        try:
            team.full_clean()
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(messages) from None
        owners = []
        for username in options["owner"]:
            try:
                owners.append(get_user_model().objects.get(username=username))
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {username!r}") from None
        with transaction.atomic():
            team.save()
            for owner in owners:
                Membership.objects.update_or_create(
                    user=owner, team=team, defaults={"role": Role.OWNER}
                )
            record(
                team=team,
                actor=None,
                action=AuditAction.TEAM_CREATE if created else AuditAction.TEAM_UPDATE,
                target=team.slug,
                outcome=Outcome.OK,
                message="from the command line",
            )
            moved = not created and before != (team.name, team.dialect, team.base_url)
            if created or moved or token:
                # Its rooms mirror starts filling (rooms/apps.py listens).
                transaction.on_commit(lambda: send_team_connected(team, moved=moved))
        verb = "Added" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} team {team.name} ({dialect.label})."))

    @sensitive_variables("value")
    def _read_token(self, options: dict) -> str:
        if options["token_env"]:
            value = os.environ.get(options["token_env"], "")
            if not value:
                raise CommandError(f"The variable {options['token_env']} is empty or not set.")
            return value.strip()
        if options["token_stdin"]:
            return sys.stdin.readline().strip()
        return ""
