"""Single sign-on end to end against a real OpenID Connect provider on loopback.

The provider (tests/oidc_provider: django-oauth-toolkit in OIDC mode, its own process and
database) is driven with `requests` as a browser would; the dashboard with Django's test
client. Nothing of the protocol is mocked: the code is exchanged at the provider's token
endpoint, the ID token checked against its JWKS, the claims read from its userinfo.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sso.models import Identity
from sso.views import SIGN_IN_ACTION
from teams.models import AuditAction, AuditEvent, Membership, Outcome, Role
from tests.factories import make_team, make_user
from tests.support.oidc_provider import HS256_CLIENT_ID, PROVIDER_NAME, sign_in_at_provider

pytestmark = pytest.mark.django_db


def _start(client: Client, next_url: str = "") -> str:
    """The dashboard's redirect to the provider's authorization endpoint."""
    url = reverse("sso:login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response
    return response["Location"]


def _sign_in(client: Client, username: str, next_url: str = ""):
    """The whole dance; the dashboard's answer to the provider's redirect back."""
    back = sign_in_at_provider(_start(client, next_url), username)
    parts = urlsplit(back)
    assert parts.path == reverse("sso:callback"), back
    return client.get(f"{parts.path}?{parts.query}")


def _logged_in_as(client: Client) -> str | None:
    """Who the dashboard takes this browser for, asked of a page that needs a login."""
    response = client.get(reverse("password_change"))
    if response.status_code != 200:
        return None
    return response.wsgi_request.user.get_username()


def _message(client: Client, response) -> str:
    assert response.status_code == 302 and response["Location"] == reverse("login"), response
    page = client.get(response["Location"])
    assert page.status_code == 200
    return " ".join(str(m) for m in page.context["messages"])


def test_the_login_page_offers_the_provider_only_when_configured(settings, sso_settings):
    page = Client().get(reverse("login") + "?next=/t/x/")
    assert f"Sign in with {PROVIDER_NAME}" in page.text
    assert f'href="{reverse("sso:login")}?next=/t/x/"' in page.text
    settings.OIDC_ISSUER = ""
    assert "Sign in with" not in Client().get(reverse("login")).text


def test_the_request_uses_pkce_state_and_nonce(sso_settings, oidc_provider):
    location = _start(Client())
    assert location.startswith(oidc_provider.issuer + "/authorize/")
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_an_existing_user_signs_in_by_username_and_next_time_by_the_link(sso_settings):
    alice = make_user("alice")
    client = Client()
    response = _sign_in(client, "alice", next_url="/account/password/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    assert _logged_in_as(client) == "alice"
    identity = Identity.objects.get(user=alice)
    assert identity.linked_by == "username"
    assert identity.subject and identity.issuer == sso_settings.OIDC_ISSUER
    event = AuditEvent.objects.get(action=SIGN_IN_ACTION)
    assert event.outcome == Outcome.OK and event.actor == alice and event.team is None
    assert "Signed in with Test IdP" in event.message

    # Renamed in the dashboard: the provider account still reaches the same user.
    alice.username = "alice.renamed"
    alice.save()
    again = Client()
    assert _sign_in(again, "alice")["Location"] == reverse("home")
    assert _logged_in_as(again) == "alice.renamed"
    assert AuditEvent.objects.filter(action=SIGN_IN_ACTION, outcome=Outcome.OK).count() == 2


def test_an_unknown_user_is_refused_when_auto_create_is_off(sso_settings):
    client = Client()
    response = _sign_in(client, "bob")
    message = _message(client, response)
    assert "There is no dashboard account for “bob”" in message
    assert "Ask an owner" in message
    assert _logged_in_as(client) is None
    assert not get_user_model().objects.filter(username="bob").exists()
    event = AuditEvent.objects.get(action=SIGN_IN_ACTION)
    assert event.outcome == Outcome.FAILED and event.target == "bob" and event.actor is None


def test_auto_create_makes_a_member_of_the_default_team_with_the_default_role(sso_settings):
    team = make_team("acme")
    sso_settings.OIDC_AUTO_CREATE = True
    sso_settings.OIDC_DEFAULT_TEAM = "acme"
    sso_settings.OIDC_DEFAULT_ROLE = "manager"
    client = Client()
    assert _sign_in(client, "bob")["Location"] == reverse("home")
    bob = get_user_model().objects.get(username="bob")
    assert _logged_in_as(client) == "bob"
    assert not bob.has_usable_password()
    assert (bob.email, bob.first_name, bob.last_name) == ("bob@example.com", "Bob", "Jones")
    assert Membership.objects.get(user=bob).role == Role.MANAGER
    added = AuditEvent.objects.get(action=AuditAction.MEMBERSHIP_ADD)
    assert added.team == team and added.target == "bob" and added.outcome == Outcome.OK
    assert Identity.objects.get(user=bob).linked_by == "created"


def test_auto_create_into_a_missing_team_creates_nothing(sso_settings):
    sso_settings.OIDC_AUTO_CREATE = True
    sso_settings.OIDC_DEFAULT_TEAM = "no-such-team"
    client = Client()
    message = _message(client, _sign_in(client, "bob"))
    assert "OIDC_DEFAULT_TEAM=no-such-team" in message
    assert not get_user_model().objects.filter(username="bob").exists()
    assert not Identity.objects.exists()


def test_an_unverified_email_is_not_used_to_find_the_user(sso_settings):
    carol = make_user("carol", email="carol@example.com")
    client = Client()
    message = _message(client, _sign_in(client, "carol.idp"))
    assert "There is no dashboard account for “carol.idp”" in message
    assert "not verified" in message
    assert _logged_in_as(client) is None
    assert not Identity.objects.filter(user=carol).exists()


def test_a_verified_email_links_the_user_of_that_email(sso_settings):
    dave = make_user("dave", email="Dave@Example.com")
    client = Client()
    assert _sign_in(client, "dave.idp")["Location"] == reverse("home")
    assert _logged_in_as(client) == "dave"
    assert Identity.objects.get(user=dave).linked_by == "email"


def test_the_username_claim_email_needs_a_verified_email(sso_settings):
    make_user("carol@example.com")
    sso_settings.OIDC_USERNAME_CLAIM = "email"
    client = Client()
    message = _message(client, _sign_in(client, "carol.idp"))
    assert "does not say that your email address is verified" in message
    assert _logged_in_as(client) is None


def test_a_disabled_user_is_refused(sso_settings):
    make_user("alice", is_active=False)
    client = Client()
    assert "disabled" in _message(client, _sign_in(client, "alice"))
    assert _logged_in_as(client) is None


def test_a_callback_is_used_once(sso_settings):
    make_user("alice")
    client = Client()
    back = sign_in_at_provider(_start(client), "alice")
    path = urlsplit(back).path + "?" + urlsplit(back).query
    assert client.get(path)["Location"] == reverse("home")
    client.post(reverse("logout"))
    # The same code and state again, in that browser and in another: refused, said.
    for replay in (client, Client()):
        message = _message(replay, replay.get(path))
        assert "expired or was already used" in message
        assert _logged_in_as(replay) is None


def test_the_provider_saying_no_is_explained_with_a_way_back(sso_settings):
    client = Client()
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(
        reverse("sso:callback"),
        {"error": "access_denied", "error_description": "<b>User cancelled</b>", "state": state},
    )
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login"))
    assert "Test IdP did not sign you in (access denied)" in page.text
    assert "&lt;b&gt;User cancelled&lt;/b&gt;" in page.text  # the provider's words, escaped
    assert "Sign in with Test IdP" in page.text  # and the way back in
    # The state of a refused sign-in cannot be used afterwards either.
    replay = client.get(reverse("sso:callback"), {"code": "x", "state": state})
    assert "expired or was already used" in _message(client, replay)


def test_an_id_token_signed_with_the_client_secret_is_refused(sso_settings):
    # The provider signs this client's ID tokens with HS256 and the client secret: anyone
    # holding the secret could have made it, so it proves nothing about the provider.
    make_user("alice")
    sso_settings.OIDC_CLIENT_ID = HS256_CLIENT_ID
    client = Client()
    message = _message(client, _sign_in(client, "alice"))
    assert "could not be verified" in message
    assert _logged_in_as(client) is None
    assert not Identity.objects.exists()
    event = AuditEvent.objects.get(action=SIGN_IN_ACTION)
    assert event.outcome == Outcome.FAILED and event.error_type == "SuspiciousOperation"
    assert "HS256" in event.message


def test_an_unreachable_provider_is_said_and_the_password_login_still_works(sso_settings):
    sso_settings.OIDC_ISSUER = "http://127.0.0.1:9/o"  # the discard port: nothing listens
    client = Client()
    response = client.get(reverse("sso:login"))
    assert "Test IdP could not be reached" in _message(client, response)
    user = make_user("erin")
    assert client.login(username=user.username, password="correct-horse-battery-staple")


def test_a_discovery_document_of_another_issuer_is_refused(sso_settings, oidc_provider):
    # The same provider reached under another name: its document names 127.0.0.1.
    sso_settings.OIDC_ISSUER = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    client = Client()
    assert "could not be reached" in _message(client, client.get(reverse("sso:login")))


def test_logout_ends_the_dashboard_session(sso_settings):
    make_user("alice")
    client = Client()
    _sign_in(client, "alice")
    assert _logged_in_as(client) == "alice"
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert _logged_in_as(client) is None


def test_logout_at_the_provider_ends_both_sessions(sso_settings, oidc_provider):
    sso_settings.OIDC_LOGOUT_AT_PROVIDER = True
    make_user("alice")
    client, browser = Client(), requests.Session()
    back = urlsplit(sign_in_at_provider(_start(client), "alice", browser=browser))
    client.get(f"{back.path}?{back.query}")
    assert _logged_in_as(client) == "alice"

    response = client.post(reverse("logout"))
    assert _logged_in_as(client) is None
    # A page that moves on by itself (a form's redirect to another origin would break the
    # Content-Security-Policy's form-action 'self'), with a link for the same.
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    link = response.context["url"]
    assert f'content="0;url={link}"' in response.text.replace("&amp;", "&")
    to_provider = link
    assert to_provider.startswith(oidc_provider.issuer + "/logout/")
    query = parse_qs(urlsplit(to_provider).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert query["id_token_hint"][0].count(".") == 2  # the sign-in's ID token
    answer = browser.get(to_provider, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"] == "http://testserver/login/"
    # Signing in again needs the provider's password again: its session ended too.
    again = browser.get(_start(client), allow_redirects=False, timeout=10)
    assert "/accounts/login/" in again.headers["Location"]


def test_without_logout_at_the_provider_its_session_stays(sso_settings):
    make_user("alice")
    client, browser = Client(), requests.Session()
    back = urlsplit(sign_in_at_provider(_start(client), "alice", browser=browser))
    client.get(f"{back.path}?{back.query}")
    assert client.session["sso_issuer"] == sso_settings.OIDC_ISSUER
    assert "sso_id_token" not in client.session  # kept only for the provider's logout
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    again = browser.get(_start(client), allow_redirects=False, timeout=10)
    assert urlsplit(again.headers["Location"]).path == reverse("sso:callback")


def test_without_configuration_the_urls_say_so(settings):
    settings.OIDC_ISSUER = ""
    client = Client()
    for name in ("sso:login", "sso:callback"):
        message = _message(client, client.get(reverse(name)))
        assert "Single sign-on is not set up" in message


def test_a_code_from_another_sign_in_is_refused(sso_settings):
    # Two sign-ins started in one browser; the code of the first returned with the state of
    # the second (a code injected into someone's sign-in): the second's PKCE verifier does
    # not match the first's challenge, so the provider refuses to exchange it.
    make_user("alice")
    client = Client()
    first = urlsplit(sign_in_at_provider(_start(client), "alice"))
    second = urlsplit(sign_in_at_provider(_start(client), "alice"))
    code = parse_qs(first.query)["code"][0]
    state = parse_qs(second.query)["state"][0]
    response = client.get(reverse("sso:callback"), {"code": code, "state": state})
    assert "did not complete the sign-in" in _message(client, response)
    assert _logged_in_as(client) is None
