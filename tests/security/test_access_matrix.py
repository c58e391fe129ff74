"""Every URL of the URLconf x every role x every method, against the role matrix.

`EXPECTED` is written out by hand from the roles table of DESIGN.md and the README, not
read from the code: a view that asks for the wrong permission fails here, and so does a
new URL without an entry (the set of URL names must equal the table's keys).

Per URL and method, each of seven callers is checked:
- a method the URL does not answer: 405, for everybody;
- a logged-out visitor: sent to the login page;
- a member of another team, and a user who is a member of no team: 404 (the dashboard
  does not reveal which teams exist);
- a role without the permission: 403;
- a role with it (and a superuser, who acts as an owner everywhere): the view ran past the
  check, so anything but 403/404/405/5xx. POSTs carry empty forms: a 200 with errors or a
  redirect proves the view ran, without deleting what later cases need.
Nothing may answer 500. Objects of another team (rooms, memberships, meetings, bulk jobs)
are 404 when reached through one's own team.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from attendance.models import Meeting, WebhookEndpoint
from daily import Privacy
from recordings import mirror as recordings_mirror
from rooms import bulk
from teams.models import Invitation, Membership, Role
from teams.permissions import Permission
from tests.factories import make_member
from tests.security.conftest import (
    ADMIN,
    ANON,
    MANAGER,
    NOBODY,
    OWNER,
    ROLES,
    STRANGER,
    SUPERUSER,
    World,
    make_client_for,
)

pytestmark = pytest.mark.django_db

LOGIN, PUBLIC, SUPERUSER_ONLY, WEBHOOK = "login", "public", "superuser", "webhook"
# The invitation's accept page: public, answered from the token kept in the session.
INVITEE = "invitee"
# /metrics: no login, a key of its own (METRICS_KEY); without it, 404 or 401 for everyone.
METRICS_KEY_ONLY = "metrics key"
HTMX = {"HX-Request": "true"}
METHODS = ("GET", "PUT", "PATCH", "DELETE", "POST")  # POST last: logout ends the session
G, P = frozenset({"GET"}), frozenset({"POST"})
GP = frozenset({"GET", "POST"})
# Django's FormView answers PUT like POST (ProcessFormView.put); CSRF still applies.
FORM_VIEW = frozenset({"GET", "POST", "PUT"})
V = Permission

# The matrix of DESIGN.md ("Roles"), one line per named URL, by hand.
EXPECTED: dict[str, dict] = {
    "home": {"methods": G, "permission": LOGIN},
    "healthz": {"methods": G, "permission": PUBLIC},
    "readyz": {"methods": G, "permission": PUBLIC},
    "metrics": {"methods": G, "permission": METRICS_KEY_ONLY},
    # The language switcher (a cookie) and the scripts' strings: public, the login page
    # has both.
    "set_language": {"methods": P, "permission": PUBLIC},
    "javascript_catalog": {"methods": G, "permission": PUBLIC},
    # "Connect a Daily team", not team-scoped: superusers under TEAM_CONNECT_ALLOWED's
    # default; its "staff" and "everyone" are checked in tests/teams/test_team_connect.py.
    "team_create": {"methods": GP, "permission": SUPERUSER_ONLY},
    # Django's class-based auth views check the login before the method, and the login
    # page sends anyone logged in on, whatever the method.
    "login": {"methods": GP, "permission": PUBLIC, "logged_in_redirected": True},
    "logout": {"methods": P, "permission": PUBLIC},
    # Single sign-on's two ends are public by design (the person is not logged in yet);
    # GET only. Unconfigured, as here, both send everyone to the login page with a message;
    # configured, tests/sso/test_flow.py drives them against a real provider.
    "sso:login": {"methods": G, "permission": PUBLIC},
    "sso:callback": {"methods": G, "permission": PUBLIC},
    # The login's code step: public (the person is not logged in yet); without a pending
    # login it sends to the login page, and anyone logged in on.
    "twofactor:login_code": {"methods": GP, "permission": PUBLIC},
    # One's own second factor: anyone logged in, for their own account only.
    "twofactor:account": {"methods": G, "permission": LOGIN},
    "twofactor:setup": {"methods": GP, "permission": LOGIN},
    "twofactor:recovery": {"methods": GP, "permission": LOGIN},
    "twofactor:disable": {"methods": GP, "permission": LOGIN},
    "twofactor:verify": {"methods": GP, "permission": LOGIN},
    "password_change": {"methods": FORM_VIEW, "permission": LOGIN, "login_first": True},
    "password_change_done": {"methods": G, "permission": LOGIN, "login_first": True},
    # Password reset by email: public (the person cannot log in); the link's token is the
    # permission, and a link that is not valid shows a page saying so.
    "password_reset": {"methods": GP, "permission": PUBLIC},
    "password_reset_done": {"methods": G, "permission": PUBLIC},
    "password_reset_confirm": {"methods": GP, "permission": PUBLIC},
    "password_reset_complete": {"methods": G, "permission": PUBLIC},
    # An invitation's link: public, its token is the permission. Opening it keeps the token
    # in the session and goes on to the accept page, which says "does not work" (404) to a
    # session without a valid one, whoever asks.
    "invitation": {"methods": G, "permission": PUBLIC},
    "invitation_accept": {"methods": GP, "permission": INVITEE},
    "daily_webhook": {"methods": P, "permission": WEBHOOK},
    # view team, rooms, users, invite link: everyone
    "dashboard:overview": {"methods": G, "permission": V.VIEW_TEAM},
    "dashboard:overview_live": {"methods": G, "permission": V.VIEW_TEAM},
    "dashboard:refresh": {"methods": P, "permission": V.VIEW_TEAM},
    "dashboard:users": {"methods": G, "permission": V.VIEW_TEAM},
    "rooms:list": {"methods": G, "permission": V.VIEW_TEAM},
    "rooms:refresh": {"methods": P, "permission": V.VIEW_TEAM},
    "rooms:count": {"methods": G, "permission": V.VIEW_TEAM},
    "rooms:detail": {"methods": G, "permission": V.VIEW_TEAM},
    "rooms:row": {"methods": G, "permission": V.VIEW_TEAM},
    "rooms:embed": {"methods": G, "permission": V.VIEW_TEAM},
    "rooms:presence": {"methods": G, "permission": V.VIEW_TEAM},
    # create/delete rooms, privacy and properties, tokens (and eject): owner, admin
    "rooms:create": {"methods": GP, "permission": V.MANAGE_ROOMS},
    "rooms:token": {"methods": GP, "permission": V.MANAGE_ROOMS},
    "rooms:bulk_preview": {"methods": P, "permission": V.MANAGE_ROOMS},
    "rooms:bulk_start": {"methods": P, "permission": V.MANAGE_ROOMS},
    "rooms:bulk_jobs": {"methods": G, "permission": V.MANAGE_ROOMS},
    "rooms:bulk_job": {"methods": G, "permission": V.MANAGE_ROOMS},
    "rooms:bulk_cancel": {"methods": P, "permission": V.MANAGE_ROOMS},
    "rooms:privacy": {"methods": P, "permission": V.MANAGE_ROOMS},
    "rooms:properties": {"methods": GP, "permission": V.MANAGE_ROOMS},
    "rooms:delete": {"methods": GP, "permission": V.MANAGE_ROOMS},
    "rooms:eject": {"methods": P, "permission": V.MANAGE_ROOMS},
    # recordings: like rooms (view and download for every role; delete and retention for
    # owners and admins)
    "recordings:list": {"methods": G, "permission": V.VIEW_TEAM},
    "recordings:refresh": {"methods": P, "permission": V.VIEW_TEAM},
    "recordings:download": {"methods": P, "permission": V.VIEW_TEAM},
    "recordings:delete": {"methods": GP, "permission": V.MANAGE_ROOMS},
    "recordings:retention": {"methods": GP, "permission": V.MANAGE_ROOMS},
    # usage: every role views it and its CSV (managers review attendance); owners and
    # admins set the price per participant-minute
    "usage:page": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "usage:csv": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "usage:price": {"methods": P, "permission": V.MANAGE_ROOMS},
    # attendance digests: every role subscribes and unsubscribes themselves; the link in
    # each digest unsubscribes logged out (its token is the permission)
    "usage:digests": {"methods": GP, "permission": V.VIEW_ATTENDANCE},
    "usage:digest_delete": {"methods": P, "permission": V.VIEW_ATTENDANCE},
    "digest_unsubscribe": {"methods": GP, "permission": PUBLIC},
    # remove a user from the Daily team: owner, admin
    "dashboard:user_remove": {"methods": GP, "permission": V.REMOVE_USERS},
    # view and export attendance, trigger a sync: everyone
    "attendance:sync_history": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:sync_now": {"methods": P, "permission": V.VIEW_ATTENDANCE},
    "attendance:sync_status": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:meetings": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:meetings_csv": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:meeting": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:meeting_quality": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:people": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:people_csv": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:rooms": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:rooms_csv": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:charts": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    "attendance:charts_csv": {"methods": G, "permission": V.VIEW_ATTENDANCE},
    # edit credentials, dialect, dashboard memberships (and the webhook set-up): owner
    "teams:settings": {"methods": GP, "permission": V.MANAGE_TEAM},
    "teams:test_connection": {"methods": P, "permission": V.MANAGE_TEAM},
    "twofactor:team_policy": {"methods": GP, "permission": V.MANAGE_TEAM},
    "domain:settings": {"methods": GP, "permission": V.MANAGE_TEAM},
    "domain:preview": {"methods": P, "permission": V.MANAGE_TEAM},
    "teams:members": {"methods": G, "permission": V.MANAGE_TEAM},
    "teams:member_invite": {"methods": P, "permission": V.MANAGE_TEAM},
    "teams:invitation_resend": {"methods": P, "permission": V.MANAGE_TEAM},
    "teams:invitation_revoke": {"methods": P, "permission": V.MANAGE_TEAM},
    "teams:alert_preference": {"methods": P, "permission": V.MANAGE_TEAM},
    "teams:member_role": {"methods": P, "permission": V.MANAGE_TEAM},
    "teams:member_remove": {"methods": P, "permission": V.MANAGE_TEAM},
    "attendance:webhook_register": {"methods": P, "permission": V.MANAGE_TEAM},
    "attendance:webhook_remove": {"methods": P, "permission": V.MANAGE_TEAM},
    "attendance:webhook_check": {"methods": P, "permission": V.MANAGE_TEAM},
    # view the audit log: owner, admin
    "teams:audit": {"methods": G, "permission": V.VIEW_AUDIT},
    "teams:audit_export": {"methods": G, "permission": V.VIEW_AUDIT},
}
# Everything under admin/ (Django's admin): one rule, staff only.
ADMIN_NAMESPACE = "admin"

# The roles of DESIGN.md's table, by hand as well (not ROLE_PERMISSIONS).
GRANTED = {
    OWNER: set(Permission),
    ADMIN: {V.VIEW_TEAM, V.MANAGE_ROOMS, V.REMOVE_USERS, V.VIEW_ATTENDANCE, V.VIEW_AUDIT},
    MANAGER: {V.VIEW_TEAM, V.VIEW_ATTENDANCE},
    SUPERUSER: set(Permission),
}
# Each caller works on its own room, so a delete by one never hides the room from another.
ROOM_OF = {
    OWNER: "standup",
    ADMIN: "design-review",
    MANAGER: "eng-sync",
    SUPERUSER: "retro",
    ANON: "sales-demo",
    STRANGER: "sales-demo",
    NOBODY: "sales-demo",
}
# Statuses that prove a permitted view ran (a form with errors, a redirect, a refusal that
# is not about access, such as the 409 of removing a user the REST API cannot remove).
RAN = {200, 204, 302, 400, 409}


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    """(qualified name, route, pattern) of every URL pattern, recursively."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p, namespace


ALL_PATTERNS = list(_walk(get_resolver().url_patterns))
APP_PATTERNS = [entry for entry in ALL_PATTERNS if entry[3] != ADMIN_NAMESPACE]
ADMIN_PATTERNS = [entry for entry in ALL_PATTERNS if entry[3] == ADMIN_NAMESPACE]
APP_NAMES = sorted(name for name, *_ in APP_PATTERNS if name)


def test_every_url_of_the_urlconf_has_an_entry_and_every_entry_a_url():
    unnamed = [route for name, route, *_ in APP_PATTERNS if not name]
    assert not unnamed, f"name these URLs and add them to EXPECTED: {unnamed}"
    assert set(APP_NAMES) == set(EXPECTED), (
        f"missing from EXPECTED: {sorted(set(APP_NAMES) - set(EXPECTED))}; "
        f"no longer in the URLconf: {sorted(set(EXPECTED) - set(APP_NAMES))}"
    )
    assert ADMIN_PATTERNS, "the admin is mounted under admin/"


def test_every_team_view_declares_the_permission_of_the_matrix():
    for name, _route, pattern, _ns in APP_PATTERNS:
        wanted = EXPECTED[name]["permission"]
        view = pattern.callback
        while not hasattr(view, "required_permission") and hasattr(view, "__wrapped__"):
            view = view.__wrapped__
        declared = getattr(view, "required_permission", None)
        if isinstance(wanted, Permission):
            assert declared == wanted, f"{name} asks for {declared}, the matrix says {wanted}"
        else:
            assert declared is None, f"{name} is {wanted} but asks for {declared}"


# -- the matrix, one test per URL name ---------------------------------------------------


class Setup:
    """Real objects for every path parameter, made once per URL test."""

    def __init__(self, world: World) -> None:
        self.world = world
        team = world.team
        now = timezone.now()
        self.meeting = Meeting.objects.create(
            team=team, key="m-access", upstream_id="m-access", room="standup", start=now
        )
        self.jobs = {
            role: bulk.create_job(
                team=team,
                user_id=user.pk,
                action="privacy",
                privacy=Privacy.PUBLIC,
                rooms=[(ROOM_OF[role], "")],
            ).pk
            for role, user in world.users.items()
            if user is not None
        }
        self.jobs[ANON] = self.jobs[OWNER]
        # A membership each caller may change or remove without touching anybody else's.
        self.targets = {
            role: Membership.objects.get(user=make_member(team, Role.MANAGER), team=team).pk
            for role in ROLES
        }
        # An open invitation each caller may resend or revoke.
        self.invitations = {
            role: Invitation.objects.create(
                team=team,
                email=f"{role}-invited@example.com",
                role=Role.MANAGER,
                token_hash=f"access-matrix-{role}",
                sent_at=now,
                expires_at=now + timedelta(days=7),
            ).pk
            for role in ROLES
        }
        # A recording each caller may download or delete without touching anybody else's.
        assert recordings_mirror.refresh(team)
        finished = list(
            recordings_mirror.recordings(team)
            .filter(status="finished")
            .values_list("recording_id", flat=True)
        )
        self.recordings = dict(zip(ROLES, finished, strict=False))
        endpoint = WebhookEndpoint(team=team, url="https://dash.example/webhooks/")
        endpoint.set_secret("c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3ODk=")
        endpoint.save()
        self.future = now + timedelta(days=1)

    def kwargs(self, route: str, role: str, slug: str | None = None) -> dict:
        values = {
            "team_slug": slug or self.world.team.slug,
            "room": ROOM_OF[role],
            "job_id": self.jobs[role],
            "membership_id": self.targets[role],
            "meeting_id": self.meeting.pk,
            "invitation_id": self.invitations[role],
            "recording_id": self.recordings[role],
            "uidb64": "MQ",
            "token": "not-a-valid-token",
        }
        wanted = re.findall(r"<(?:\w+:)?(\w+)>", route)
        return {key: values[key] for key in wanted}


def _send(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, {})
    return client.generic(method, url, b"")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _expectation(entry: dict, role: str, method: str) -> str:
    """What this caller must get: "405", "login", "404", "403" or "ran"."""
    permission = entry["permission"]
    if role == ANON and entry.get("login_first"):
        return "login"
    if role != ANON and entry.get("logged_in_redirected"):
        return "redirected"
    if method not in entry["methods"]:
        return "405"
    if permission == METRICS_KEY_ONLY:
        return "key"
    if permission in (PUBLIC, WEBHOOK):
        return "ran"
    if permission == INVITEE:
        return "invitee"
    if role == ANON:
        return "login"
    if permission == LOGIN:
        return "ran"
    if permission == SUPERUSER_ONLY:
        return "ran" if role == SUPERUSER else "403"
    if role in (STRANGER, NOBODY):
        return "404"
    return "ran" if permission in GRANTED[role] else "403"


def _check(response, want: str, label: str, *, public: bool = False) -> None:
    status = response.status_code
    assert status != 500, f"{label}: 500"
    if want == "405":
        assert status == 405, f"{label}: {status}, expected 405"
    elif want == "login":
        assert _is_login_redirect(response), f"{label}: {status}, expected the login page"
    elif want == "404":
        assert status == 404, f"{label}: {status}, expected 404"
    elif want == "403":
        assert status == 403, f"{label}: {status}, expected 403"
    elif want == "invitee":  # no invitation in this session: the same page for everyone
        assert status == 404, f"{label}: {status}, expected the invalid invitation page"
        assert b"This invitation link does not work" in response.content, label
    elif want == "redirected":
        assert status == 302, f"{label}: {status}, expected a redirect"
    elif want == "key":  # a session is no key (tests/ops/test_metrics.py checks the key)
        assert status in (401, 404), f"{label}: {status}, expected 401 or 404"
    else:
        assert status in RAN, f"{label}: {status}, expected the view to run"
        if status == 302 and not public:  # logging out ends on the login page
            assert not _is_login_redirect(response), f"{label}: sent to the login page"


@pytest.mark.parametrize("name", APP_NAMES)
def test_each_role_gets_what_the_matrix_gives(world: World, name: str):
    entry = EXPECTED[name]
    route = next(r for n, r, *_ in APP_PATTERNS if n == name)
    setup = Setup(world)
    count = 0
    for role in ROLES:
        client = world.client(role)
        url = reverse(name, kwargs=setup.kwargs(route, role))
        for method in METHODS:
            want = _expectation(entry, role, method)
            if name == "daily_webhook" and want == "ran":
                # Unsigned: refused by the signature check, whoever sends it.
                response = _send(client, method, url)
                assert response.status_code in (400, 401), f"webhook {role}: {response}"
            else:
                response = _send(client, method, url)
                public = entry["permission"] == PUBLIC
                _check(response, want, f"{method} {url} as {role}", public=public)
            count += 1
    if "team_slug" in route:
        # An unknown team answers exactly like a team one is not a member of.
        owner = world.client(OWNER)
        url = reverse(name, kwargs=setup.kwargs(route, OWNER, slug="no-such-team"))
        for method in METHODS:
            response = _send(owner, method, url)
            wanted = 405 if method not in entry["methods"] else 404
            if name == "daily_webhook" and wanted == 404:
                wanted = 401  # as any unverifiable delivery (test_webhook_uniform_answers)
            assert response.status_code == wanted, f"{method} {url}: {response.status_code}"
            count += 1
    assert count >= len(ROLES) * len(METHODS)


# -- Django's admin: staff only ------------------------------------------------------------


def _admin_url(route: str, world: World) -> str:
    """The admin route with real values in its parameters."""
    team = world.team
    values = {
        "object_id": str(team.pk),
        "id": str(world.users[OWNER].pk),
        "content_type_id": "1",
        "app_label": "teams",
        "url": "nonexistent/",
        "pk": "1",  # django-otp's device pages (config, QR code)
    }

    def fill(match: re.Match) -> str:
        return values[match.group(1)]

    path = re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", fill, path)
    return "/" + path.lstrip("^").rstrip("$")


def test_every_admin_url_is_for_staff_only(world: World):
    login_url = reverse("admin:login")
    owner_not_staff = world.client(OWNER)
    assert admin_site.has_permission  # the admin is Django's; its one rule is staff only
    checked = 0
    for name, route, _pattern, _ns in ADMIN_PATTERNS:
        url = _admin_url(route, world)
        for role, client in ((ANON, world.client(ANON)), (OWNER, owner_not_staff)):
            for method in ("GET", "POST"):
                response = _send(client, method, url)
                checked += 1
                status = response.status_code
                if name == "admin:login":
                    assert status in (200, 302), f"{method} {url} as {role}: {status}"
                    continue
                if name == "admin:logout":
                    assert status in (302, 405) or (status == 200 and method == "POST")
                    continue
                assert status in (302, 405), f"{method} {url} as {role}: {status}"
                if status == 302:
                    assert response["Location"].startswith(login_url), (
                        f"{method} {url} as {role}: to {response['Location']}"
                    )
        response = world.client(SUPERUSER).get(url)
        checked += 1
        assert response.status_code < 500, f"GET {url} as superuser: {response.status_code}"
    assert checked > 100


# -- objects of another team ------------------------------------------------------------


def test_a_room_of_another_team_is_404_through_ones_own_team(world: World):
    sim = world.sim
    import requests

    created = requests.post(
        f"{sim.domains_base_url}/domains/by-name/{sim.domains_team}/room",
        json={"name": "only-theirs"},
        headers=sim.domains_headers,
        timeout=10,
    )
    assert created.status_code == 200
    owner = world.client(OWNER)
    for name in ("detail", "row", "properties", "delete"):
        url = reverse(f"rooms:{name}", args=[world.team.slug, "only-theirs"])
        # The row is an htmx fragment; as a page it redirects to the detail page (404).
        assert owner.get(url, follow=True, headers=HTMX).status_code == 404, url
    for name in ("privacy", "delete", "properties"):
        url = reverse(f"rooms:{name}", args=[world.team.slug, "only-theirs"])
        assert owner.post(url, {"privacy": "public"}).status_code == 404, url
    # And the room is still there, untouched, in the other team.
    stranger = world.client(STRANGER)
    assert (
        stranger.get(reverse("rooms:detail", args=[world.other.slug, "only-theirs"])).status_code
        == 200
    )


def test_a_membership_of_another_team_is_404(world: World):
    theirs = Membership.objects.get(user=world.users[STRANGER], team=world.other)
    owner = world.client(OWNER)
    for name in ("member_role", "member_remove"):
        url = reverse(f"teams:{name}", args=[world.team.slug, theirs.pk])
        assert owner.post(url, {"role": "manager"}).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.role == Role.OWNER


def test_a_meeting_of_another_team_is_404(world: World):
    theirs = Meeting.objects.create(
        team=world.other, key="m-theirs", room="standup", start=timezone.now()
    )
    url = reverse("attendance:meeting", args=[world.team.slug, theirs.pk])
    assert world.client(OWNER).get(url).status_code == 404
    assert world.client(MANAGER).get(url).status_code == 404


def test_a_bulk_job_of_another_team_is_404(world: World):
    # A job belongs to its team: every admin and owner of the team follows and may cancel
    # it (one person's job must not run on unseen when they are away); nobody else.
    both = make_member(world.team, Role.OWNER)
    Membership.objects.create(user=both, team=world.other, role=Role.OWNER)
    elsewhere = bulk.create_job(
        team=world.other, user_id=both.pk, action="delete", privacy=None, rooms=[("standup", "")]
    )
    client = make_client_for(both)
    for name, method in (("bulk_job", "GET"), ("bulk_cancel", "POST")):
        url = reverse(f"rooms:{name}", args=[world.team.slug, elsewhere.pk])
        assert _send(client, method, url).status_code == 404, url
    elsewhere.refresh_from_db()
    assert elsewhere.state == "queued" and not elsewhere.cancel_requested
