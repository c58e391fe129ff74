"""Email settings from the environment: `EMAIL_URL`, or the usual SMTP variables.

`EMAIL_URL` names the whole connection in one value:

    smtp://user:password@mail.example.com:587/?tls=1   SMTP with STARTTLS (port 25 by default)
    smtp+tls://user:password@mail.example.com           the same, port 587 by default
    smtps://user:password@mail.example.com              SMTP over TLS (port 465 by default)
    console://                                          printed on the web server's output
    file:///var/lib/dailyadmin/mail                     one file per message in that folder
    locmem://   dummy://                                kept in memory / dropped (tests)

User name and password are percent-encoded in the URL (`@` is `%40`). Query options:
`tls`, `ssl` (1/0), `timeout` (seconds). Without `EMAIL_URL`, `EMAIL_HOST` selects SMTP with
`EMAIL_PORT`, `EMAIL_HOST_USER`, `EMAIL_HOST_PASSWORD`, `EMAIL_USE_TLS`, `EMAIL_USE_SSL`;
with neither, mail is printed on the console (development).

The URL is never kept as a setting, and nothing here repeats it in a message: it holds the
SMTP password. Django's error reports hide `EMAIL_HOST_PASSWORD` by its name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from dailyadmin.env import env_bool, env_int, env_str

# The backends' names and `describe` sit below the apps, which say where mail goes too.
from teams.mail_backends import CONSOLE, DUMMY, FILE, LOCMEM, SMTP, describe

__all__ = ["CONSOLE", "DUMMY", "FILE", "LOCMEM", "SMTP", "describe", "email_settings"]

# scheme: (backend, default port, implicit TLS, STARTTLS)
_SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, False, True),
    "submission": (587, False, True),
    "smtps": (465, True, False),
    "smtp+ssl": (465, True, False),
}
_OTHER_SCHEMES = {"console": CONSOLE, "locmem": LOCMEM, "dummy": DUMMY, "file": FILE}
DEFAULT_TIMEOUT = 10

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"EMAIL_URL option {name} must be 1/0, true/false, yes/no or on/off")


def _from_url(raw: str, base_dir: Path) -> dict[str, Any]:
    scheme, sep, _rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in {*_SMTP_SCHEMES, *_OTHER_SCHEMES}:
        allowed = ", ".join(f"{s}://" for s in (*_SMTP_SCHEMES, *_OTHER_SCHEMES))
        # Never echo the value: it carries the SMTP password.
        raise ImproperlyConfigured(f"EMAIL_URL is not valid; it must start with one of {allowed}")
    if scheme in _OTHER_SCHEMES:
        config: dict[str, Any] = {"EMAIL_BACKEND": _OTHER_SCHEMES[scheme]}
        if scheme == "file":
            folder = unquote(raw.split("://", 1)[1].split("?", 1)[0])
            if not folder:
                raise ImproperlyConfigured(
                    "EMAIL_URL file:// needs a folder, e.g. file:///var/lib/dailyadmin/mail"
                )
            path = Path(folder)
            config["EMAIL_FILE_PATH"] = str(path if path.is_absolute() else base_dir / path)
        return config
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL is not valid: its port must be a number") from None
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server (smtp://user:pass@host:port)")
    default_port, use_ssl, use_tls = _SMTP_SCHEMES[scheme]
    timeout = DEFAULT_TIMEOUT
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        key = key.lower()
        if key in ("tls", "starttls"):
            use_tls = _flag(key, value)
        elif key == "ssl":
            use_ssl = _flag(key, value)
        elif key == "timeout":
            try:
                timeout = int(value)
            except ValueError:
                raise ImproperlyConfigured("EMAIL_URL option timeout must be seconds") from None
        else:
            raise ImproperlyConfigured(
                f"EMAIL_URL has an unknown option {key!r}: use tls, ssl or timeout"
            )
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }


def _from_variables(environ: Mapping[str, str]) -> dict[str, Any]:
    use_ssl = env_bool("EMAIL_USE_SSL", False, environ)
    use_tls = env_bool("EMAIL_USE_TLS", not use_ssl, environ)
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": env_str("EMAIL_HOST", "", environ).strip(),
        "EMAIL_PORT": env_int(
            "EMAIL_PORT", 465 if use_ssl else 587, minimum=1, maximum=65535, environ=environ
        ),
        "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER", "", environ),
        "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD", "", environ),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", DEFAULT_TIMEOUT, minimum=1, environ=environ),
    }


def email_settings(environ: Mapping[str, str] = os.environ, base_dir: Path = Path()) -> dict:
    """The EMAIL_* settings (and DEFAULT_FROM_EMAIL, SERVER_EMAIL) the environment asks for."""
    # env_str: EMAIL_URL_FILE too (the URL holds the SMTP password; docs/operations.md).
    url = env_str("EMAIL_URL", "", environ).strip()
    host = env_str("EMAIL_HOST", "", environ).strip()
    if url and host:
        raise ImproperlyConfigured("Set EMAIL_URL or EMAIL_HOST, not both")
    if url:
        config = _from_url(url, base_dir)
    elif host:
        config = _from_variables(environ)
    else:
        config = {"EMAIL_BACKEND": CONSOLE}
    if config.get("EMAIL_USE_TLS") and config.get("EMAIL_USE_SSL"):
        raise ImproperlyConfigured(
            "Email: choose STARTTLS (EMAIL_USE_TLS, tls=1) or TLS from the start "
            "(EMAIL_USE_SSL, ssl=1, smtps://), not both"
        )
    sender = env_str("DEFAULT_FROM_EMAIL", "", environ).strip() or "dailyadmin@localhost"
    config["DEFAULT_FROM_EMAIL"] = sender
    config["SERVER_EMAIL"] = env_str("SERVER_EMAIL", "", environ).strip() or sender
    return config
