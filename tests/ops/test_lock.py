"""Reproducible installs: the locks pin every dependency of pyproject.toml within its range,
with hashes, and every install (make, CI, the image) goes through them."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.ops.support import REPO

LOCKS = {"runtime": REPO / "requirements.lock", "test": REPO / "requirements-test.lock"}


def _pins(path) -> dict[str, str]:
    """name -> version of every `name==version` line of a lock file."""
    pins = {}
    for line in path.read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if found:
            pins[canonicalize_name(found.group(1))] = found.group(2)
    return pins


def _wanted() -> dict[str, list[Requirement]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    return {
        "runtime": runtime,
        "test": runtime + [Requirement(r) for r in project["optional-dependencies"]["test"]],
    }


@pytest.mark.parametrize("which", sorted(LOCKS))
def test_the_lock_pins_every_dependency_of_pyproject_within_its_range(which):
    pins = _pins(LOCKS[which])
    for requirement in _wanted()[which]:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {LOCKS[which].name}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{LOCKS[which].name} pins {name}=={pins[name]}, outside {requirement}: run `make lock`"
        )


def test_every_pin_has_hashes_and_the_runtime_pins_are_the_same_in_both_locks():
    runtime, test = _pins(LOCKS["runtime"]), _pins(LOCKS["test"])
    assert {name: test.get(name) for name in runtime} == runtime
    for path in LOCKS.values():
        text = path.read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), f"{path.name} lacks hashes"


def test_make_installs_from_the_lock_and_ci_runs_make_test():
    commands = subprocess.run(
        ["make", "-n", "-B", "install"], cwd=REPO, capture_output=True, text=True, timeout=30
    ).stdout
    assert "--require-hashes -r requirements-test.lock" in commands
    assert "--no-deps -e ." in commands
    assert ".[test]" not in commands
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^\$\(STAMP\): .*\$\(LOCK\) \$\(TEST_LOCK\)", makefile, re.M)
    ci = (REPO / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == "make test"
