"""The pages fed hostile query strings and forms through the test client: a page, a form
with its messages, a redirect or a 4xx, never a 500 (and never an exception)."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from attendance import webhooks
from attendance.models import Meeting, WebhookEndpoint
from attendance.sync import sync_team
from rooms.forms import RoomCreateForm, RoomPropertiesForm
from rooms.token_forms import MeetingTokenForm
from teams import forms as team_forms
from teams.audit import record
from teams.models import AuditAction, Outcome
from tests.security.conftest import OWNER, STRANGER, World
from tests.security.strategies import (
    FUZZ_PAGES,
    durations,
    json_leaf,
    json_values,
    names,
    query,
    submissions,
    times,
    value,
)

pytestmark = pytest.mark.django_db
EXAMPLES: Counter[str] = Counter()
HTMX = {"HX-Request": "true"}
SECRET = "c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3ODk="


@pytest.fixture
def site(world: World) -> World:
    """The world with something to show: a synced day, audit events, a webhook."""
    team = world.team
    sync_team(team, since=timezone.now() - timedelta(hours=6))
    for outcome in Outcome:
        record(
            team=team,
            actor=world.users[OWNER],
            action=AuditAction.ROOM_CREATE,
            target="=cmd|' /C calc'!A0",
            outcome=outcome,
            message="<b>not bold</b>\u202e",
        )
    endpoint = WebhookEndpoint(team=team, url="https://dash.example/webhooks/", upstream_id="w1")
    endpoint.set_secret(SECRET)
    endpoint.save()
    return world


def _assert_not_500(response, label: str) -> None:
    EXAMPLES[label] += 1
    assert response.status_code < 500, f"{label}: {response.status_code}"
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        assert "Traceback" not in body


# -- GET: query strings -------------------------------------------------------------------

REPORT = ("from", "to", "room", "person", "sort", "page", "min_percent", "guests", "unused")
# name: (who asks, reverse() args after the team slug, the parameters the page reads)
GETS = {
    "rooms:list": (OWNER, [], ("q", "sort", "page")),
    "rooms:detail": (OWNER, ["standup"], ("name",)),
    "rooms:embed": (OWNER, ["standup"], ("name",)),
    "rooms:token": (OWNER, [], ("room",)),
    "dashboard:users": (OWNER, [], ("q", "page")),
    "teams:audit": (OWNER, [], ("actor", "action", "outcome", "since", "until", "page")),
    "teams:audit_export": (OWNER, [], ("actor", "action", "outcome", "since", "until")),
    "attendance:sync_history": (OWNER, [], ("page",)),
    "attendance:sync_status": (OWNER, [], ("since",)),
    "attendance:meetings": (OWNER, [], REPORT),
    "attendance:meetings_csv": (OWNER, [], REPORT),
    "attendance:people": (OWNER, [], REPORT),
    "attendance:people_csv": (OWNER, [], REPORT),
    "attendance:rooms": (OWNER, [], REPORT),
    "attendance:rooms_csv": (OWNER, [], REPORT),
    "attendance:charts": (OWNER, [], REPORT),
    "attendance:charts_csv": (OWNER, [], REPORT),
    "attendance:meeting": (OWNER, ["meeting"], ("page",)),
    # The domains team, through its own owner: the Daily team's users and a removal.
    "dashboard:users@domains": (STRANGER, [], ("q", "page")),
    "dashboard:user_remove@domains": (STRANGER, [], ("email",)),
}


def _url(world: World, name: str, args: list[str]) -> str:
    view, _, which = name.partition("@")
    team = world.other if which == "domains" else world.team
    real = []
    for arg in args:
        if arg == "meeting":
            meeting = Meeting.objects.filter(team=team).first()
            real.append(str(meeting.pk))
        else:
            real.append(arg)
    return reverse(view, args=[team.slug, *real])


@pytest.mark.parametrize("name", sorted(GETS))
@FUZZ_PAGES
@given(pairs=st.data(), htmx=st.booleans())
def test_a_page_survives_any_query_string(site: World, name, pairs, htmx):
    who, args, params = GETS[name]
    url = _url(site, name, args)
    drawn = pairs.draw(query(params), label="query")
    response = site.client(who).get(f"{url}?{urlencode(drawn)}", headers=HTMX if htmx else {})
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    _assert_not_500(response, f"GET {name}")


@FUZZ_PAGES
@given(room=st.text(max_size=40), suffix=st.sampled_from(["", "row/", "embed/", "presence/"]))
def test_a_room_page_survives_any_room_name(site: World, room, suffix):
    base = reverse("rooms:list", args=[site.team.slug])
    response = site.client(OWNER).get(f"{base}r/{_quote(room)}/{suffix}", headers=HTMX)
    _assert_not_500(response, "GET rooms:r/<any name>/")


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# -- POST: forms ----------------------------------------------------------------------------

POSTS = {
    "rooms:create": (
        OWNER,
        [],
        lambda w: {
            **RoomCreateForm(team=w.team).fields,
            **RoomPropertiesForm(team=w.team).fields,
        },
        {"name": "fuzz-room", "privacy": "private"},
    ),
    "rooms:properties": (
        OWNER,
        ["standup"],
        lambda w: RoomPropertiesForm(team=w.team).fields,
        {"enable_screenshare": "on", "max_participants": "20"},
    ),
    "rooms:token": (
        OWNER,
        [],
        lambda w: MeetingTokenForm(team=w.team).fields,
        {"room": "standup", "exp": "2999-01-01T10:00", "user_id": "u-1"},
    ),
    "rooms:privacy": (OWNER, ["standup"], lambda w: ["privacy"], {"privacy": "public"}),
    "rooms:eject": (
        OWNER,
        ["lobby"],
        lambda w: ["session_id", "user_name"],
        {"session_id": "s-1", "user_name": "Ana"},
    ),
    "rooms:bulk_preview": (
        OWNER,
        [],
        lambda w: ["action", "privacy", "rooms"],
        {"action": "privacy", "privacy": "public", "rooms": "standup"},
    ),
    "rooms:bulk_start": (
        OWNER,
        [],
        lambda w: ["action", "privacy", "rooms", "before", "matching", "q", "upto", "confirm"],
        {"action": "delete", "matching": "1", "q": "st", "upto": "1000000", "confirm": ""},
    ),
    "teams:settings": (
        OWNER,
        [],
        lambda w: team_forms.TeamSettingsForm().fields,
        None,  # the team's own settings, filled in by the test
    ),
    "teams:member_invite": (
        OWNER,
        [],
        lambda w: team_forms.InviteForm().fields,
        {"email": "fuzzy@example.com", "role": "manager"},
    ),
    "attendance:webhook_register": (
        OWNER,
        [],
        lambda w: ["url"],
        {"url": "https://dash.example/webhooks/daily/demo-rest/"},
    ),
    "dashboard:user_remove@domains": (
        STRANGER,
        [],
        lambda w: ["email"],
        {"email": "nobody@example.com"},
    ),
}


@pytest.mark.parametrize("name", sorted(POSTS))
@FUZZ_PAGES
@given(data=st.data(), htmx=st.booleans())
def test_a_form_survives_any_submission(site: World, name, data, htmx):
    who, args, fields, base = POSTS[name]
    url = _url(site, name, args)
    if name == "teams:settings":
        base = team_forms.TeamSettingsForm.initial_for(site.team) | {"sync_enabled": "on"}
    submission = data.draw(submissions(dict(_named(fields(site))), base), label="form")
    if name == "rooms:bulk_preview":
        extra = data.draw(st.lists(st.one_of(value, st.just("standup")), max_size=5))
        submission["rooms"] = [submission.get("rooms", ""), *extra]
    response = site.client(who).post(url, submission, headers=HTMX if htmx else {})
    _assert_not_500(response, f"POST {name}")


def _named(fields) -> dict:
    return fields if isinstance(fields, dict) else dict.fromkeys(fields)


@FUZZ_PAGES
@given(data=st.data())
def test_the_login_page_survives_any_submission(site: World, data):
    submission = data.draw(submissions(["username", "password", "next"], None))
    response = site.client("anonymous").post(reverse("login"), submission)
    assert response.status_code in (200, 302, 429)
    _assert_not_500(response, "POST login")


@FUZZ_PAGES
@given(data=st.data())
def test_the_password_reset_page_survives_any_submission(site: World, data):
    submission = data.draw(submissions(["email"], {"email": "ann@example.com"}))
    response = site.client("anonymous").post(reverse("password_reset"), submission)
    assert response.status_code in (200, 302, 429)
    _assert_not_500(response, "POST password_reset")


@FUZZ_PAGES
@given(data=st.data())
def test_an_invitation_survives_any_link_and_sign_up(site: World, data):
    link = str(data.draw(st.one_of(names, value), label="token") or "").replace("/", "")
    anonymous = site.client("anonymous")
    opened = anonymous.get(reverse("invitation", args=[link or "x"]))
    _assert_not_500(opened, "GET invitation")
    fields = ["username", "password1", "password2"]
    submission = data.draw(submissions(fields, {"username": "newbie"}), label="form")
    response = anonymous.post(reverse("invitation_accept"), submission)
    assert response.status_code == 404  # no valid invitation behind any of these links
    _assert_not_500(response, "POST invitation_accept")


# -- the webhook receiver -------------------------------------------------------------------

event_payloads = st.fixed_dictionaries(
    {},
    optional={
        "meeting_id": names,
        "room": names,
        "start_ts": times,
        "end_ts": times,
        "joined_at": times,
        "session_id": names,
        "user_id": names,
        "user_name": json_leaf,
        "duration": durations,
    },
)
events = st.one_of(
    st.fixed_dictionaries(
        {
            "version": st.just("1.0.0"),
            "type": st.one_of(st.sampled_from(webhooks.EVENT_TYPES), json_leaf),
            "id": names,
            "event_ts": times,
            "payload": st.one_of(event_payloads, json_values),
        }
    ),
    json_values,
)


@FUZZ_PAGES
@given(event=events, skew=st.sampled_from([0, 0, 0, 3600, -3600]))
def test_the_webhook_receiver_survives_any_signed_event(site: World, event, skew):
    """Signed with the team's secret: what Daily (or someone holding the secret) can send."""
    body = json.dumps(event).encode()
    stamp = str(int(time.time()) + skew)
    response = site.client("anonymous").post(
        reverse("daily_webhook", args=[site.team.slug]),
        data=body,
        content_type="application/json",
        headers={
            "X-Webhook-Timestamp": stamp,
            "X-Webhook-Signature": webhooks.signature(SECRET, stamp, body),
        },
    )
    _assert_not_500(response, "POST daily-webhook (signed)")
    # 401: a timestamp out of range, answered as any request that cannot be verified.
    assert response.status_code in (200, 400) or (skew and response.status_code == 401)


@FUZZ_PAGES
@given(
    stamp=st.one_of(value, st.integers().map(str)),
    signature=st.one_of(value, st.just("")),
    body=st.binary(max_size=200),
)
def test_the_webhook_receiver_survives_anything_unsigned(site: World, stamp, signature, body):
    headers = {
        "X-Webhook-Timestamp": stamp.encode("latin-1", "replace").decode("latin-1"),
        "X-Webhook-Signature": signature.encode("latin-1", "replace").decode("latin-1"),
    }
    response = site.client("anonymous").post(
        reverse("daily_webhook", args=[site.team.slug]),
        data=body,
        content_type="application/json",
        headers={k: v.replace("\n", " ").replace("\r", " ") for k, v in headers.items()},
    )
    _assert_not_500(response, "POST daily-webhook (unsigned)")
    assert response.status_code in (400, 401)


# -- sweeps: every parameter and field with each of the values that have hurt ------------

SWEEP = [
    "\x00",
    "a\x00b",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00+01:00",
    "9999-12-31T23:59",
    "2025-02-30",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "\u202e\u200f",
    "x" * 10_000,
]


@pytest.mark.parametrize("name", sorted(GETS))
def test_every_parameter_of_a_page_with_each_odd_value(site: World, name):
    who, args, params = GETS[name]
    url = _url(site, name, args)
    for odd in SWEEP:
        response = site.client(who).get(url, dict.fromkeys(params, odd))
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        _assert_not_500(response, f"GET {name} (sweep)")


@pytest.mark.parametrize("name", sorted(POSTS))
def test_every_field_of_a_form_with_each_odd_value(site: World, name):
    who, args, fields, base = POSTS[name]
    url = _url(site, name, args)
    if name == "teams:settings":
        base = team_forms.TeamSettingsForm.initial_for(site.team) | {"sync_enabled": "on"}
    for odd in ("\x00", "9999-12-31T23:59", "99999999999999999999999", "x" * 10_000):
        submissions_ = [dict.fromkeys(_named(fields(site)), odd)]
        submissions_ += [{**base, key: odd} for key in base]
        for submission in submissions_:
            response = site.client(who).post(url, submission)
            _assert_not_500(response, f"POST {name} (sweep)")


def test_report_the_examples_per_view():
    if not EXAMPLES:
        pytest.skip("run together with the fuzz tests of this module")
    lines = [f"{name}: {count}" for name, count in sorted(EXAMPLES.items())]
    print("\nexamples per view:\n  " + "\n  ".join(lines))
    assert all(count > 0 for count in EXAMPLES.values())
