"""A real OpenID Connect provider on loopback for the single sign-on tests.

`oidc_provider` (session scope) starts `python -m tests.oidc_provider.serve`:
django-oauth-toolkit in OIDC mode, with its own SQLite database in a temporary folder and
an RSA key made at start, on a free 127.0.0.1 port. Its users and clients are those below.
`sso_settings` points the dashboard's OIDC_* settings at it for one test.
`sign_in_at_provider` walks the provider's side of the redirect dance with `requests`,
as a browser would, and returns where the provider sends the browser back.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
LISTENING = "LISTENING "
PROVIDER_NAME = "Test IdP"
PASSWORD = "provider-password-for-tests"
CLIENT_ID = "dailyadmin-tests"
CLIENT_SECRET = "client-secret-for-tests-0123456789abcdef"
# Signs its ID tokens with its client secret (HS256): the dashboard must refuse them.
HS256_CLIENT_ID = "dailyadmin-tests-hs256"
# Loopback redirect URIs match any port at the provider (RFC 8252 7.3); the test client's
# host is "testserver".
REDIRECT_URIS = [
    "http://testserver/sso/callback/",
    "http://127.0.0.1/sso/callback/",
    "http://localhost/sso/callback/",
]
POST_LOGOUT_REDIRECT_URIS = [uri.replace("/sso/callback/", "/login/") for uri in REDIRECT_URIS]
USERS = [
    # alice: a dashboard user of the same username.
    {"username": "alice", "email": "alice@example.com", "first_name": "Alice"},
    # bob: nobody in the dashboard.
    {"username": "bob", "email": "bob@example.com", "first_name": "Bob", "last_name": "Jones"},
    # carol.idp and dave.idp: a dashboard user has their email, carol's not verified.
    {"username": "carol.idp", "email": "carol@example.com", "email_verified": False},
    {"username": "dave.idp", "email": "dave@example.com"},
]


@dataclass
class ProviderProcess:
    proc: subprocess.Popen
    issuer: str
    stderr: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_provider(state_dir: Path) -> ProviderProcess:
    config = {
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": REDIRECT_URIS,
                "post_logout_redirect_uris": POST_LOGOUT_REDIRECT_URIS,
            },
            {
                "client_id": HS256_CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": REDIRECT_URIS,
                "algorithm": "HS256",
            },
        ],
        "users": [{"password": PASSWORD, **user} for user in USERS],
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    config_file = state_dir / "config.json"
    config_file.write_text(json.dumps(config))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(config_file), str(state_dir)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr: list[str] = []
    lines: queue.Queue[str] = queue.Queue()

    def pump(stream, sink) -> None:
        for line in stream:
            sink(line)

    threading.Thread(target=pump, args=(proc.stdout, lines.put), daemon=True).start()
    threading.Thread(target=pump, args=(proc.stderr, stderr.append), daemon=True).start()
    try:
        line = lines.get(timeout=START_TIMEOUT)
    except queue.Empty:
        proc.kill()
        raise RuntimeError(
            "the OIDC test provider did not start: " + "".join(stderr)[-2000:]
        ) from None
    if not line.startswith(LISTENING):
        proc.kill()
        raise RuntimeError(f"the OIDC test provider said {line!r}: " + "".join(stderr)[-2000:])
    return ProviderProcess(proc=proc, issuer=line[len(LISTENING) :].strip(), stderr=stderr)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    provider = start_provider(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


@pytest.fixture
def sso_settings(settings, oidc_provider):
    """The dashboard's single sign-on pointed at the test provider, auto-create off."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_AUTO_CREATE = False
    settings.OIDC_DEFAULT_TEAM = ""
    settings.OIDC_DEFAULT_ROLE = "manager"
    return settings


def sign_in_at_provider(
    authorize_url: str,
    username: str,
    password: str = PASSWORD,
    browser: requests.Session | None = None,
) -> str:
    """From the provider's authorization URL, through its login form, to the URL it sends
    the browser back to (the dashboard's callback, with a code or an error). `browser`
    keeps the provider's cookies (its session) for a later step."""
    browser = browser or requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    login_url = urljoin(authorize_url, response.headers["Location"])
    assert "/accounts/login/" in login_url, login_url
    page = browser.get(login_url, timeout=10)
    assert page.status_code == 200
    response = browser.post(
        login_url,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, f"the provider refused {username}: {response.text[:300]}"
    back_to_authorize = urljoin(login_url, response.headers["Location"])
    response = browser.get(back_to_authorize, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]
