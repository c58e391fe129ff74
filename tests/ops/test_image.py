"""The Dockerfile, read as text (no container engine here): Python 3.12, the locked
dependencies with their hashes, a non-root user, DEBUG=0 and a health check on /readyz."""

from __future__ import annotations

import re

from tests.ops import compose
from tests.ops.support import REPO


def test_the_dockerfile_builds_a_locked_non_root_python_312_image_checking_readiness():
    text = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.12(-slim)?\b", text, re.M)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*/readyz", text, re.M)
    assert compose.image_env()["DEBUG"] == "0"
    assert (REPO / "requirements.lock").exists()
    ignored = (REPO / ".dockerignore").read_text().split()
    assert "requirements.lock" not in ignored and "tests" in ignored and ".venv" in ignored
