"""One naming convention for URL names and for partial templates, kept by a test.

- URL names are snake_case, as Django's own (password_change_done, set_language).
- A partial (a template that is included, never rendered as a page) is named _name.html:
  beside the pages of its app (rooms/_subnav.html) or, when several apps share it, in
  templates/partials/. The form renderer's templates (templates/forms/) and Django's widget
  templates (django/forms/...) are another kind and keep Django's names.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(settings.BASE_DIR)
INCLUDE = re.compile(r"""\{%\s*include\s+["']([^"']+)["']""")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _names(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            yield from _names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace, p.name


def _project_templates():
    for path in ROOT.rglob("*.html"):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in ("node_modules", "htmlcov"):
            continue
        if "templates" in parts:
            yield path


def test_every_url_name_is_snake_case():
    names = list(_names(get_resolver().url_patterns))
    assert len(names) > 50
    bad = [f"{ns}:{name}" if ns else name for ns, name in names if not SNAKE.match(name)]
    assert not bad, f"URL names are snake_case: {bad}"
    namespaces = {ns for ns, _ in names if ns}
    assert all(SNAKE.match(ns) for ns in namespaces), namespaces


def test_every_included_template_is_a_partial_named_with_an_underscore():
    included = {}
    for path in _project_templates():
        for name in INCLUDE.findall(path.read_text(encoding="utf-8")):
            included.setdefault(name, path.relative_to(ROOT))
    assert "partials/_pagination.html" in included
    bad = {
        name: str(where)
        for name, where in included.items()
        if not name.rsplit("/", 1)[-1].startswith("_")
        and not name.startswith(("forms/", "django/"))
    }
    assert not bad, f"name these partials _name.html: {bad}"


def test_the_shared_partials_are_named_with_an_underscore():
    shared = sorted(p.name for p in (ROOT / "templates" / "partials").glob("*.html"))
    assert "_pagination.html" in shared
    assert all(name.startswith("_") for name in shared), shared
