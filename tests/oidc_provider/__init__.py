"""A real OpenID Connect provider for the tests: django-oauth-toolkit in OIDC mode, run as
its own Django project in a subprocess (`python -m tests.oidc_provider.serve`), on a free
127.0.0.1 port, with its own SQLite database and an RSA key made at start."""
