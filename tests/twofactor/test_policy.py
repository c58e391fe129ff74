"""A team's requirement: owners and admins (and superusers) without a verified second factor
are sent to set one up, or to enter a code, before any of the team's pages; managers are not."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from teams.models import AuditAction, AuditEvent, Role
from tests.factories import make_member, make_team
from tests.support.second_factor import code_for, enrol, verify_session
from twofactor import policy

pytestmark = pytest.mark.django_db


def _page(team) -> str:
    return reverse("teams:audit_export", args=[team.slug])


def _require(login, team):
    """The owner turns the requirement on, from a verified session."""
    owner = login(team, Role.OWNER)
    verify_session(owner, owner.user)
    response = owner.post(reverse("twofactor:team_policy", args=[team.slug]), {"required": "on"})
    assert response.status_code == 302
    return owner


def test_an_owner_without_a_second_factor_cannot_turn_it_on(login):
    team = make_team()
    owner = login(team, Role.OWNER)
    url = reverse("twofactor:team_policy", args=[team.slug])
    page = owner.post(url, {"required": "on"})
    assert page.status_code == 200
    assert "Turn on your own second factor first" in page.text
    assert reverse("twofactor:setup") in page.text
    assert not policy.is_required(team)
    assert not AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_POLICY).exists()


def test_turning_it_on_and_off_is_audited(login):
    team = make_team()
    owner = _require(login, team)
    assert policy.is_required(team)
    url = reverse("twofactor:team_policy", args=[team.slug])
    assert owner.post(url, {}).status_code == 302
    assert not policy.is_required(team)
    events = AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_POLICY, team=team)
    assert [e.message for e in events.order_by("id")] == [
        "Owners and admins must use a second factor.",
        "A second factor is no longer required.",
    ]
    # Visible in the team's audit log.
    assert (
        "Second-factor requirement changed"
        in owner.get(reverse("teams:audit", args=[team.slug])).text
    )


def test_the_page_shows_who_has_a_second_factor(login):
    team = make_team()
    with_factor = make_member(team, Role.ADMIN, "alice")
    enrol(with_factor)
    make_member(team, Role.ADMIN, "bob")
    make_member(team, Role.MANAGER, "carol")
    page = login(team, Role.OWNER).get(reverse("twofactor:team_policy", args=[team.slug]))
    text = page.text
    assert "alice" in text and "bob" in text and "carol" not in text
    assert text.count('status-ok">second factor on') == 1


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owners_and_admins_without_one_are_sent_to_set_it_up(login, role):
    team = make_team()
    _require(login, team)
    client = login(team, role)
    response = client.get(_page(team))
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('twofactor:setup')}?next={quote(_page(team), safe='')}"
    )
    # Their other teams and account pages stay open.
    other = make_team()
    from teams.models import Membership

    Membership.objects.create(user=client.user, team=other, role=role)
    assert client.get(_page(other)).status_code == 200
    assert client.get(reverse("twofactor:setup")).status_code == 200


def test_managers_are_not_affected(login):
    team = make_team()
    _require(login, team)
    manager = login(team, Role.MANAGER)
    assert manager.get(reverse("dashboard:users", args=[team.slug])).status_code == 200


def test_a_superuser_is_covered_too(login):
    team = make_team()
    _require(login, team)
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x-root-pass")
    client = login(user=root)
    assert client.get(_page(team))["Location"].startswith(reverse("twofactor:setup"))


def test_a_verified_session_passes_and_an_unverified_one_enters_a_code(login):
    team = make_team()
    _require(login, team)
    admin = login(team, Role.ADMIN)
    enrol(admin.user)  # set up in another session: this one has not entered a code
    response = admin.get(_page(team))
    assert response["Location"].startswith(reverse("twofactor:verify"))
    verified = login(team, Role.ADMIN)
    verify_session(verified, verified.user)
    assert verified.get(_page(team)).status_code == 200


def test_htmx_requests_move_the_whole_page(login):
    team = make_team()
    _require(login, team)
    admin = login(team, Role.ADMIN)
    page = reverse("dashboard:overview", args=[team.slug])
    response = admin.get(
        reverse("dashboard:overview_live", args=[team.slug]),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('twofactor:setup')}?next={quote(page, safe='')}"


def test_the_requirement_of_one_team_does_not_reach_another(login):
    team, other = make_team(), make_team()
    _require(login, team)
    assert login(other, Role.ADMIN).get(_page(other)).status_code == 200


def test_entering_a_code_opens_the_teams_pages_to_a_session_that_had_none(login):
    team = make_team()
    _require(login, team)
    admin = login(team, Role.ADMIN)
    device, _ = enrol(admin.user)
    sent = admin.get(_page(team))["Location"]
    assert sent.startswith(reverse("twofactor:verify"))
    assert admin.get(sent).status_code == 200
    code = code_for(device)
    other = f"{(int(code) + 1) % 1_000_000:06d}"
    wrong = admin.post(reverse("twofactor:verify"), {"code": other, "next": _page(team)})
    assert wrong.status_code == 200 and admin.get(_page(team)).status_code == 302
    done = admin.post(reverse("twofactor:verify"), {"code": code, "next": _page(team)})
    assert done.status_code == 302 and done["Location"] == _page(team)
    assert admin.get(_page(team)).status_code == 200
