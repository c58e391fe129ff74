from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from attendance.models import WebhookEndpoint
from teams.audit import record
from teams.crypto import TokenDecryptionError, rotate
from teams.models import AuditAction, Outcome, Team


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (the teams' API tokens and the webhook signing "
        "secrets) with the first key of FIELD_ENCRYPTION_KEY. Put the new key first, keep "
        "the old one after it, run this, then drop the old key."
    )

    def handle(self, *args, **options) -> None:
        unreadable: list[str] = []
        tokens = secrets = 0
        with transaction.atomic():
            for team in Team.objects.select_for_update().exclude(token_encrypted=""):
                try:
                    team.token_encrypted = rotate(team.token_encrypted)
                except TokenDecryptionError:
                    unreadable.append(f"{team.slug} (API token)")
                    continue
                team.save(update_fields=["token_encrypted", "updated_at"])
                tokens += 1
            # Webhook signing secrets are encrypted with the same keys: dropping the old key
            # without re-encrypting them would make every delivery fail verification.
            endpoints = (
                WebhookEndpoint.objects.select_for_update()
                .exclude(secret_encrypted="")
                .select_related("team")
            )
            for endpoint in endpoints:
                try:
                    endpoint.secret_encrypted = rotate(endpoint.secret_encrypted)
                except TokenDecryptionError:
                    unreadable.append(f"{endpoint.team.slug} (webhook secret)")
                    continue
                endpoint.save(update_fields=["secret_encrypted"])
                secrets += 1
            if unreadable:
                # Roll back: a half-rotated set of secrets is worse than none.
                raise CommandError(
                    "Nothing was changed: these secrets cannot be decrypted with any "
                    f"configured key: {', '.join(unreadable)}"
                )
        record(
            team=None,
            actor=None,
            action=AuditAction.KEY_ROTATE,
            target=f"{tokens} team tokens, {secrets} webhook secrets",
            outcome=Outcome.OK,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {tokens} team token(s) and {secrets} webhook secret(s)."
            )
        )
