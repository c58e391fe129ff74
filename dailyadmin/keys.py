"""The two secrets a deployment must bring, checked when the settings are read.

Outside DEBUG the process refuses to start (ImproperlyConfigured, naming the variable, never
its value) with no `SECRET_KEY`, with the public development key, with no
`FIELD_ENCRYPTION_KEY`, with an encryption key derived from a secret key (the development
default: anyone holding the development key, or a leaked `SECRET_KEY`, could then decrypt
every stored API token from a database dump), or with a value that is not a Fernet key.
Every process reads the settings first (manage.py, runserver, gunicorn, Celery), so every
one of them refuses.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from dailyadmin.env import env_list, env_str

# Public (it is in this repository): for development only, refused outside DEBUG.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"  # noqa: S105
GENERATE_FERNET = "python manage.py generate_encryption_key"


def derived_key(secret: str) -> str:
    """The Fernet key that development derives from a secret key."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()


def secret_key(debug: bool, environ: Mapping[str, str] = os.environ) -> str:
    value = env_str("SECRET_KEY", "", environ=environ)
    if debug:
        return value or DEV_SECRET_KEY
    if not value:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set when DEBUG is off (generate one with: {GENERATE_SECRET})"
        )
    if value == DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the public development key, which is refused when DEBUG is off "
            f"(generate a secret one with: {GENERATE_SECRET})"
        )
    return value


def field_encryption_keys(
    debug: bool, secret: str, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """FIELD_ENCRYPTION_KEY: comma-separated Fernet keys; the first encrypts, all decrypt."""
    keys = env_list("FIELD_ENCRYPTION_KEY", [], environ=environ)
    if not keys:
        if not debug:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY must be set when DEBUG is off (generate one with: "
                f"{GENERATE_FERNET})"
            )
        # Development only: a stable key derived from the (development) secret key.
        return [derived_key(secret)]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            which = f"key {number} of {len(keys)}" if len(keys) > 1 else "the key"
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY: {which} is not a Fernet key (32 url-safe base64-encoded "
                f"bytes; generate one with: {GENERATE_FERNET})"
            ) from None
    if not debug and {derived_key(DEV_SECRET_KEY), derived_key(secret)} & set(keys):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must not be derived from SECRET_KEY or from the development "
            f"key; generate an independent one with: {GENERATE_FERNET}"
        )
    return keys
