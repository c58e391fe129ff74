"""Read docker-compose.yml and the Dockerfile as docker would, enough to run their processes
on this machine without a container engine: variables interpolated (`${X}`, `${X:-d}`,
`${X-d}`, `${X:?err}`, `$$`), `<<` merges (YAML), the image's ENV under each service's
environment, and container paths and addresses mapped to local ones."""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.ops.support import REPO

_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


class MissingVariable(ValueError):
    pass


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        value = variables.get(name)
        unset = not value if op in (":-", ":?") else value is None
        if op in (":-", "-"):
            return arg if unset else str(value)
        if op in (":?", "?"):
            if unset:
                raise MissingVariable(f"{name}: {arg}")
            return str(value)
        return "" if value is None else str(value)

    return _VAR.sub(one, text)


def image_env(dockerfile: Path = REPO / "Dockerfile") -> dict[str, str]:
    """The ENV lines of the Dockerfile (KEY=VALUE pairs, continued lines joined)."""
    text = dockerfile.read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip().upper().startswith("ENV "):
            for pair in shlex.split(line.strip()[4:]):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


@dataclass
class Service:
    name: str
    argv: list[str]
    env: dict[str, str]
    volumes: list[str]
    networks: list[str]
    raw: dict[str, Any]


def load(path: Path = REPO / "docker-compose.yml") -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def service(
    compose: dict[str, Any],
    name: str,
    variables: Mapping[str, str],
    *,
    paths: Mapping[str, str],
    addresses: Mapping[str, str],
) -> Service:
    """The service's command and environment, interpolated, run locally: `paths` maps
    container paths to local ones (longest first), `addresses` maps command arguments
    (a bind address, a host, a port) to local ones."""
    raw = compose["services"][name]
    environment = {**image_env()}
    for key, value in (raw.get("environment") or {}).items():
        environment[key] = interpolate("" if value is None else str(value), variables)
    command = raw["command"]
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    argv = [interpolate(a, variables) for a in argv]

    def local(value: str) -> str:
        for container, here in sorted(paths.items(), key=lambda kv: -len(kv[0])):
            if value == container or value.startswith(container + "/"):
                return here + value[len(container) :]
        return value

    argv = [addresses.get(a, local(a)) for a in argv]
    if argv[0] == "python":
        argv[0] = sys.executable
    elif argv[0] in ("gunicorn", "celery"):
        argv[:1] = [sys.executable, "-m", argv[0]]
    environment = {k: local(v) for k, v in environment.items()}
    volumes = [v if isinstance(v, str) else v["source"] for v in raw.get("volumes") or []]
    return Service(name, argv, environment, volumes, list(raw.get("networks") or []), raw)
