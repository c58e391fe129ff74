"""Typed readers for settings that come from the environment.

Every reader fails loudly, naming the variable, so a typo in a deployment is a
clear start-up error rather than a silently ignored setting.

Every reader also takes the value from a file: with ``NAME`` unset, ``NAME_FILE``
names a file holding it (the Docker-secrets convention: ``SECRET_KEY_FILE=/run/secrets/
secret_key``), so a secret need not sit in the process environment. A trailing newline
in the file is ignored; setting both ``NAME`` and ``NAME_FILE`` is an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
FILE_SUFFIX = "_FILE"


def env_value(name: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The raw value of `name`, from the variable or from the file `NAME_FILE` names;
    None when neither is set."""
    file_name = name + FILE_SUFFIX
    path = environ.get(file_name)
    if path is None:
        return environ.get(name)
    if name in environ:
        raise ImproperlyConfigured(f"set {name} or {file_name}, not both")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        # The path is not secret; the file's content never appears in a message.
        raise ImproperlyConfigured(
            f"{file_name} names a file that cannot be read ({path!r}: {type(exc).__name__})"
        ) from None
    return text.rstrip("\r\n")


def env_str(name: str, default: str = "", environ: Mapping[str, str] = os.environ) -> str:
    value = env_value(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = env_value(name, environ)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] = os.environ,
) -> int:
    raw = env_value(name, environ)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {value}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = env_value(name, environ)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(
    name: str,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] = os.environ,
) -> str | None:
    """Return the URL in `name`, or None when unset; refuse an unknown scheme."""
    raw = (env_value(name, environ) or "").strip()
    if not raw:
        return None
    scheme, sep, rest = raw.partition("://")
    if not sep or not rest or scheme.lower() not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        # Never echo the value: a database URL carries a password.
        raise ImproperlyConfigured(
            f"{name} is not a valid URL; it must start with one of {allowed}"
        )
    return raw
