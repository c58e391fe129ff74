"""domains dialect: team info, rooms, privacy, deletion, removing users; lenient parsing."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from daily import (
    DomainsClient,
    InvalidInput,
    NotFound,
    ParseError,
    Privacy,
    Room,
    TeamRole,
    Unsupported,
)
from daily.properties import RoomProperties

from .conftest import DOMAINS_ROOT, TEAM, auth, body_of

TEAM_BODY = {
    "name": TEAM,
    "teamInviteLink": "https://d.daily.co/?tk=sCSla44kOd2d",
    "rooms": [
        {"name": "hello", "dialInPIN": "123456", "extra": {"future": True}},
        {"name": "no-pin"},
        {"name": "numeric-pin", "dialInPIN": 654321},
    ],
    "users": {
        "owner@example.com": {
            "email": "owner@example.com",
            "name": "Olive Owner",
            "avatarSrc": "https://img.example/o.jpg",
            "role": "owner",
            "lastSeen": "yesterday",
        },
        "quiet@example.com": {"email": "quiet@example.com", "role": "member"},
        "keyonly@example.com": {"role": "member"},
        "odd@example.com": {"email": "odd@example.com", "role": "superhero"},
    },
    "somethingNew": [1, 2, 3],
}


def test_team_info_reads_the_invite_link_rooms_and_users(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json=TEAM_BODY, match=[auth()])
    info = domains.team_info()
    assert info.name == TEAM
    assert info.invite_link == "https://d.daily.co/?tk=sCSla44kOd2d"
    assert [r.name for r in info.rooms] == ["hello", "no-pin", "numeric-pin"]
    assert [r.dial_in_pin for r in info.rooms] == ["123456", None, "654321"]
    hello = info.rooms[0]
    assert hello.url == "https://acme.daily.co/hello"
    # Team info does not report privacy: unknown, not guessed.
    assert hello.privacy is None
    assert hello.properties == RoomProperties()
    users = {u.email: u for u in info.users}
    assert users["owner@example.com"].name == "Olive Owner"
    assert users["owner@example.com"].avatar_url == "https://img.example/o.jpg"
    assert users["owner@example.com"].role is TeamRole.OWNER
    assert users["quiet@example.com"].name is None and users["quiet@example.com"].avatar_url is None
    assert users["keyonly@example.com"].role == "member"
    assert users["odd@example.com"].role is TeamRole.MEMBER


def test_team_info_tolerates_missing_optional_parts(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json={"name": TEAM})
    info = domains.team_info()
    assert (info.invite_link, info.rooms, info.users) == (None, [], [])


@pytest.mark.parametrize(
    "body",
    [
        {"rooms": "hello"},
        {"rooms": [{"dialInPIN": "1"}]},
        {"rooms": [], "users": "x"},
        {"users": {"a@b.io": "owner"}},
    ],
)
def test_team_info_of_the_wrong_shape_is_a_parse_error(
    body: dict[str, object], domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json=body)
    with pytest.raises(ParseError) as caught:
        domains.team_info()
    assert caught.value.path == "/domains/by-name/acme"


def test_list_rooms_and_get_room_come_from_team_info(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(DOMAINS_ROOT, json=TEAM_BODY)
    assert [r.name for r in domains.list_rooms()] == ["hello", "no-pin", "numeric-pin"]
    assert domains.get_room("hello").dial_in_pin == "123456"
    with pytest.raises(NotFound):
        domains.get_room("absent")


def test_create_room_posts_name_and_privacy(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{DOMAINS_ROOT}/room",
        json={"name": "room-a", "dialInPIN": "111222"},
        match=[auth(), matchers.json_params_matcher({"name": "room-a", "privacy": "private"})],
    )
    room = domains.create_room("room-a", Privacy.PRIVATE)
    assert room == Room(
        name="room-a",
        privacy=Privacy.PRIVATE,
        url="https://acme.daily.co/room-a",
        dial_in_pin="111222",
    )


def test_create_room_without_privacy_sends_none_and_reports_the_team_default(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{DOMAINS_ROOT}/room",
        json={"name": "room-a"},
        match=[matchers.json_params_matcher({"name": "room-a"})],
    )
    room = domains.create_room("room-a")
    assert room.privacy is Privacy.TEAM and room.privacy.label == "team"
    assert room.dial_in_pin is None


def test_create_room_accepts_the_label_team_for_org(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{DOMAINS_ROOT}/room",
        json={"name": "r"},
        match=[matchers.json_params_matcher({"name": "r", "privacy": "org"})],
    )
    domains.create_room("r", "team")  # type: ignore[arg-type]


def test_create_room_needs_a_name_and_takes_no_properties(
    domains: DomainsClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        domains.create_room()
    assert caught.value.field == "name"
    with pytest.raises(Unsupported):
        domains.create_room("r", properties=RoomProperties(enable_chat=True))


def test_team_plus_room_longer_than_35_is_refused_with_both_lengths(
    domains: DomainsClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        domains.create_room("r" * 33)
    assert caught.value.message == (
        "Team name and room name together must be 35 characters or fewer (team 4 + room 33 = 37)."
    )
    domains_31 = "r" * 31
    assert domains._check_room_name(domains_31) == domains_31


def test_set_privacy_posts_the_wire_value(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{DOMAINS_ROOT}/room/hello",
        json={"updated": True},
        match=[auth(), matchers.json_params_matcher({"privacy": "org"})],
    )
    domains.set_privacy("hello", Privacy.TEAM)


def test_set_privacy_without_confirmation_is_a_parse_error(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{DOMAINS_ROOT}/room/hello", json={"ok": 1})
    with pytest.raises(ParseError):
        domains.set_privacy("hello", Privacy.PUBLIC)


def test_set_privacy_refuses_an_unknown_value(
    domains: DomainsClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput) as caught:
        domains.set_privacy("hello", "secret")  # type: ignore[arg-type]
    assert caught.value.message == "Privacy must be one of: public, team, private."


@pytest.mark.parametrize("deleted", ["true", True, "TRUE"])
def test_delete_room_accepts_true_as_string_or_boolean(
    deleted: object, domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{DOMAINS_ROOT}/room/hello", json={"deleted": deleted}, match=[auth()])
    domains.delete_room("hello")
    assert body_of(rsps.calls[0]) is None


@pytest.mark.parametrize("body", [{"deleted": "false"}, {"deleted": False}, {}, {"deleted": 1}])
def test_delete_room_without_a_true_deleted_is_a_parse_error(
    body: dict[str, object], domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{DOMAINS_ROOT}/room/hello", json=body)
    with pytest.raises(ParseError):
        domains.delete_room("hello")


def test_delete_room_of_a_missing_room(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{DOMAINS_ROOT}/room/gone", json={"error": {"message": "room not found"}})
    with pytest.raises(NotFound):
        domains.delete_room("gone")
    domains.delete_room("gone", missing_ok=True)


def test_missing_ok_does_not_hide_a_missing_team(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{DOMAINS_ROOT}/room/gone", json={"error": {"message": "team not found"}})
    with pytest.raises(NotFound):
        domains.delete_room("gone", missing_ok=True)


def test_delete_room_by_url_counts_a_missing_room_as_deleted(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{DOMAINS_ROOT}/room/gone", json={"error": {"message": "room not found"}})
    domains.delete_room_by_url("https://acme.daily.co/gone")


def test_room_from_url_of_another_team_is_refused(
    domains: DomainsClient, no_http: responses.RequestsMock
) -> None:
    with pytest.raises(InvalidInput):
        domains.room_from_url("https://other.daily.co/hello")


def test_remove_user_percent_encodes_the_email(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(
        f"{DOMAINS_ROOT}/user/kwindla%40gmail.com", json={"deleted": "true"}, match=[auth()]
    )
    domains.remove_user("kwindla@gmail.com")
    assert rsps.calls[0].request.url.endswith("/domains/by-name/acme/user/kwindla%40gmail.com")


def test_remove_user_of_an_unknown_user(
    domains: DomainsClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(
        f"{DOMAINS_ROOT}/user/x%40example.com", json={"error": {"message": "user not found"}}
    )
    with pytest.raises(NotFound) as caught:
        domains.remove_user("x@example.com")
    assert caught.value.message == "user not found"
    assert caught.value.status == 200
