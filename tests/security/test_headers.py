"""Headers every answer carries, a CSP that htmx works under (no inline script, style or
handler on any page), and the server-side expiry of a login."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

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


class _InlineCode(HTMLParser):
    """What of a page the CSP would block, read from its tags and attributes as a browser
    reads them: text that shows markup (an escaped embed snippet, say) is not markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"a style attribute on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"an inline event handler {name} on <{tag}>")
            elif name.startswith(("hx-on:", "hx-on-", "data-hx-on")):
                self.found.append(f"an {name} handler on <{tag}> (evaluated as script)")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"a javascript: URL in {name} of <{tag}>")

    handle_startendtag = handle_starttag


def _assert_no_inline_code(body: str, url: str) -> None:
    parser = _InlineCode()
    parser.feed(body)
    parser.close()
    assert parser.found == [], f"{url} has {parser.found}"


def test_the_inline_code_check_finds_each_kind():
    for html in (
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color: red">',
        '<a onclick="x()">',
        '<div hx-on:click="x()">',
        '<a href=" javascript:x()">',
    ):
        with pytest.raises(AssertionError):
            _assert_no_inline_code(html, "sample")
    # Markup shown as text, as the room's embed snippet is, is not markup.
    _assert_no_inline_code(
        "<pre><code>&lt;iframe style=&quot;border: 0&quot; onload=x&gt;</code></pre>"
        '<button data-copy="&lt;iframe style=&quot;border: 0&quot;&gt;">Copy</button>'
        '<script src="/static/js/app.js"></script>',
        "sample",
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
