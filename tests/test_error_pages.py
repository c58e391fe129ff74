"""The 403, 404, 500 and CSRF failure pages, as a production site (DEBUG off) shows them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.views.defaults import server_error

from teams.models import Role
from tests.factories import make_member, make_team

SECRET_WORDS = "the-secret-of-a-failing-view"


def _fails(request: HttpRequest):
    raise RuntimeError(f"boom: {SECRET_WORDS} token=sim-rest-key")


# A URLconf of this module, for the 500 test: the site's URLs plus one view that fails.
urlpatterns = [path("boom/", _fails)]


def _layout(body: str) -> None:
    """The site's own layout with a way back, not Django's bare page."""
    assert 'class="appbar"' in body
    assert '<main id="main"' in body
    assert "Back to your teams" in body
    assert 'href="/"' in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_address_shows_the_404_page_in_the_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    _layout(body)
    assert "Page not found" in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_team_the_user_is_not_in_shows_the_404_page_without_naming_it(client):
    make_team("hidden-team")
    client.force_login(make_member(make_team("mine"), Role.OWNER))
    response = client.get(reverse("dashboard:overview", args=["hidden-team"]))
    assert response.status_code == 404
    body = response.content.decode()
    _layout(body)
    assert "Page not found" in body
    assert "hidden-team" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_role_that_may_not_shows_the_403_page_saying_why(client):
    team = make_team("acme")
    client.force_login(make_member(team, Role.MANAGER))
    response = client.get(reverse("teams:audit", args=["acme"]))
    assert response.status_code == 403
    body = response.content.decode()
    _layout(body)
    assert "You cannot open this page" in body
    assert "Your role (Manager) cannot do this." in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_stale_form_shows_the_csrf_page_telling_to_reload():
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # the CSRF cookie is set, the form's token is missing
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    _layout(body)
    assert "This form has expired" in body
    assert "Reload the page" in body
    assert "allow cookies" in body
    assert "CSRF verification failed" not in body  # not Django's own page


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_failing_view_shows_the_500_page_and_nothing_of_the_error(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    _layout(body)
    assert "Something went wrong" in body
    for leak in (SECRET_WORDS, "boom", "RuntimeError", "Traceback", "sim-rest-key", "/boom/"):
        assert leak not in body
    assert settings.SECRET_KEY not in body
    assert any("boom" in r.getMessage() or r.exc_info for r in caplog.records)  # logged instead


@override_settings(DEBUG=False)
def test_the_500_page_renders_without_a_database_or_context_processors():
    # No django_db mark: any query here raises. Django's server_error renders with an
    # empty context, as when the database itself is what failed.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _layout(response.content.decode())
