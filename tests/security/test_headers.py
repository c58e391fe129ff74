"""Headers every answer carries, a CSP that htmx works under (no inline script, style or
handler on any page), and the server-side expiry of a login."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.security.conftest import MANAGER, OWNER, World

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def test_every_answer_carries_the_security_headers(client):
    for url in (reverse("login"), reverse("healthz"), "/no-such-page/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        policy = _csp(response)
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["default-src"] == ["'self'"], url


def test_the_csp_allows_no_inline_script_style_or_eval(client):
    policy = _csp(client.get(reverse("login")))
    for directive in ("script-src", "style-src", "default-src"):
        values = policy.get(directive, [])
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, directive
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\shx-on[:\-]", re.I), "an hx-on handler (evaluated as script)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def _assert_no_inline_code(body: str, url: str) -> None:
    for pattern, what in INLINE:
        match = pattern.search(body)
        assert match is None, (
            f"{url} has {what}: {body[max(0, match.start() - 80) : match.end() + 80]}"
        )


def test_no_page_holds_code_the_csp_would_block(world: World):
    team = world.team.slug
    pages = [
        reverse("login"),
        reverse("dashboard:overview", args=[team]),
        reverse("rooms:list", args=[team]),
        reverse("rooms:detail", args=[team, "standup"]),
        reverse("rooms:create", args=[team]),
        reverse("rooms:token", args=[team]),
        reverse("rooms:properties", args=[team, "standup"]),
        reverse("dashboard:users", args=[team]),
        reverse("teams:audit", args=[team]),
        reverse("teams:settings", args=[team]),
        reverse("teams:members", args=[team]),
        reverse("attendance:sync_history", args=[team]),
        reverse("attendance:meetings", args=[team]),
    ]
    owner = world.client(OWNER)
    for url in pages:
        client = world.client("anonymous") if url == reverse("login") else owner
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_inline_code(response.content.decode(), url)


def test_a_login_expires_on_the_server_after_session_cookie_age(world: World, settings):
    client = world.client(MANAGER)
    url = reverse("dashboard:overview", args=[world.team.slug])
    assert client.get(url).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Created with SESSION_COOKIE_AGE to live (8 hours by default).
    left = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < left
    assert left <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
