"""What each figure means, in one sentence each: shown under every report."""

from __future__ import annotations

RANGE = (
    "A meeting belongs to the day it started in the team's time zone ({tz}); "
    "all of its sessions count with it."
)
ONGOING = (
    "A session without a leave time counts up to the meeting's end, or up to now "
    "({now}) while the meeting is still going; an ongoing meeting's length likewise."
)

MEETINGS = {
    "Minutes": "The meeting's length, from its start to its end as Daily reports them.",
    "Peak": "The most participants in the meeting at one time, as Daily reports it.",
    "Sessions": "Joins: a rejoin or a second device is another session.",
    "People": "Distinct identified participants.",
    "Guests": "Guest sessions: guests cannot be told apart, so each session is counted.",
}
MEETINGS_PERSON = {
    "Their minutes": (
        "The person's time in the meeting, with their overlapping sessions merged "
        "(a rejoin or a second device never counts twice)."
    ),
    "Of meeting": "Their minutes divided by the meeting's length.",
}

PEOPLE = {
    "Meetings": "Meetings in which the person had at least one session.",
    "Sessions": "Joins: a rejoin or a second device is another session.",
    "Minutes": (
        "Time in meetings, with overlapping sessions of the same person in the same meeting "
        "merged: a rejoin or a second device is never counted twice."
    ),
    "First join / last leave": "The earliest join and the latest leave of those sessions.",
    "Attended at least X%": (
        "Counts only the meetings where the person's merged minutes are at least X% of the "
        "meeting's length; people with no such meeting are left out."
    ),
    "Guests": (
        "Guests cannot be told apart across sessions: each guest session is its own row, "
        "and guests are left out unless “Include guests” is ticked."
    ),
}

ROOMS = {
    "Meetings": "Meetings that started in the room during the range.",
    "Minutes": "The sum of those meetings' lengths: how long the room was in use.",
    "Peak": "The most participants at one time in any of those meetings.",
    "People": "Distinct identified participants in those meetings.",
    "Guests": "Guest sessions in those meetings: guests cannot be told apart.",
    "Last used": (
        "The end of the room's latest meeting in all the synced history, whatever the range."
    ),
    "Unused for N days": "Rooms whose last meeting ended N days ago or earlier.",
}

CHARTS = {
    "Meetings per day": "Meetings that started that day.",
    "Minutes per day": "The sum of the lengths of the meetings that started that day.",
    "Heat map": (
        "Meetings started in each hour of each weekday over the range, in the team's time zone."
    ),
}

MEETING = {
    "Minutes": (
        "The person's time in this meeting with their overlapping sessions merged, "
        "so a rejoin or a second device never counts twice."
    ),
    "Of meeting": "Their minutes divided by the meeting's length.",
    "Timeline": (
        "Each bar is one session, from join to leave; overlapping sessions (a second device) "
        "are drawn one under the other, and a session still open is green."
    ),
}
