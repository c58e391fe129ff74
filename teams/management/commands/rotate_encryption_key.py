from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from teams.audit import record
from teams.crypto import EncryptedTextField, TokenDecryptionError, rotate
from teams.models import AuditAction, Outcome


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted field of every installed app (teams.crypto.EncryptedTextField), in
    the order of INSTALLED_APPS: this command names no app's model."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


def _owner(row: models.Model) -> str:
    """Whose secret a row holds, for the refusal: its team's slug where it has one."""
    team = row if hasattr(row, "slug") else getattr(row, "team", None)
    return getattr(team, "slug", None) or f"{row._meta.label} {row.pk}"


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (every encrypted field of every app: the teams' API "
        "tokens, the webhook signing secrets, ...) with the first key of "
        "FIELD_ENCRYPTION_KEY. Put the new key first, keep the old one after it, run this, "
        "then drop the old key."
    )

    def handle(self, *args, **options) -> None:
        unreadable: list[str] = []
        counts: dict[str, int] = {}
        with transaction.atomic():
            for model, field in encrypted_fields():
                counts.setdefault(field.label, 0)
                rows = model._default_manager.select_for_update().exclude(**{field.name: ""})
                if any(f.name == "team" and f.is_relation for f in model._meta.get_fields()):
                    rows = rows.select_related("team")
                # Rows whose model keeps a change time say when they were rotated too.
                stamped = ["updated_at"] if _has_auto_now(model, "updated_at") else []
                for row in rows:
                    try:
                        setattr(row, field.name, rotate(getattr(row, field.name)))
                    except TokenDecryptionError:
                        unreadable.append(f"{_owner(row)} ({field.label})")
                        continue
                    row.save(update_fields=[field.name, *stamped])
                    counts[field.label] += 1
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
            target=", ".join(f"{n} {secret}s" for secret, n in counts.items()),
            outcome=Outcome.OK,
        )
        said = [f"{n} {secret}(s)" for secret, n in counts.items()]
        listed = " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {listed or 'no secret'}."))


def _has_auto_now(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return bool(getattr(field, "auto_now", False))
