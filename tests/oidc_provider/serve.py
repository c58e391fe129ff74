"""Run the test identity provider: `python -m tests.oidc_provider.serve CONFIG STATE_DIR`.

CONFIG is a JSON file: {"clients": [{"client_id", "client_secret", "redirect_uris",
"post_logout_redirect_uris", "algorithm" (RS256, or HS256 for a client the dashboard must
refuse)}],
"users": [{"username", "password", "email", "email_verified", "first_name", "last_name"}]}.
The server binds a free port on 127.0.0.1 first (so the issuer URL is known), makes an
RSA key with `cryptography`, migrates a new SQLite database in STATE_DIR, creates the
clients and users, then prints `LISTENING <issuer>` and serves until killed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

LISTENING = "LISTENING "


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _rsa_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _seed(config: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    from tests.oidc_provider.validator import UNVERIFIED

    unverified, _ = Group.objects.get_or_create(name=UNVERIFIED)
    for spec in config.get("users", []):
        user = User.objects.create_user(
            spec["username"],
            email=spec.get("email", ""),
            password=spec["password"],
            first_name=spec.get("first_name", ""),
            last_name=spec.get("last_name", ""),
        )
        if not spec.get("email_verified", True):
            user.groups.add(unverified)
    for spec in config.get("clients", []):
        algorithm = spec.get("algorithm", Application.RS256_ALGORITHM)
        Application.objects.create(
            name=spec["client_id"],
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            # A client whose ID tokens are signed with its secret (HS256) must keep the
            # secret readable: that is what the dashboard must refuse.
            hash_client_secret=algorithm == Application.RS256_ALGORITHM,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(spec["redirect_uris"]),
            post_logout_redirect_uris=" ".join(spec.get("post_logout_redirect_uris", [])),
            algorithm=algorithm,
            skip_authorization=True,
        )


def main(argv: list[str]) -> None:
    config_path, state_dir = Path(argv[0]), Path(argv[1])
    config = json.loads(config_path.read_text())
    state_dir.mkdir(parents=True, exist_ok=True)
    server = make_server("127.0.0.1", 0, None, server_class=_Server, handler_class=_Quiet)
    issuer = f"http://127.0.0.1:{server.server_port}/o"
    key_file = state_dir / "provider-key.pem"
    key_file.write_text(_rsa_key_pem())
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DB"] = str(state_dir / "provider.sqlite3")
    os.environ["OIDC_PROVIDER_ISSUER"] = issuer
    os.environ["OIDC_PROVIDER_KEY_FILE"] = str(key_file)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _seed(config)

    from django.core.wsgi import get_wsgi_application

    server.set_app(get_wsgi_application())
    print(LISTENING + issuer, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
