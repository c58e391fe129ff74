"""The "domains" dialect end to end: the real client against the simulator's demo-team."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from daily import (
    AuthError,
    Capability,
    DailyClient,
    InvalidInput,
    InvalidRequest,
    MeetingTokenProperties,
    NotFound,
    Privacy,
    RoomProperties,
    RoomSpec,
    TeamRole,
    Unsupported,
)
from tests.contract.helpers import build, meeting_view, natural_key, truth_view, unix
from tests.support.simulator import SimulatorProcess

TEAM = "demo-team"


# -- team info and rooms -------------------------------------------------------------------


def test_team_info_lists_invite_link_rooms_with_pins_and_users(domains: DailyClient) -> None:
    info = domains.team_info()
    assert info.name == TEAM
    assert info.invite_link is not None and info.invite_link.startswith("https://d.daily.co/?tk=")
    assert len(info.rooms) == 40 and {"lobby", "help-desk", "standup"} <= {
        r.name for r in info.rooms
    }
    for room in info.rooms:
        assert room.url == f"https://{TEAM}.daily.co/{room.name}"
        assert room.dial_in_pin is not None and room.dial_in_pin.isdigit()
        assert len(TEAM) + len(room.name) <= 35
    users = {u.email: u for u in info.users}
    assert len(users) == 25
    assert users["ana.garcia@example.com"].name == "Ana García"
    assert users["ana.garcia@example.com"].role is TeamRole.OWNER
    assert users["zoe@example.com"].role is TeamRole.MEMBER
    # name and avatarSrc may be missing (or empty): None, never ""
    assert users["nameless@example.com"].name is None
    assert users["no.profile@example.com"].avatar_url is None
    assert users["empty.name@example.com"].name is None
    # markup arrives verbatim; escaping is the template's job
    assert users["mallory@example.com"].name == "<script>alert(1)</script>"


def test_list_rooms_is_the_team_info_room_list(domains: DailyClient) -> None:
    assert domains.list_rooms() == domains.team_info().rooms


def test_get_room_finds_a_room_by_name(domains: DailyClient) -> None:
    room = domains.get_room("standup")
    assert room.name == "standup" and room.url == f"https://{TEAM}.daily.co/standup"


def test_get_room_of_an_unknown_room_is_not_found(domains: DailyClient) -> None:
    with pytest.raises(NotFound):
        domains.get_room("no-such-room")


def test_create_room_without_privacy_defaults_to_org_shown_as_team(
    domains: DailyClient,
) -> None:
    room = domains.create_room("new-room")
    assert room.name == "new-room" and room.privacy is Privacy.TEAM
    assert room.privacy.label == "team" and room.privacy.value == "org"
    assert room.dial_in_pin is not None and room.dial_in_pin.isdigit()
    assert room.url == f"https://{TEAM}.daily.co/new-room"
    listed = domains.get_room("new-room")
    assert listed.dial_in_pin == room.dial_in_pin and listed.privacy is Privacy.TEAM


@pytest.mark.parametrize("privacy", [Privacy.PUBLIC, Privacy.TEAM, Privacy.PRIVATE])
def test_create_room_with_each_privacy(domains: DailyClient, privacy: Privacy) -> None:
    assert domains.create_room("priv-room", privacy).privacy is privacy
    assert domains.get_room("priv-room").privacy is privacy


def test_create_room_with_properties_is_unsupported_before_any_request(
    sim: SimulatorProcess, domains: DailyClient
) -> None:
    with pytest.raises(Unsupported):
        domains.create_room("props", properties=RoomProperties(enable_chat=True))
    with pytest.raises(InvalidInput) as caught:
        domains.create_room(None)
    assert caught.value.field == "name"
    assert sim.request_counts() == {}


def test_create_room_with_a_taken_name_is_an_invalid_request(domains: DailyClient) -> None:
    with pytest.raises(InvalidRequest) as caught:
        domains.create_room("standup")
    assert caught.value.status == 200  # the original API's errors come in a 200
    assert "already exists" in caught.value.message


def test_team_plus_room_over_35_characters_is_refused_before_any_request(
    sim: SimulatorProcess, domains: DailyClient
) -> None:
    fits = "r" * (35 - len(TEAM))
    with pytest.raises(InvalidInput) as caught:
        domains.create_room(fits + "x")
    assert caught.value.field == "name" and "35" in caught.value.message
    with pytest.raises(InvalidInput):
        domains.set_privacy(fits + "x", Privacy.PUBLIC)
    with pytest.raises(InvalidInput):
        domains.delete_room(fits + "x")
    assert sim.request_counts() == {}
    assert domains.create_room(fits).name == fits  # exactly 35 is fine


def test_set_privacy_changes_the_room(domains: DailyClient) -> None:
    domains.set_privacy("standup", Privacy.PRIVATE)
    assert domains.get_room("standup").privacy is Privacy.PRIVATE
    domains.set_privacy("standup", Privacy.TEAM)
    assert domains.get_room("standup").privacy is Privacy.TEAM


def test_set_privacy_of_an_unknown_room_is_not_found(domains: DailyClient) -> None:
    with pytest.raises(NotFound) as caught:
        domains.set_privacy("no-such-room", Privacy.PUBLIC)
    assert caught.value.status == 200


def test_delete_room_accepts_the_string_true(sim: SimulatorProcess, domains: DailyClient) -> None:
    raw = requests.delete(
        f"{sim.domains_base_url}/domains/by-name/{TEAM}/room/retro",
        headers=sim.domains_headers,
        timeout=10,
    )
    assert raw.status_code == 200 and raw.json() == {"deleted": "true"}  # a string
    sim.clear_request_counts()
    domains.delete_room("standup")
    assert "standup" not in {r.name for r in domains.list_rooms()}
    assert sim.request_counts()["DELETE /domains/by-name/{team}/room/{room}"] == 1


def test_delete_of_an_unknown_room_is_not_found_unless_missing_ok(domains: DailyClient) -> None:
    with pytest.raises(NotFound):
        domains.delete_room("no-such-room")
    domains.delete_room("no-such-room", missing_ok=True)


def test_missing_ok_does_not_hide_an_unknown_team(sim: SimulatorProcess) -> None:
    with build(sim, "domains", team="no-such-team") as client:
        with pytest.raises(NotFound) as caught:
            client.delete_room("standup", missing_ok=True)
        assert "team" in caught.value.message
        with pytest.raises(NotFound):
            client.team_info()


def test_wrong_token_is_an_auth_error_delivered_in_a_200(sim: SimulatorProcess) -> None:
    with build(sim, "domains", token="wrong-domains-key") as client:
        for call in (client.team_info, lambda: client.create_room("x"), client.list_rooms):
            with pytest.raises(AuthError) as caught:
                call()
            assert caught.value.status == 200
            assert "wrong-domains-key" not in str(caught.value)


# -- room URLs (pipecat helper parity) ----------------------------------------------------------


def test_room_from_url_and_room_name_from_url(domains: DailyClient) -> None:
    url = f"https://{TEAM}.daily.co/standup?t=1#x"
    assert DailyClient.room_name_from_url(url) == "standup"
    assert domains.room_name_from_url(url) == "standup"
    assert domains.room_from_url(url).name == "standup"
    with pytest.raises(NotFound):
        domains.room_from_url(f"https://{TEAM}.daily.co/no-such-room")


def test_room_urls_of_another_team_or_malformed_are_refused_before_any_request(
    sim: SimulatorProcess, domains: DailyClient
) -> None:
    for call in (domains.room_from_url, domains.delete_room_by_url):
        with pytest.raises(InvalidInput):
            call("https://other-team.daily.co/standup")
        with pytest.raises(InvalidInput):
            call("not a url")
    assert sim.request_counts() == {}


def test_delete_room_by_url_counts_a_missing_room_as_deleted(domains: DailyClient) -> None:
    domains.delete_room_by_url(f"https://{TEAM}.daily.co/standup")
    assert "standup" not in {r.name for r in domains.list_rooms()}
    domains.delete_room_by_url(f"https://{TEAM}.daily.co/standup")  # already gone: fine


# -- users ----------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["zoe@example.com", "dev+ops@example.com", "o'brien@example.ie"])
def test_remove_user_removes_them_from_the_team(domains: DailyClient, email: str) -> None:
    domains.remove_user(email)  # {"deleted": "true"}
    assert email not in {u.email for u in domains.team_info().users}
    with pytest.raises(NotFound):
        domains.remove_user(email)


def test_remove_user_with_a_bad_email_is_refused_before_any_request(
    sim: SimulatorProcess, domains: DailyClient
) -> None:
    for bad in ("not-an-email", "a@b/../c.com", "x@y"):
        with pytest.raises(InvalidInput):
            domains.remove_user(bad)
    assert sim.request_counts() == {}


# -- meetings -------------------------------------------------------------------------------


def test_meetings_split_overflowing_windows_and_match_the_truth_exactly(
    sim: SimulatorProcess, domains: DailyClient, now
) -> None:
    start, end = now - timedelta(days=3), now + timedelta(minutes=1)  # up to now, inclusive
    meetings = list(domains.meetings(start, end))
    truth = sim.truth(TEAM, unix(start), unix(end))["meetings"]
    assert len(truth) > 100  # more than one call can return
    assert [meeting_view(m) for m in meetings] == [truth_view(t) for t in truth]
    assert [natural_key(m) for m in meetings] == [(t["room"], t["start"]) for t in truth]
    assert len({m.key for m in meetings}) == len(meetings)
    # The first call overflowed (moreResults), so the window was split into more calls.
    assert sim.request_counts()["POST /domains/by-name/{team}/meetings"] >= 3
    assert any(m.ongoing and m.end is None for m in meetings)  # the clock is mid-meeting


def test_meetings_of_a_month_match_the_truth(
    sim: SimulatorProcess, domains: DailyClient, now
) -> None:
    start = now - timedelta(days=30, seconds=30)  # not on a minute: the client splits on minutes
    meetings = list(domains.meetings(start, now + timedelta(seconds=1)))
    truth = sim.truth(TEAM, unix(start), unix(now) + 1)["meetings"]
    assert len(truth) > 1000
    assert [meeting_view(m) for m in meetings] == [truth_view(t) for t in truth]


def test_meetings_of_one_room_match_the_truth(
    sim: SimulatorProcess, domains: DailyClient, now
) -> None:
    start = now - timedelta(days=10)
    meetings = list(domains.meetings(start, now, room="lobby"))
    truth = sim.truth(TEAM, unix(start), unix(now), room="lobby")["meetings"]
    assert len(truth) > 100 and {m.room for m in meetings} == {"lobby"}
    assert [meeting_view(m) for m in meetings] == [truth_view(t) for t in truth]


def test_meeting_times_are_accurate_to_the_minute(domains: DailyClient, now) -> None:
    meetings = list(domains.meetings(now - timedelta(days=1), now))
    times = [m.start for m in meetings] + [m.end for m in meetings if m.end is not None]
    for m in meetings:
        times += [p.join for p in m.participants]
        times += [p.leave for p in m.participants if p.leave is not None]
    assert times and all(t.second == 0 and t.microsecond == 0 for t in times)
    emails = {p.email for m in meetings for p in m.participants}
    assert "guest" in emails and "ana.garcia@example.com" in {e for e in emails if "@" in e}
    for m in meetings:
        assert m.upstream_id is None and m.max_participants is None
        assert all(p.user_id is None for p in m.participants)


def test_meetings_with_a_bad_window_fail_at_the_call_before_any_request(
    sim: SimulatorProcess, domains: DailyClient, now
) -> None:
    with pytest.raises(InvalidInput):
        domains.meetings(now, now - timedelta(hours=1))
    with pytest.raises(InvalidInput):
        domains.meetings(now.replace(tzinfo=None), now)  # naive
    with pytest.raises(InvalidInput):
        domains.meetings(now - timedelta(hours=1), now, room="r" * 40)
    assert sim.request_counts() == {}


def test_meeting_participants_is_not_a_separate_call_on_domains(
    sim: SimulatorProcess, domains: DailyClient
) -> None:
    with pytest.raises(Unsupported):
        domains.meeting_participants("anything")
    assert sim.request_counts() == {}


# -- calls the original API does not have -------------------------------------------------------


def test_rest_only_calls_raise_unsupported_before_any_request(
    sim: SimulatorProcess, domains: DailyClient
) -> None:
    url = f"https://{TEAM}.daily.co/standup"
    calls = {
        "update_room": lambda: domains.update_room("standup", privacy=Privacy.PUBLIC),
        "batch_create_rooms": lambda: domains.batch_create_rooms([RoomSpec("a")]),
        "batch_delete_rooms": lambda: domains.batch_delete_rooms(["standup"]),
        "create_meeting_token": lambda: domains.create_meeting_token(
            MeetingTokenProperties(room_name="standup")
        ),
        "validate_meeting_token": lambda: domains.validate_meeting_token("a.b.c"),
        "token_for_room_url": lambda: domains.token_for_room_url(url, expiry_seconds=60),
        "presence": domains.presence,
        "eject": lambda: domains.eject("standup", session_ids=["x"]),
        "domain_config": domains.domain_config,
        "create_webhook": lambda: domains.create_webhook("https://example.com/hook"),
        "list_webhooks": domains.list_webhooks,
        "get_webhook": lambda: domains.get_webhook("abc"),
        "update_webhook": lambda: domains.update_webhook("abc", url="https://example.com/"),
        "delete_webhook": lambda: domains.delete_webhook("abc"),
    }
    for name, call in calls.items():
        with pytest.raises(Unsupported) as caught:
            call()
        assert caught.value.capability, name
        assert not domains.supports(caught.value.capability), name
    assert sim.request_counts() == {}
    assert domains.supports(Capability.REMOVE_USER) and domains.supports(Capability.INVITE_LINK)
    assert domains.privacy_choices == (Privacy.PUBLIC, Privacy.TEAM, Privacy.PRIVATE)
