from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from teams.models import Role
from teams.permissions import ROLE_PERMISSIONS, Permission, get_team_for, has_permission
from tests.factories import make_member, make_team, make_user

pytestmark = pytest.mark.django_db

# The matrix of DESIGN.md, written out independently of ROLE_PERMISSIONS.
EXPECTED = {
    Permission.VIEW_TEAM: {Role.OWNER, Role.ADMIN, Role.MANAGER},
    Permission.MANAGE_ROOMS: {Role.OWNER, Role.ADMIN},
    Permission.REMOVE_USERS: {Role.OWNER, Role.ADMIN},
    Permission.VIEW_ATTENDANCE: {Role.OWNER, Role.ADMIN, Role.MANAGER},
    Permission.MANAGE_TEAM: {Role.OWNER},
    Permission.VIEW_AUDIT: {Role.OWNER, Role.ADMIN},
}


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_the_role_matrix_matches_the_design(role, permission):
    assert has_permission(role, permission) == (role in EXPECTED[permission])
    assert (permission in ROLE_PERMISSIONS[role]) == (role in EXPECTED[permission])


def test_no_role_has_no_permission():
    assert not any(has_permission(None, p) for p in Permission)


def test_another_teams_member_gets_404_not_403():
    team = make_team()
    outsider = make_member(make_team(), Role.OWNER)
    with pytest.raises(Http404):
        get_team_for(outsider, team.slug, Permission.VIEW_TEAM)


def test_a_member_without_the_permission_gets_403():
    team = make_team()
    manager = make_member(team, Role.MANAGER)
    with pytest.raises(PermissionDenied):
        get_team_for(manager, team.slug, Permission.MANAGE_ROOMS)
    assert get_team_for(manager, team.slug, Permission.VIEW_ATTENDANCE)[1] == Role.MANAGER


def test_a_superuser_acts_as_owner_of_every_team():
    team = make_team()
    root = make_user(is_superuser=True, is_staff=True)
    assert get_team_for(root, team.slug, Permission.MANAGE_TEAM)[1] == Role.OWNER


def test_an_unknown_team_is_404():
    with pytest.raises(Http404):
        get_team_for(make_user(), "no-such-team", Permission.VIEW_TEAM)
