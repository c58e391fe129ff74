"""The "rest" dialect's meeting tokens, presence and eject end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from daily import (
    DailyClient,
    InvalidInput,
    InvalidRequest,
    MeetingTokenProperties,
    NotFound,
    RecordingMode,
)
from tests.contract.helpers import build, unix
from tests.support.simulator import SimulatorProcess

DOMAIN = "demo-rest"


# -- meeting tokens -------------------------------------------------------------------------


def test_a_token_validates_to_the_properties_it_was_made_with(rest: DailyClient, now) -> None:
    props = MeetingTokenProperties(
        room_name="standup",
        exp=now + timedelta(hours=1),
        nbf=now - timedelta(minutes=5),
        is_owner=False,
        user_name="Zoë Brontë",
        user_id="u-" + "x" * 34,  # 36 characters, the limit
        eject_at_token_exp=True,
        eject_after_elapsed=600,
        enable_screenshare=False,
        start_video_off=True,
        start_audio_off=True,
        enable_recording=RecordingMode.CLOUD,
        enable_prejoin_ui=True,
        start_cloud_recording=False,
        permissions={"canSend": ["video", "audio"]},
    )
    token = rest.create_meeting_token(props)
    assert token.count(".") == 2
    assert rest.validate_meeting_token(token) == props


def test_token_for_room_url_sets_room_expiry_owner_and_eject(rest: DailyClient, now) -> None:
    extra = MeetingTokenProperties(user_name="Ana", room_name="ignored", is_owner=False)
    token = rest.token_for_room_url(
        f"https://{DOMAIN}.daily.co/lobby",
        expiry_seconds=1800,
        owner=True,
        eject_at_token_exp=True,
        properties=extra,
    )
    props = rest.validate_meeting_token(token)
    assert props.room_name == "lobby" and props.user_name == "Ana"
    assert props.is_owner is True and props.eject_at_token_exp is True
    assert props.exp == now + timedelta(seconds=1800)


def test_a_forged_token_is_rejected_and_never_echoed(rest: DailyClient) -> None:
    token = rest.create_meeting_token(MeetingTokenProperties(room_name="standup"))
    header, payload, signature = token.split(".")
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    forged_signature = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    for forged in (
        f"{header}.{forged_payload}.{signature}",
        f"{header}.{payload}.{forged_signature}",
    ):
        with pytest.raises(InvalidRequest) as caught:
            rest.validate_meeting_token(forged)
        assert caught.value.status == 400
        assert forged not in str(caught.value) and "[redacted]" in str(caught.value)


def test_an_expired_token_no_longer_validates(
    sim: SimulatorProcess, rest: DailyClient, now
) -> None:
    token = rest.create_meeting_token(
        MeetingTokenProperties(room_name="standup", exp=now + timedelta(minutes=1))
    )
    assert rest.validate_meeting_token(token).room_name == "standup"
    sim.clock(advance=120)
    with pytest.raises(InvalidRequest) as caught:
        rest.validate_meeting_token(token)
    assert "expired" in caught.value.message


def test_token_mistakes_are_refused_before_any_request(
    sim: SimulatorProcess, rest: DailyClient, now
) -> None:
    cases = {
        "room_name": MeetingTokenProperties(),  # a token for every room: never issued
        "exp": MeetingTokenProperties(room_name="standup", exp=now - timedelta(seconds=1)),
        "user_id": MeetingTokenProperties(room_name="standup", user_id="u" * 37),
    }
    for field, props in cases.items():
        with pytest.raises(InvalidInput) as caught:
            rest.create_meeting_token(props)
        assert caught.value.field == field
    with pytest.raises(InvalidInput):
        rest.token_for_room_url(f"https://{DOMAIN}.daily.co/lobby", expiry_seconds=0)
    with pytest.raises(InvalidInput):
        rest.validate_meeting_token("not a token/..")
    assert sim.request_counts() == {}


def test_token_exp_in_the_past_is_daily_s_400_when_the_local_clock_lags(
    sim: SimulatorProcess, now
) -> None:
    past = MeetingTokenProperties(room_name="standup", exp=now - timedelta(minutes=1))
    with (
        build(sim, "rest", clock=lambda: now - timedelta(hours=1)) as late,
        pytest.raises(InvalidRequest) as caught,
    ):
        late.create_meeting_token(past)
    assert caught.value.status == 400 and "exp" in caught.value.message


# -- presence and eject -----------------------------------------------------------------------


def _present_in_truth(sim: SimulatorProcess, now) -> set[str]:
    truth = sim.truth(DOMAIN, unix(now - timedelta(days=1)), unix(now) + 1)["meetings"]
    return {
        p["participant_id"]
        for m in truth
        if m["ongoing"]
        for p in m["participants"]
        if p["leave"] is None
    }


def test_presence_lists_exactly_the_people_in_live_meetings(
    sim: SimulatorProcess, rest: DailyClient, now
) -> None:
    present = rest.presence()
    assert present, "the chained rooms are always mid-meeting"
    assert {p.session_id for p in present} == _present_in_truth(sim, now)
    for p in present:
        assert p.room and p.join_time <= now and p.duration is not None
        assert p.duration == unix(now) - unix(p.join_time)


def test_eject_by_session_id_removes_them_from_presence(
    sim: SimulatorProcess, rest: DailyClient, now
) -> None:
    target = rest.presence()[0]
    ejected = rest.eject(target.room, session_ids=[target.session_id])
    assert ejected == [target.session_id]
    assert target.session_id not in {p.session_id for p in rest.presence()}
    assert target.session_id not in _present_in_truth(sim, now)


def test_eject_by_user_id_with_ban(sim: SimulatorProcess, rest: DailyClient) -> None:
    # Find an instant when someone with a stable (token) user_id is live.
    for _ in range(48):
        with_user = [p for p in rest.presence() if p.user_id]
        if with_user:
            break
        sim.clock(advance=600)
    else:
        pytest.fail("no token user live in eight simulated hours")
    target = with_user[0]
    assert target.user_id is not None
    ejected = rest.eject(target.room, user_ids=[target.user_id], ban=True)
    assert target.session_id in ejected
    # Eject and ban act on one room: the same user may be live in another.
    in_room = {p.user_id for p in rest.presence() if p.room == target.room}
    assert target.user_id not in in_room


def test_eject_errors(sim: SimulatorProcess, rest: DailyClient) -> None:
    with pytest.raises(NotFound):
        rest.eject("no-such-room", session_ids=["abc"])
    assert rest.eject("standup", session_ids=["nobody-here"]) == []
    sim.clear_request_counts()
    with pytest.raises(InvalidInput):
        rest.eject("standup")  # nobody chosen
    with pytest.raises(InvalidInput):
        rest.eject("standup", session_ids="abc")  # type: ignore[arg-type]
    assert sim.request_counts() == {}
