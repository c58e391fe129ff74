"""The rules of docs/architecture.md that a machine can check."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("dailyadmin", "teams", "rooms", "attendance", "recordings")


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


# The simulator's layers, lowest first (simulator/__init__.py): a module imports only
# from its own layer or the ones below, TYPE_CHECKING imports included.
SIMULATOR_LAYERS = (
    {"clock", "config", "state", "faults", "web", "outbound"},
    {"seed", "history", "observe", "formats", "room_props"},
    {"app"},
    {
        "domains_api",
        "rest_rooms",
        "rest_domain",
        "rest_logs",
        "rest_meetings",
        "rest_recordings",
        "tokens",
        "webhooks",
        "control",
        "delivery",
        "avatars",
    },
    {"server"},
    {"__main__"},
)


def _simulator_imports() -> dict[str, set[str]]:
    """Each simulator module and the simulator modules it imports."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "simulator").glob("*.py"):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "simulator":
                names = [f"simulator.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                names = [f"simulator.{node.module or ''}"]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            imported |= {n.split(".")[1] for n in names if n.startswith("simulator.")}
        found[path.stem] = imported
    return found


def _simulator_layer(module: str) -> int:
    return next(i for i, layer in enumerate(SIMULATOR_LAYERS) if module in layer)


def test_every_simulator_module_has_a_layer():
    placed = set().union(*SIMULATOR_LAYERS)
    assert set(_simulator_imports()) - {"__init__"} == placed


def test_the_simulator_modules_import_only_downwards():
    upward = [
        (module, target)
        for module, targets in _simulator_imports().items()
        if module != "__init__"
        for target in sorted(targets)
        if _simulator_layer(target) > _simulator_layer(module)
    ]
    assert upward == []


def test_the_simulator_router_knows_no_simulator_type():
    source = (ROOT / "simulator" / "web.py").read_text()
    assert "Simulator" not in source
