"""Encryption of API tokens at rest.

Tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256). The keys come
from ``settings.FIELD_ENCRYPTION_KEYS``: the first one encrypts, every one
decrypts, so an operator can add a new key in front, re-encrypt with
``manage.py rotate_encryption_key`` and then drop the old key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.views.decorators.debug import sensitive_variables


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext made with these keys (empty: no secret).

    A marker: `manage.py rotate_encryption_key` re-encrypts every field of this class in
    every installed app, so an app with a secret needs nothing more than to declare it so.
    `label` names one value in the command's words ("team token", "webhook secret"). The
    column is an ordinary text column: migrations see a TextField (`deconstruct`).
    """

    def __init__(self, *args, label: str = "secret", **kwargs):
        self.label = label
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class TokenDecryptionError(Exception):
    """The stored token cannot be read with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)"
        ) from None


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


@sensitive_variables("plaintext")
def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise TokenDecryptionError(
            "The stored API token cannot be decrypted with the configured "
            "FIELD_ENCRYPTION_KEY; an owner must enter the token again."
        ) from None


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the first (newest) key."""
    try:
        return _current().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise TokenDecryptionError("The stored API token cannot be decrypted.") from None


def generate_key() -> str:
    return Fernet.generate_key().decode()
