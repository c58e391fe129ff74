"""Dashboard memberships: owners re-role and remove members (adding is by invitation,
tests/teams/test_invitations.py); a team never loses its last owner, not even to two
concurrent demotions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from teams.audit import Refused
from teams.models import AuditAction, AuditEvent, Membership, Outcome, Role
from teams.services import memberships
from tests.factories import PASSWORD, make_member, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("acme")


@pytest.fixture
def owner_client(team, login):
    return login(team, Role.OWNER)


def _url(team, name, **kwargs):
    return reverse(f"teams:{name}", kwargs={"team_slug": team.slug, **kwargs})


def _membership(team, user):
    return Membership.objects.get(team=team, user=user)


def test_the_members_page_lists_members_with_roles_and_the_role_matrix(team, owner_client):
    make_member(team, Role.ADMIN, username="ada")
    body = owner_client.get(_url(team, "members")).content.decode()
    assert "ada" in body and owner_client.user.username in body
    assert "What each role can do" in body and "View the audit log" in body


def test_an_owner_changes_a_role_and_it_is_audited(team, owner_client):
    gil = make_member(team, Role.MANAGER, username="gil")
    response = owner_client.post(
        _url(team, "member_role", membership_id=_membership(team, gil).pk), {"role": "admin"}
    )
    assert response.status_code == 302
    assert _membership(team, gil).role == Role.ADMIN
    event = AuditEvent.objects.get(action=AuditAction.MEMBERSHIP_CHANGE)
    assert event.target == "gil (Admin)" and event.message == "was Manager"


def test_an_owner_removes_a_member(team, owner_client):
    hal = make_member(team, Role.ADMIN, username="hal")
    response = owner_client.post(
        _url(team, "member_remove", membership_id=_membership(team, hal).pk), follow=True
    )
    assert "hal can no longer use acme" in response.content.decode()
    assert not Membership.objects.filter(team=team, user=hal).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_REMOVE, outcome="ok").exists()


def test_demoting_the_last_owner_is_refused_with_a_clear_message(team, owner_client):
    me = _membership(team, owner_client.user)
    response = owner_client.post(
        _url(team, "member_role", membership_id=me.pk), {"role": "admin"}, follow=True
    )
    assert "is the last owner of acme" in response.content.decode()
    assert _membership(team, owner_client.user).role == Role.OWNER
    event = AuditEvent.objects.get(action=AuditAction.MEMBERSHIP_CHANGE)
    assert event.outcome == Outcome.FAILED and event.error_type == "Refused"


def test_removing_the_last_owner_is_refused(team, owner_client):
    me = _membership(team, owner_client.user)
    response = owner_client.post(_url(team, "member_remove", membership_id=me.pk), follow=True)
    assert "is the last owner of acme" in response.content.decode()
    assert Membership.objects.filter(pk=me.pk).exists()


def test_an_owner_who_steps_down_is_taken_out_of_the_settings(team, owner_client):
    make_member(team, Role.OWNER, username="ivy")
    me = _membership(team, owner_client.user)
    response = owner_client.post(
        _url(team, "member_role", membership_id=me.pk), {"role": "manager"}
    )
    assert response["Location"] == reverse("home")
    assert _membership(team, owner_client.user).role == Role.MANAGER


def test_one_of_two_owners_can_be_demoted_but_then_not_the_other(team):
    a = make_member(team, Role.OWNER)
    b = make_member(team, Role.OWNER)
    memberships.change_role(
        actor=a, team=team, membership_id=_membership(team, b).pk, role=Role.ADMIN
    )
    with pytest.raises(Refused):
        memberships.change_role(
            actor=a, team=team, membership_id=_membership(team, a).pk, role=Role.ADMIN
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_demotions_cannot_leave_the_team_without_an_owner():
    team = make_team("race")
    a = make_member(team, Role.OWNER)
    b = make_member(team, Role.OWNER)
    root = make_user(is_superuser=True)  # acts for both, so permissions never change mid-race
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(user) -> None:
        try:
            barrier.wait(timeout=10)
            memberships.change_role(
                actor=root,
                team=team,
                membership_id=_membership(team, user).pk,
                role=Role.ADMIN,
            )
            outcomes.append("ok")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    for _ in range(5):  # several rounds: a race that passes once by luck must not hide
        Membership.objects.filter(team=team).update(role=Role.OWNER)
        outcomes.clear()
        threads = [threading.Thread(target=demote, args=(u,)) for u in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == ["ok", "refused"]
        assert Membership.objects.filter(team=team, role=Role.OWNER).count() == 1


def test_a_superuser_with_no_membership_can_manage_members(team, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    assert client.get(_url(team, "members")).status_code == 200


def test_an_owner_turns_their_alert_emails_off_and_on_and_it_is_audited(team, owner_client):
    url = _url(team, "alert_preference")
    page = owner_client.get(_url(team, "members")).content.decode()
    assert 'name="alert_emails" id="id_alert_emails" checked' in page
    response = owner_client.post(url, {}, follow=True)
    assert "no longer get acme" in response.content.decode()
    assert _membership(team, owner_client.user).alert_emails is False
    owner_client.post(url, {"alert_emails": "on"})
    assert _membership(team, owner_client.user).alert_emails is True
    events = AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_ALERTS).order_by("pk")
    assert [e.message for e in events] == ["alert emails off", "alert emails on"]


def test_the_alert_preference_of_one_owner_leaves_the_others_alone(team, owner_client):
    other = make_member(team, Role.OWNER)
    owner_client.post(_url(team, "alert_preference"), {})
    assert _membership(team, other).alert_emails is True
