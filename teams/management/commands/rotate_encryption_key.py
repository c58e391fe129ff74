from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from teams.audit import record
from teams.crypto import TokenDecryptionError, rotate
from teams.models import AuditAction, Outcome, Team


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored API token with the first key of FIELD_ENCRYPTION_KEY. "
        "Put the new key first, keep the old one after it, run this, then drop the old key."
    )

    def handle(self, *args, **options) -> None:
        unreadable: list[str] = []
        count = 0
        with transaction.atomic():
            for team in Team.objects.select_for_update().exclude(token_encrypted=""):
                try:
                    team.token_encrypted = rotate(team.token_encrypted)
                except TokenDecryptionError:
                    unreadable.append(team.slug)
                    continue
                team.save(update_fields=["token_encrypted", "updated_at"])
                count += 1
            if unreadable:
                # Roll back: a half-rotated set of tokens is worse than none.
                raise CommandError(
                    "No token was changed: these teams' tokens cannot be decrypted with any "
                    f"configured key: {', '.join(unreadable)}"
                )
        record(
            team=None,
            actor=None,
            action=AuditAction.KEY_ROTATE,
            target=f"{count} team tokens",
            outcome=Outcome.OK,
        )
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} team token(s)."))
