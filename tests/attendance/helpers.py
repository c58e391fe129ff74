"""Compare what the database holds with the simulator's ground truth."""

from __future__ import annotations

from datetime import UTC, datetime

from attendance.models import Attendance, Meeting
from teams.models import Dialect, Team


def ts(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def at(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


def truth_state(truth: dict) -> tuple[dict, dict]:
    domains = truth["dialect"] == "domains"
    meetings, sessions = {}, {}
    for m in truth["meetings"]:
        mkey = (m["room"], m["start"]) if domains else m["id"]
        meetings[mkey] = (m["room"], m["start"], m["end"], m["ongoing"])
        for p in m["participants"]:
            skey = (mkey, p["email"], p["join"]) if domains else (mkey, p["participant_id"])
            assert skey not in sessions, f"ground truth repeats a session key {skey}"
            sessions[skey] = (p["join"], p["leave"])
    return meetings, sessions


def db_state(team: Team, start: datetime, end: datetime) -> tuple[dict, dict]:
    domains = team.dialect == Dialect.DOMAINS
    meetings, sessions = {}, {}
    rows = Meeting.objects.filter(team=team, start__gte=start, start__lt=end)
    keys = {}
    for m in rows:
        mkey = (m.room, ts(m.start)) if domains else m.key
        assert mkey not in meetings, f"duplicate meeting {mkey}"
        keys[m.pk] = mkey
        meetings[mkey] = (m.room, ts(m.start), ts(m.end), m.ongoing)
    for a in Attendance.objects.filter(meeting_id__in=keys):
        mkey = keys[a.meeting_id]
        skey = (mkey, a.identity, ts(a.join)) if domains else (mkey, a.session_key)
        assert skey not in sessions, f"duplicate session {skey}"
        sessions[skey] = (ts(a.join), ts(a.leave))
    return meetings, sessions


def assert_matches_truth(sim, team: Team, start: datetime, end: datetime) -> tuple[int, int]:
    """The database equals the ground truth for [start, end): nothing missing, nothing extra."""
    truth = sim.truth(team.name, ts(start), ts(end))
    want_meetings, want_sessions = truth_state(truth)
    got_meetings, got_sessions = db_state(team, start, end)
    missing = want_meetings.keys() - got_meetings.keys()
    extra = got_meetings.keys() - want_meetings.keys()
    assert not missing and not extra, f"{len(missing)} meetings missing, {len(extra)} extra"
    differing = [k for k in want_meetings if want_meetings[k] != got_meetings[k]]
    assert not differing, f"meetings differ: {differing[:3]}"
    missing_s = want_sessions.keys() - got_sessions.keys()
    extra_s = got_sessions.keys() - want_sessions.keys()
    assert not missing_s and not extra_s, f"{len(missing_s)} sessions missing, {len(extra_s)} extra"
    differing_s = [k for k in want_sessions if want_sessions[k] != got_sessions[k]]
    assert not differing_s, f"sessions differ: {differing_s[:3]}"
    return len(want_meetings), len(want_sessions)
