"""Helpers shared by the contract tests (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from daily import DailyClient, Meeting, make_client
from tests.support.simulator import SimulatorProcess


def sim_now(process: SimulatorProcess) -> datetime:
    """The simulator's frozen instant (as reset), as an aware datetime."""
    assert process.start_now is not None
    return datetime.fromtimestamp(process.start_now, UTC)


def build(
    process: SimulatorProcess, dialect: str, sleeps: list[float] | None = None, **options: Any
) -> DailyClient:
    """A real client for one of the simulator's demo teams, on the simulator's clock."""
    now = sim_now(process)
    options.setdefault("clock", lambda: now)
    if sleeps is not None:
        options.setdefault("sleep", sleeps.append)
    if dialect == "domains":
        return make_client(
            "domains",
            process.domains_base_url,
            options.pop("token", process.domains_token),
            team=options.pop("team", process.domains_team),
            **options,
        )
    return make_client(
        "rest", process.rest_base_url, options.pop("token", process.rest_token), **options
    )


def unix(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def meeting_view(meeting: Meeting) -> dict[str, Any]:
    """A client Meeting in the shape of one `/_sim/truth` meeting (keys compared apart)."""
    rest = meeting.upstream_id is not None
    return {
        "id": meeting.upstream_id,
        "room": meeting.room,
        "start": unix(meeting.start),
        "end": unix(meeting.end),
        "ongoing": meeting.ongoing,
        "max_participants": meeting.max_participants,
        "participants": [
            {
                "email": p.email,
                "user_id": p.user_id,
                "user_name": p.user_name,
                "participant_id": p.session_key if rest else None,
                "join": unix(p.join),
                "leave": unix(p.leave),
                "duration": p.duration,
            }
            for p in meeting.participants
        ],
    }


def truth_view(meeting: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in meeting.items() if k != "key"}
    view["participants"] = [
        {k: v for k, v in p.items() if k != "session_key"} for p in meeting["participants"]
    ]
    return view


def natural_key(meeting: Meeting) -> tuple[str, int]:
    """Domains meetings have no ids: (room, mtgStart) is the key (CONTRACT.md)."""
    return meeting.room, int(meeting.start.timestamp())
