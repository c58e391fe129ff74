"""Single sign-on's settings: off by default, and every wrong value refused at start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from sso import conf

ISSUER = "https://id.example.com/realms/staff"


@pytest.fixture
def oidc(settings):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = "dailyadmin"
    settings.OIDC_CLIENT_SECRET = "s3cret"
    settings.OIDC_DEFAULT_ROLE = "manager"
    settings.OIDC_SIGN_ALGORITHM = "RS256"
    return settings


def test_it_is_off_without_an_issuer(settings):
    settings.OIDC_ISSUER = ""
    assert conf.config() is None


def test_the_defaults_are_the_safe_ones(oidc):
    cfg = conf.config()
    assert cfg is not None
    assert cfg.issuer == ISSUER
    assert cfg.username_claim == "preferred_username"
    assert cfg.auto_create is False
    assert cfg.sign_algorithm == "RS256"
    assert cfg.provider_name == "single sign-on"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("OIDC_ISSUER", "http://id.example.com", "OIDC_ISSUER"),
        ("OIDC_ISSUER", "https://user:pw@id.example.com", "OIDC_ISSUER"),
        ("OIDC_ISSUER", "ftp://id.example.com", "OIDC_ISSUER"),
        ("OIDC_CLIENT_SECRET", "", "OIDC_CLIENT_SECRET"),
        ("OIDC_CLIENT_ID", "", "OIDC_CLIENT_ID"),
        ("OIDC_DEFAULT_ROLE", "superuser", "OIDC_DEFAULT_ROLE"),
        # Signed with the client secret, which the dashboard holds too: proves nothing.
        ("OIDC_SIGN_ALGORITHM", "HS256", "OIDC_SIGN_ALGORITHM"),
        ("OIDC_SIGN_ALGORITHM", "none", "OIDC_SIGN_ALGORITHM"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_variable(oidc, name, value, named):
    setattr(oidc, name, value)
    with pytest.raises(ImproperlyConfigured, match=named):
        conf.config()


@pytest.mark.parametrize(
    "issuer", ["http://127.0.0.1:8080/o", "http://localhost:9000", "http://[::1]:1"]
)
def test_plain_http_is_allowed_to_this_machine_only(oidc, issuer):
    oidc.OIDC_ISSUER = issuer
    assert conf.config().issuer == issuer


def test_the_librarys_safety_options_cannot_be_loosened_from_settings(settings):
    settings.OIDC_ALLOW_UNSECURED_JWT = True
    settings.OIDC_USE_PKCE = False
    settings.OIDC_USE_NONCE = False
    assert conf.library_setting("OIDC_ALLOW_UNSECURED_JWT") is False
    assert conf.library_setting("OIDC_USE_PKCE") is True
    assert conf.library_setting("OIDC_USE_NONCE") is True
    assert conf.library_setting("OIDC_PKCE_CODE_CHALLENGE_METHOD") == "S256"


def test_the_client_secret_is_never_in_the_configurations_repr(oidc):
    # An error report shows the frames' local variables, a configuration among them.
    cfg = conf.config()
    assert cfg.client_secret == "s3cret"
    assert "s3cret" not in repr(cfg)
