from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from daily import PresenceParticipant, Privacy, Room
from rooms import services
from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX, rest_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mirrored")]


def _rest_rooms(sim):
    rooms, cursor = [], None
    while True:
        params = {"limit": 100, **({"starting_after": cursor} if cursor else {})}
        page = rest_api(sim, "GET", "/rooms", params=params)
        data = page.json()["data"]
        if not data:
            return rooms
        rooms += data
        cursor = data[-1]["id"]


def test_the_detail_page_shows_join_url_embed_and_dial_in_pin(domains_team, login):
    client = login(domains_team, Role.MANAGER)
    body = client.get(reverse("rooms:detail", args=[domains_team.slug, "standup"])).content.decode()
    assert "https://demo-team.daily.co/standup" in body
    assert 'data-copy="https://demo-team.daily.co/standup"' in body
    assert (
        "&lt;iframe src=&quot;https://demo-team.daily.co/standup&quot; "
        "allow=&quot;microphone; camera; autoplay; display-capture; fullscreen&quot; "
        "width=&quot;100%&quot; height=&quot;600&quot; style=&quot;border: 0&quot;&gt;"
        "&lt;/iframe&gt;"
    ) in body
    assert "Dial-in PIN" in body
    assert "Room properties exist only on the REST API" in body
    assert "Live presence exists only on the REST API" in body
    assert "Edit properties" not in body and "Delete…" not in body


def _embed_note(body: str) -> str:
    start = body.index("data-embed-note")
    return " ".join(body[start : body.index("</p>", start)].split())


def test_the_embed_snippet_allows_screen_sharing_and_full_screen_and_has_a_size():
    from rooms.views.detail import embed_snippet

    room = Room(name="a", url="https://t.daily.co/a", privacy=Privacy.PUBLIC)
    snippet = embed_snippet(room, "Ann")
    allowed = snippet.split('allow="')[1].split('"')[0].split("; ")
    assert {"camera", "microphone", "autoplay", "display-capture", "fullscreen"} <= set(allowed)
    assert 'width="100%"' in snippet and 'height="600"' in snippet
    assert 'src="https://t.daily.co/a?name=Ann"' in snippet


def test_the_embed_note_says_a_private_room_needs_a_meeting_token(rest_team, login):
    client = login(rest_team, Role.OWNER)
    body = client.get(reverse("rooms:detail", args=[rest_team.slug, "standup"])).content.decode()
    note = _embed_note(body)
    assert "This room is private: the snippet lets in only people with a meeting token." in note
    assert "?t=TOKEN" in note
    token_page = reverse("rooms:token", args=[rest_team.slug])
    assert f'href="{token_page}?room=standup"' in note
    # The snippet's partial, as the name field asks for it, keeps the note.
    url = reverse("rooms:embed", args=[rest_team.slug, "standup"])
    assert "meeting token" in _embed_note(client.get(url, {"name": "Ann"}, **HTMX).content.decode())


def test_the_embed_note_of_a_room_that_is_not_private_says_what_private_would_need(
    domains_team, login
):
    client = login(domains_team, Role.MANAGER)
    body = client.get(reverse("rooms:detail", args=[domains_team.slug, "standup"])).content
    note = _embed_note(body.decode())
    assert "A private room lets in only people with a meeting token." in note
    assert "This room is private" not in note and "Issue a meeting token" not in note


def test_the_embed_snippet_carries_an_encoded_name(domains_team, login):
    client = login(domains_team, Role.MANAGER)
    url = reverse("rooms:embed", args=[domains_team.slug, "standup"])
    body = client.get(url, {"name": "Zoë & <Ann>"}, **HTMX).content.decode()
    assert body.strip().startswith('<div id="embed"')
    assert "standup?name=Zo%C3%AB%20%26%20%3CAnn%3E" in body
    # Without htmx the same link is the detail page with the snippet.
    full = client.get(url, {"name": "Ann"}, follow=True).content.decode()
    assert "<html" in full and "standup?name=Ann" in full


def test_a_rest_room_shows_its_sip_endpoint_and_properties(rest_team, login, fast_sim):
    sip_room = next(r for r in _rest_rooms(fast_sim) if "sip_uri" in r["config"])
    client = login(rest_team, Role.OWNER)
    body = client.get(reverse("rooms:detail", args=[rest_team.slug, sip_room["name"]])).content
    body = body.decode()
    assert f"sip:{sip_room['config']['sip_uri']['endpoint']}" in body
    assert "SIP dial-in" in body and "Maximum participants" in body
    assert "Edit properties" in body and "Meeting token" in body


def test_presence_lists_who_is_in_the_room_and_refreshes_every_15_seconds(rest_team, login):
    client = login(rest_team, Role.MANAGER)
    body = client.get(reverse("rooms:detail", args=[rest_team.slug, "lobby"])).content.decode()
    url = reverse("rooms:presence", args=[rest_team.slug, "lobby"])
    assert f'hx-get="{url}"' in body and 'hx-trigger="every 15s"' in body
    partial = client.get(url, **HTMX).content.decode()
    assert partial.strip().startswith('<div id="presence"')
    assert "<td>" in partial and "Eject" not in partial  # managers cannot eject


def test_presence_escapes_names_from_daily(rest_team, login, monkeypatch):
    person = PresenceParticipant(
        room="lobby",
        session_id="s-1",
        user_id=None,
        user_name="<script>alert(1)</script>",
        join_time=datetime(2025, 3, 10, 15, 0, tzinfo=UTC),
        duration=1800,
    )
    monkeypatch.setattr(services, "presence", lambda team, room: [person])
    client = login(rest_team, Role.OWNER)
    body = client.get(reverse("rooms:presence", args=[rest_team.slug, "lobby"]), **HTMX).content
    assert b"<script>alert" not in body and b"&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert b"30 min" in body and b"16:00" in body  # Europe/Paris


def test_presence_failure_is_explained_in_place_and_keeps_polling(rest_team, login, fast_sim):
    client = login(rest_team, Role.MANAGER)
    fast_sim.faults(p_5xx=1.0, paths="/v1/presence")
    body = client.get(
        reverse("rooms:presence", args=[rest_team.slug, "lobby"]), **HTMX
    ).content.decode()
    assert "Daily did not do this." in body and "Try again" in body
    assert 'hx-trigger="every 15s"' in body


def test_ejecting_a_participant_tells_daily_and_is_audited(rest_team, login, fast_sim):
    client = login(rest_team, Role.ADMIN)
    people = rest_api(fast_sim, "GET", "/presence")
    person = people.json()["lobby"][0]
    response = client.post(
        reverse("rooms:eject", args=[rest_team.slug, "lobby"]),
        {"session_id": person["id"], "user_name": person["userName"] or ""},
        **HTMX,
    )
    body = response.content.decode()
    assert "was ejected." in body
    after = rest_api(fast_sim, "GET", "/presence")
    assert person["id"] not in {p["id"] for p in after.json().get("lobby", [])}
    event = AuditEvent.objects.get(action=AuditAction.PARTICIPANT_EJECT)
    assert event.outcome == Outcome.OK and person["id"] in event.target and "lobby" in event.target


def test_editing_properties_sends_only_the_changes(rest_team, login, fast_sim):
    client = login(rest_team, Role.OWNER)
    url = reverse("rooms:properties", args=[rest_team.slug, "all-hands"])
    page = client.get(url).content.decode()
    assert 'id="id_enable_chat" checked' in page
    assert "Off (Daily's default)" not in page  # a set recording mode cannot be removed
    form = {
        "enable_chat": "on",
        "enable_emoji_reactions": "on",
        "enable_screenshare": "on",
        "enable_recording": "cloud",
        "max_participants": "150",
        "start_audio_off": "on",
    }
    response = client.post(url, form, **HTMX)
    assert response["HX-Redirect"] == reverse("rooms:detail", args=[rest_team.slug, "all-hands"])
    room = rest_api(fast_sim, "GET", "/rooms/all-hands").json()
    assert room["config"]["max_participants"] == 150 and room["config"]["start_audio_off"] is True
    event = AuditEvent.objects.get(action=AuditAction.ROOM_UPDATE)
    assert event.target == "all-hands: max_participants, start_audio_off"


def test_properties_are_a_rest_feature(domains_team, login):
    client = login(domains_team, Role.OWNER)
    body = client.get(reverse("rooms:properties", args=[domains_team.slug, "standup"])).content
    assert b"Room properties exist only on the REST API" in body


def test_a_room_url_that_is_not_http_is_never_a_link(rest_team, login, monkeypatch):
    from rooms.views import common

    room = Room(name="odd", privacy=Privacy.PUBLIC, url="javascript:alert(1)")
    monkeypatch.setattr(common, "client_for", lambda team: _Answering(room))
    response = login(rest_team, Role.MANAGER).get(
        reverse("rooms:detail", args=[rest_team.slug, "odd"])
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<h1>odd " in body
    assert 'href="javascript:' not in body and ">Open</a>" not in body


class _Answering:
    """A client whose Daily has this one room."""

    def __init__(self, room: Room) -> None:
        self.room = room

    def __enter__(self) -> _Answering:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def get_room(self, name: str) -> Room:
        return self.room


def test_the_detail_page_reads_the_room_fresh_and_brings_the_mirror_in_step(
    rest_team, login, fast_sim
):
    from rooms import mirror
    from tests.rooms.conftest import daily_calls, rest_api

    assert mirror.rooms(rest_team).get(name="standup").privacy == "private"
    rest_api(fast_sim, "POST", "/rooms/standup", json={"privacy": "public"})  # changed elsewhere
    fast_sim.clear_request_counts()
    client = login(rest_team, Role.MANAGER)
    assert client.get(reverse("rooms:detail", args=[rest_team.slug, "standup"])).status_code == 200
    assert daily_calls(fast_sim) == 2  # the room, and who is in it now
    assert mirror.rooms(rest_team).get(name="standup").privacy == "public"
    rest_api(fast_sim, "DELETE", "/rooms/standup")  # deleted elsewhere
    assert client.get(reverse("rooms:detail", args=[rest_team.slug, "standup"])).status_code == 404
    assert not mirror.rooms(rest_team).filter(name="standup").exists()
