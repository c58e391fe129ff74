from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Membership, Role
from teams.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    get_team_for,
    has_permission,
    teams_of,
)
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


@pytest.fixture(params=["by query", "in the list of the user's teams"])
def lookup(request):
    """get_team_for both ways: alone, and given the user's teams (as team_view does)."""
    if request.param == "by query":
        return get_team_for
    return lambda user, slug, permission: get_team_for(user, slug, permission, teams_of(user))


def test_another_teams_member_gets_404_not_403(lookup):
    team = make_team()
    outsider = make_member(make_team(), Role.OWNER)
    with pytest.raises(Http404):
        lookup(outsider, team.slug, Permission.VIEW_TEAM)


def test_a_member_without_the_permission_gets_403(lookup):
    team = make_team()
    manager = make_member(team, Role.MANAGER)
    with pytest.raises(PermissionDenied):
        lookup(manager, team.slug, Permission.MANAGE_ROOMS)
    assert lookup(manager, team.slug, Permission.VIEW_ATTENDANCE)[1] == Role.MANAGER


def test_a_superuser_acts_as_owner_of_every_team(lookup):
    team = make_team()
    root = make_user(is_superuser=True, is_staff=True)
    assert lookup(root, team.slug, Permission.MANAGE_TEAM)[1] == Role.OWNER


def test_an_unknown_team_is_404(lookup):
    with pytest.raises(Http404):
        lookup(make_user(), "no-such-team", Permission.VIEW_TEAM)


def test_a_team_page_reads_the_team_the_role_and_the_switcher_in_one_query(login):
    team = make_team(name="Alpha")
    other = make_team(name="Beta")
    client = login(team, Role.ADMIN)
    Membership.objects.create(user=client.user, team=other, role=Role.MANAGER)
    make_team(name="Gamma")  # not theirs
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("teams:audit", kwargs={"team_slug": team.slug}))
    assert page.status_code == 200
    reads = [
        q["sql"] for q in ctx.captured_queries if re.search(r"teams_(team|membership)", q["sql"])
    ]
    assert len(reads) == 1, reads
    # The switcher lists both of their teams, and no other.
    body = page.content.decode()
    assert "Beta" in body and "Gamma" not in body
