"""Single sign-on and the dashboard's second factor (twofactor/): the provider owns the
factors of the accounts that sign in through it, so no dashboard code is asked at sign-in;
a team that requires a second factor of its owners and admins still asks on its pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.models import Membership, Role
from tests.factories import make_team, make_user
from tests.support.oidc_provider import sign_in_at_provider
from twofactor.models import SecondFactorPolicy
from twofactor.views.login import PENDING

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str):
    start = client.get(reverse("sso:login"))
    back = urlsplit(sign_in_at_provider(start["Location"], username))
    return client.get(f"{back.path}?{back.query}")


def test_a_sign_in_through_the_provider_asks_for_no_dashboard_code(sso_settings):
    alice = make_user("alice")
    TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    client = Client()
    response = _sign_in(client, "alice")
    assert response["Location"] == reverse("home")
    assert PENDING not in client.session
    assert client.get(reverse("password_change")).wsgi_request.user == alice


@pytest.mark.parametrize(("has_device", "step"), [(True, "verify"), (False, "setup")])
def test_a_team_requiring_a_second_factor_still_asks_for_it_on_its_pages(
    sso_settings, has_device, step
):
    team = make_team("acme")
    SecondFactorPolicy.objects.create(team=team, required=True)
    alice = make_user("alice")
    Membership.objects.create(user=alice, team=team, role=Role.OWNER)
    if has_device:
        TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, "alice")
    response = client.get(reverse("dashboard:overview", args=[team.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(f"twofactor:{step}"))


def test_the_admin_still_asks_for_the_dashboards_code(sso_settings):
    alice = make_user("alice", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, "alice")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
