"""Django's mail backends by name, and where mail goes in words.

Plain values, no Django import: the settings read them while they are being built
(dailyadmin/email_settings.py parses the environment), and `make run` says where its
processes send mail (dashboard's `demo` command) from the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"


def describe(config: Mapping[str, Any]) -> str:
    """Where mail goes, in words, without the password (for `make run` and the logs)."""
    backend = config.get("EMAIL_BACKEND")
    if backend == FILE:
        return f"written to {config['EMAIL_FILE_PATH']}, one file per message"
    if backend == CONSOLE:
        return "printed on the web server's output"
    if backend in (LOCMEM, DUMMY):
        return "kept in memory, not sent"
    security = (
        "TLS"
        if config.get("EMAIL_USE_SSL")
        else "STARTTLS"
        if config.get("EMAIL_USE_TLS")
        else "plain"
    )
    return f"sent by SMTP to {config.get('EMAIL_HOST')}:{config.get('EMAIL_PORT')} ({security})"
