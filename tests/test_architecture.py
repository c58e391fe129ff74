"""The rules of docs/architecture.md that a machine can check."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
APPS = ("dailyadmin", "teams", "rooms", "attendance", "recordings", "dashboard")


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


# The project's layers, lowest first (docs/architecture.md, "Layers"): a module of one
# imports only its own app and the layers below, never an app of its own layer nor one
# above; effects that must go up are teams' signals (teams/signals.py). Every module of
# every app counts: management commands, templatetags, migrations, and imports inside
# functions or under TYPE_CHECKING. `dailyadmin` (settings, URLs, middleware) is the
# project on top: it may import any app, and the apps reach it only through settings.
APP_LAYERS = (
    {"daily"},
    {"teams"},
    {"rooms", "attendance", "recordings", "twofactor", "sso"},
    # Usage prices the sessions and recordings the two apps below it keep.
    {"usage"},
    # The pages that compose the apps: the overview, the users page, the nav, `make run`.
    {"dashboard"},
    {"dailyadmin"},
)
_IMPORTERS = {"import_module", "import_string", "__import__"}


def _app_layer(app: str) -> int | None:
    return next((i for i, layer in enumerate(APP_LAYERS) if app in layer), None)


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in a module: statements anywhere in it, and
    importlib.import_module / import_string / __import__ of a literal name."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in _IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.append((node.lineno, first.value))
    return sorted(found)


def _layer_offences(app: str, path: str, source: str) -> list[str]:
    """Each import of `source` (a module of `app`) that reaches an app of its own layer or
    of one above, as "path:line imports module (target: where it is; app is layer n)"."""
    mine = _app_layer(app)
    assert mine is not None, f"{app} has no layer in APP_LAYERS"
    offences = []
    for line, module in _imported_modules(ast.parse(source, filename=path)):
        target = _top(module)
        theirs = _app_layer(target)
        if theirs is None or target == app or theirs < mine:
            continue
        where = "the same layer" if theirs == mine else f"layer {theirs}, above"
        offences.append(
            f"{path}:{line} imports {module} ({target}: {where}; {app} is layer {mine})"
        )
    return offences


def _app_modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def test_every_app_has_a_layer():
    installed = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (ROOT / name.split(".")[0]).is_dir()
    }
    placed = set().union(*APP_LAYERS)
    assert installed - placed == set()
    assert all((ROOT / app / "__init__.py").is_file() for app in placed)


@pytest.mark.parametrize("app", sorted(set().union(*APP_LAYERS)))
def test_the_app_imports_only_the_layers_below(app):
    modules = _app_modules(app)
    # Not vacuous: the app's modules were found and read, and their imports seen.
    assert len(modules) >= 5, f"only {len(modules)} modules found under {app}/"
    offences: list[str] = []
    imports = 0
    for path in modules:
        source = path.read_text()
        imports += len(_imported_modules(ast.parse(source)))
        offences += _layer_offences(app, str(path.relative_to(ROOT)), source)
    assert imports >= len(modules), f"too few imports found under {app}/"
    assert offences == [], "imports against the layers:\n" + "\n".join(offences)


def test_the_layer_check_sees_imports_anywhere_in_a_module():
    """The check itself: an import upward or sideways is reported wherever it sits."""
    source = """
from typing import TYPE_CHECKING
import importlib
from teams.models import Team
if TYPE_CHECKING:
    from attendance.models import Meeting
def f():
    from dashboard.services import overview
    importlib.import_module("rooms.mirror")
class C:
    def g(self):
        import usage.figures
"""
    offences = _layer_offences("recordings", "recordings/example.py", source)
    assert offences == [
        "recordings/example.py:6 imports attendance.models "
        "(attendance: the same layer; recordings is layer 2)",
        "recordings/example.py:8 imports dashboard.services "
        "(dashboard: layer 4, above; recordings is layer 2)",
        "recordings/example.py:9 imports rooms.mirror "
        "(rooms: the same layer; recordings is layer 2)",
        "recordings/example.py:12 imports usage.figures "
        "(usage: layer 3, above; recordings is layer 2)",
    ]
    # Downwards is allowed: the page app may import every app below it.
    assert _layer_offences("dashboard", "dashboard/example.py", source) == []


def test_the_module_map_of_daily_names_every_module_it_has():
    """docs/architecture.md's table of daily/'s modules stays the list of its files."""
    doc = (ROOT / "docs" / "architecture.md").read_text()
    rows = [line for line in doc.splitlines() if line.startswith("  | `")]
    named = {name for row in rows for name in re.findall(r"`([a-z_]+\.py)`", row)}
    files = {path.name for path in (ROOT / "daily").glob("*.py")}
    assert len(files) >= 10
    assert named == files, f"not in the map: {files - named}; not in daily/: {named - files}"
