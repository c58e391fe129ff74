from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from teams import crypto
from teams.models import AuditEvent, Team
from tests.factories import make_team

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_encrypted_and_read_back():
    team = make_team(token="sk-live-abcdefghijklmnop")
    stored = Team.objects.values_list("token_encrypted", flat=True).get(pk=team.pk)
    assert "abcdefghijklmnop" not in stored
    assert Team.objects.get(pk=team.pk).get_token() == "sk-live-abcdefghijklmnop"


def test_the_masked_token_shows_at_most_four_characters():
    team = make_team(token="sk-live-abcdefghijklmnop")
    assert team.token_masked.endswith("mnop")
    assert "ijkl" not in team.token_masked
    short = make_team(token="short")
    assert "short" not in short.token_masked and "hort" not in short.token_masked


def test_rotation_re_encrypts_every_token_with_the_new_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    team = make_team(token="sk-rotate-me-please")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is dropped
    assert Team.objects.get(pk=team.pk).get_token() == "sk-rotate-me-please"
    assert AuditEvent.objects.filter(action="key.rotate", outcome="ok").exists()


def test_rotation_changes_nothing_when_a_token_cannot_be_read(settings):
    team = make_team(token="sk-unreadable-token")
    before = Team.objects.get(pk=team.pk).token_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match=team.slug):
        call_command("rotate_encryption_key")
    assert Team.objects.get(pk=team.pk).token_encrypted == before


def test_a_token_encrypted_with_an_unknown_key_gives_a_clear_error(settings):
    team = make_team(token="sk-some-token-value")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.TokenDecryptionError, match="enter the token again"):
        Team.objects.get(pk=team.pk).get_token()
