"""Error reports: a forced error reaches a local receiver standing in for Sentry (SENTRY_DSN
`http://key@127.0.0.1:PORT/1`), and nothing secret is in what arrived: the team's API
token (held by the failing view), the session cookie, the Authorization header, a webhook
signature and secret, a token in the query string and in the exception's own text."""

from __future__ import annotations

import gzip
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from attendance.models import WebhookEndpoint
from dailyadmin import sentry
from teams.models import Team
from tests.factories import make_team

pytestmark = pytest.mark.django_db

MARK = "SENTRYCANARY"


def _canary(what: str) -> str:
    return f"{MARK}-{what}-{secrets.token_hex(8)}"


def leaky_view(request: HttpRequest, link: str) -> HttpResponse:
    team = Team.objects.get(slug=request.GET["team"])
    token = team.get_token()  # a decrypted API token in a local, as a real view has
    webhook_secret = team.webhook.get_secret()
    headers = {"Authorization": f"Bearer {token}"}
    raise RuntimeError(f"Daily refused {headers['Authorization']} (secret={webhook_secret})")


urlpatterns = [path("boom/<str:link>/", leaky_view)]


@contextmanager
def sentry_receiver() -> Iterator[tuple[str, list[bytes]]]:
    envelopes: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            encoding = (self.headers.get("Content-Encoding") or "").lower()
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli  # only if the SDK chose it, which it does when installed

                body = brotli.decompress(body)
            envelopes.append(body)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_address[1]}/1", envelopes
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def reporting() -> Iterator[tuple[str, list[bytes]]]:
    with sentry_receiver() as (dsn, envelopes):
        sentry.init(dsn, environment="test")
        try:
            yield dsn, envelopes
        finally:
            sentry_sdk.get_client().close(timeout=2)
            sentry_sdk.init()  # no DSN: reporting off for the tests that follow


@pytest.mark.urls(__name__)
def test_a_forced_error_reaches_the_receiver_without_any_secret(reporting):
    _dsn, envelopes = reporting
    token, webhook_secret = _canary("token"), _canary("webhook")
    session, csrf, signature, query, link = (
        _canary(w) for w in ("session", "csrf", "sig", "query", "link")
    )
    team = make_team("acme", token=token)
    endpoint = WebhookEndpoint(team=team, url="https://example.com/hook")
    endpoint.set_secret(webhook_secret)
    endpoint.save()

    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = session
    client.cookies["csrftoken"] = csrf
    response = client.get(
        f"/boom/{link}/?team={team.slug}&token={query}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_WEBHOOK_SIGNATURE=signature,
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    deadline = time.monotonic() + 5
    while not envelopes and time.monotonic() < deadline:
        time.sleep(0.05)

    assert envelopes, "no error report arrived"
    payload = b"\n".join(envelopes).decode("utf-8", "replace")
    assert "RuntimeError" in payload and "leaky_view" in payload  # the report is useful
    assert "/boom/{link}/" in payload  # the route, not the path with its token
    assert MARK not in payload, payload[payload.find(MARK) - 200 : payload.find(MARK) + 100]


def test_the_scrubber_filters_secret_keys_and_bearer_values_anywhere():
    event = {
        "request": {
            "headers": {"Authorization": "Bearer abc", "Cookie": "sessionid=x", "Accept": "*/*"},
            "cookies": {"sessionid": "x"},
            "data": {"token": "y"},
            "query_string": "page=2&api_key=z",
        },
        "extra": {"note": "sent Basic dXNlcjpwYXNz to Daily", "webhook_secret": "s"},
        "breadcrumbs": {"values": [{"message": "GET /x?token=t&page=1"}]},
    }
    scrubbed = sentry.scrub(event)
    assert scrubbed["request"]["headers"] == {
        "Authorization": sentry.FILTERED,
        "Cookie": sentry.FILTERED,
        "Accept": "*/*",
    }
    assert "cookies" not in scrubbed["request"] and "data" not in scrubbed["request"]
    assert scrubbed["request"]["query_string"] == f"page=2&api_key={sentry.FILTERED}"
    assert scrubbed["extra"] == {
        "note": f"sent Basic {sentry.FILTERED} to Daily",
        "webhook_secret": sentry.FILTERED,
    }
    assert (
        scrubbed["breadcrumbs"]["values"][0]["message"] == f"GET /x?token={sentry.FILTERED}&page=1"
    )
