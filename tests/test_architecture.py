"""The rules of docs/architecture.md that a machine can check."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("dailyadmin", "teams", "rooms", "attendance")


def _imports(package: str) -> list[tuple[str, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module))
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("package", APPS)
def test_the_apps_reach_http_only_through_daily(package):
    offenders = [(f, m) for f, m in _imports(package) if _top(m) in ("requests", "urllib3")]
    assert offenders == []


def test_the_simulator_imports_nothing_from_the_apps_or_the_service_layer():
    offenders = [(f, m) for f, m in _imports("simulator") if _top(m) in ("daily", "django", *APPS)]
    assert offenders == []


def test_the_service_layer_imports_neither_django_nor_the_apps():
    offenders = [(f, m) for f, m in _imports("daily") if _top(m) in ("django", "simulator", *APPS)]
    assert offenders == []


@pytest.mark.parametrize("package", APPS)
def test_the_app_never_imports_the_simulator(package):
    assert [(f, m) for f, m in _imports(package) if _top(m) == "simulator"] == []


def test_only_the_client_factory_builds_a_daily_client():
    builders = [
        f
        for f, m in _imports("teams") + _imports("rooms") + _imports("attendance")
        if m == "daily.factory"
    ]
    uses = [
        str(p.relative_to(ROOT))
        for package in APPS
        for p in (ROOT / package).rglob("*.py")
        if "make_client(" in p.read_text()
    ]
    assert builders == [] and uses == ["teams/daily_client.py"]
