from __future__ import annotations

from django.core.management.base import BaseCommand

from teams.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new key for FIELD_ENCRYPTION_KEY."

    def handle(self, *args, **options) -> None:
        self.stdout.write(generate_key())
