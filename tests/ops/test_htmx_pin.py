"""htmx is pinned: one vendored file whose name carries its version, and the pages load it
(not django-htmx's bundled copy, which would change with a django-htmx upgrade)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_member, make_team
from tests.ops.support import REPO

VENDOR = REPO / "static" / "js" / "vendor"


def _pinned() -> tuple[str, str]:
    files = sorted(VENDOR.glob("htmx-*.min.js"))
    assert len(files) == 1, f"exactly one vendored htmx, found {[f.name for f in files]}"
    version = re.fullmatch(r"htmx-(\d+\.\d+\.\d+)\.min\.js", files[0].name)
    assert version, files[0].name
    return files[0].name, version.group(1)


def test_the_vendored_file_is_the_version_its_name_says():
    name, version = _pinned()
    text = (VENDOR / name).read_text(encoding="utf-8")
    assert f'version:"{version}"' in text


@pytest.mark.django_db
def test_every_page_loads_the_pinned_htmx_and_not_django_htmxs_copy():
    name, _ = _pinned()
    for path in (reverse("login"),):
        body = Client().get(path).content.decode()
        assert f"/static/js/vendor/{name}" in body
        assert "django_htmx/htmx" not in body
    from teams.models import Role

    client = Client()
    client.force_login(make_member(make_team(), Role.OWNER))
    body = client.get(reverse("home"), follow=True).content.decode()
    assert f"/static/js/vendor/{name}" in body
    assert len(re.findall(r"htmx[-.\w]*\.min\.js", body)) == 1
