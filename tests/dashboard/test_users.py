"""The users page: the Daily team's users (domains) with search and removal, and on REST
teams the people the dashboard knows, with a plain sentence about team membership."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, Meeting
from daily import TeamRole, TeamUser, make_client
from dashboard.services.users import initials, safe_avatar, to_row
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.dashboard.conftest import HTMX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _users_url(team):
    return reverse("dashboard:users", args=[team.slug])


def _remove_url(team):
    return reverse("dashboard:user_remove", args=[team.slug])


def _daily_emails(sim) -> set[str]:
    with make_client("domains", sim.domains_base_url, sim.domains_token, team="demo-team") as c:
        return {u.email for u in c.team_info().users}


def test_the_users_page_lists_the_daily_team_with_escaped_names_and_fallbacks(domains_team, login):
    response = login(domains_team, Role.MANAGER).get(_users_url(domains_team))
    body = response.content.decode()
    assert response.status_code == 200
    assert "25 users, 3 owners" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert "山田 太郎" in body and "Zoë Brontë" in body and "ليلى حسن" in body
    assert ">empty.name</span>" in body  # empty name: the email's local part instead
    assert "o&#x27;brien@example.ie" in body
    assert "Remove" not in body  # managers may look, not remove


def test_avatars_are_images_only_for_http_urls_and_initials_otherwise():
    assert safe_avatar("https://cdn.example.com/a.png") == "https://cdn.example.com/a.png"
    assert safe_avatar("javascript:alert(1)") is None
    assert safe_avatar("data:image/png;base64,AAAA") is None
    assert safe_avatar("//cdn.example.com/a.png") is None
    row = to_row(TeamUser("x@example.com", None, "javascript:alert(1)", TeamRole.MEMBER))
    assert row.avatar_url is None and row.name == "x" and row.name_is_fallback
    assert initials("Ana García") == "AG" and initials("<script>") == "S" and initials("") == "?"


def test_an_avatar_url_is_escaped_in_the_page(domains_team, login, monkeypatch):
    from daily import TeamInfo
    from rooms import mirror as rooms_mirror

    info = TeamInfo(
        name="demo-team",
        invite_link=None,
        rooms=[],
        users=[
            TeamUser("a@example.com", "A", 'https://x.test/a.png"onerror="alert(1)', TeamRole.OWNER)
        ],
    )
    monkeypatch.setattr(rooms_mirror, "team_info", lambda team: info)
    body = login(domains_team, Role.MANAGER).get(_users_url(domains_team)).content.decode()
    assert 'src="https://x.test/a.png&quot;onerror=&quot;alert(1)"' in body


def test_search_filters_by_name_or_email_and_htmx_gets_only_the_table(domains_team, login):
    client = login(domains_team, Role.MANAGER)
    body = client.get(_users_url(domains_team), {"q": "GARCÍA"}).content.decode()
    assert "Ana García" in body and "Kwindla" not in body
    partial = client.get(_users_url(domains_team), {"q": "example.jp"}, **HTMX)
    text = partial.content.decode()
    assert "<html" not in text and text.strip().startswith('<div id="users-region"')
    assert "山田 太郎" in text and "Ana García" not in text
    assert "1 match “example.jp”" in text
    assert "HX-Request" in partial["Vary"]


def test_the_confirmation_names_the_person_and_warns_about_an_owner(domains_team, login):
    client = login(domains_team, Role.ADMIN)
    member = client.get(_remove_url(domains_team), {"email": "jose.alvarez@example.com"}, **HTMX)
    text = member.content.decode()
    assert text.strip().startswith("<dialog")
    assert "Remove José Álvarez (jose.alvarez@example.com) from demo-team?" in text
    assert "is an owner" not in text
    owner = client.get(_remove_url(domains_team), {"email": "kwindla@example.com"}).content.decode()
    assert "<html" in owner  # a deep link gets the whole page
    assert "Kwindla Kramer is an owner of the Daily team." in owner


def test_removing_a_user_removes_them_from_daily_audits_and_refreshes(domains_team, login, sim):
    client = login(domains_team, Role.ADMIN)
    client.get(_users_url(domains_team))  # the team info is now cached
    response = client.post(_remove_url(domains_team), {"email": "zoe@example.com"}, **HTMX)
    assert response.status_code == 200
    assert "Zoë Brontë (zoe@example.com) was removed" in response.content.decode()
    assert "dashboard:users-changed" in response["HX-Trigger"]
    assert "zoe@example.com" not in _daily_emails(sim)
    event = AuditEvent.objects.get(action=AuditAction.USER_REMOVE)
    assert (event.outcome, event.target, event.actor) == (
        Outcome.OK,
        "zoe@example.com",
        client.user,
    )
    after = client.get(_users_url(domains_team)).content.decode()
    assert "zoe@example.com" not in after and "24 users" in after  # written through


def test_without_htmx_a_removal_redirects_with_a_message(domains_team, login, sim):
    client = login(domains_team, Role.OWNER)
    response = client.post(_remove_url(domains_team), {"email": "sam.lee@example.com"}, follow=True)
    assert "Sam Lee (sam.lee@example.com) was removed from demo-team." in response.content.decode()
    assert "sam.lee@example.com" not in _daily_emails(sim)


def test_removing_the_last_daily_owner_is_refused_and_audited(domains_team, login, sim):
    client = login(domains_team, Role.OWNER)
    for email in ("ana.garcia@example.com", "dev+ops@example.com"):
        assert client.post(_remove_url(domains_team), {"email": email}).status_code == 302
    confirm = client.get(_remove_url(domains_team), {"email": "kwindla@example.com"}, **HTMX)
    assert "is the last owner of the Daily team demo-team" in confirm.content.decode()
    assert (
        "Try again" not in confirm.content.decode()
        and 'name="email"' not in confirm.content.decode()
    )
    response = client.post(_remove_url(domains_team), {"email": "kwindla@example.com"})
    assert response.status_code == 409
    assert "Kwindla Kramer (kwindla@example.com) is the last owner" in response.content.decode()
    assert "kwindla@example.com" in _daily_emails(sim)
    event = AuditEvent.objects.filter(action=AuditAction.USER_REMOVE).first()
    assert (event.outcome, event.error_type) == (Outcome.FAILED, "Refused")


def test_an_upstream_failure_shows_a_message_with_retry_and_a_failed_audit_event(
    domains_team, login, sim
):
    client = login(domains_team, Role.ADMIN)
    sim.faults(p_5xx=1.0)
    response = client.post(_remove_url(domains_team), {"email": "zoe@example.com"}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "The Daily API at" in text and "Try again" in text
    assert 'name="email" value="zoe@example.com"' in text  # the retry posts the same removal
    event = AuditEvent.objects.get(action=AuditAction.USER_REMOVE)
    assert event.outcome == Outcome.FAILED and event.error_type
    full = client.post(_remove_url(domains_team), {"email": "zoe@example.com"})
    assert full.status_code == 502 and "<html" in full.content.decode()
    # The list itself reads the mirror: it shows while Daily fails.
    page = client.get(_users_url(domains_team))
    assert page.status_code == 200 and "zoe@example.com" in page.content.decode()
    sim.clear_faults()
    assert client.post(_remove_url(domains_team), {"email": "zoe@example.com"}).status_code == 302


def test_removing_someone_not_in_the_team_says_so(domains_team, login):
    client = login(domains_team, Role.ADMIN)
    page = client.get(_remove_url(domains_team), {"email": "stranger@example.com"})
    assert (
        "stranger@example.com is not a member of the Daily team demo-team." in page.content.decode()
    )
    response = client.post(_remove_url(domains_team), {"email": "stranger@example.com"})
    assert response.status_code == 409


def test_a_rest_team_lists_the_people_it_knows_and_says_where_membership_lives(rest_team, login):
    now = timezone.now()
    meeting = Meeting.objects.create(team=rest_team, key="m1", room="standup", start=now)
    for n, (identity, name, guest) in enumerate(
        [("u-0001", "Ana Silva", False), ("u-0002", "", False), ("session:xyz", "", True)]
    ):
        Attendance.objects.create(
            meeting=meeting,
            team=rest_team,
            room="standup",
            session_key=str(n),
            identity=identity,
            user_name=name,
            is_guest=guest,
            join=now - timedelta(minutes=n),
        )
    client = login(rest_team, Role.OWNER)
    body = client.get(_users_url(rest_team)).content.decode()
    assert "team membership is managed in Daily's own dashboard" in body
    assert "u-0001" in body and "Ana Silva" in body and "u-0002" in body
    assert "session:xyz" not in body  # guests are not people the dashboard knows
    assert "Remove" not in body
    found = client.get(_users_url(rest_team), {"q": "silva"}).content.decode()
    assert "u-0001" in found and "u-0002" not in found
    assert client.get(_remove_url(rest_team), {"email": "a@example.com"}).status_code == 200


def test_the_back_button_after_a_search_gets_the_whole_page(domains_team, login):
    client = login(domains_team, Role.MANAGER)
    response = client.get(
        _users_url(domains_team), {"q": "ana"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in response.content.decode()


def test_a_rest_team_refuses_removals_in_plain_words(rest_team, login, sim):
    client = login(rest_team, Role.OWNER)
    page = client.get(_remove_url(rest_team), {"email": "a@example.com"})
    assert "which cannot remove users" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    response = client.post(_remove_url(rest_team), {"email": "a@example.com"})
    assert response.status_code == 409
    assert "does not support removing users" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.USER_REMOVE)
    assert (event.outcome, event.error_type) == (Outcome.FAILED, "Unsupported")
