"""What each figure means, in one sentence each: shown under every report.

Each dictionary's keys are the figures' names as the templates look them up
(``definitions.Minutes``), translated where they are shown (``_report_definitions.html``,
in the context "figure": Django's own catalogs translate a bare "Sessions" otherwise);
`TERMS` marks them for the catalog. The meanings are translated when read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RANGE = _(
    "A meeting belongs to the day it started in the team's time zone (%(tz)s); "
    "all of its sessions count with it."
)
ONGOING = _(
    "A session without a leave time counts up to the meeting's end, or up to now "
    "(%(now)s) while the meeting is still going; an ongoing meeting's length likewise."
)

MEETINGS = {
    "Minutes": _("The meeting's length, from its start to its end as Daily reports them."),
    "Peak": _("The most participants in the meeting at one time, as Daily reports it."),
    "Sessions": _("Joins: a rejoin or a second device is another session."),
    "People": _("Distinct identified participants."),
    "Guests": _("Guest sessions: guests cannot be told apart, so each session is counted."),
}
MEETINGS_PERSON = {
    "Their minutes": _(
        "The person's time in the meeting, with their overlapping sessions merged "
        "(a rejoin or a second device never counts twice)."
    ),
    "Of meeting": _("Their minutes divided by the meeting's length."),
}

PEOPLE = {
    "Meetings": _("Meetings in which the person had at least one session."),
    "Sessions": _("Joins: a rejoin or a second device is another session."),
    "Minutes": _(
        "Time in meetings, with overlapping sessions of the same person in the same meeting "
        "merged: a rejoin or a second device is never counted twice."
    ),
    "First join / last leave": _("The earliest join and the latest leave of those sessions."),
    "Attended at least X%": _(
        # xgettext:no-python-format ("X% of" is no placeholder)
        "Counts only the meetings where the person's merged minutes are at least X% of the "
        "meeting's length; people with no such meeting are left out."
    ),
    "Guests": _(
        "Guests cannot be told apart across sessions: each guest session is its own row, "
        "and guests are left out unless “Include guests” is ticked."
    ),
}

ROOMS = {
    "Meetings": _("Meetings that started in the room during the range."),
    "Minutes": _("The sum of those meetings' lengths: how long the room was in use."),
    "Peak": _("The most participants at one time in any of those meetings."),
    "People": _("Distinct identified participants in those meetings."),
    "Guests": _("Guest sessions in those meetings: guests cannot be told apart."),
    "Last used": _(
        "The end of the room's latest meeting in all the synced history, whatever the range."
    ),
    "Unused for N days": _("Rooms whose last meeting ended N days ago or earlier."),
}

CHARTS = {
    "Meetings per day": _("Meetings that started that day."),
    "Minutes per day": _("The sum of the lengths of the meetings that started that day."),
    "Heat map": _(
        "Meetings started in each hour of each weekday over the range, in the team's time zone."
    ),
}

MEETING = {
    "Minutes": _(
        "The person's time in this meeting with their overlapping sessions merged, "
        "so a rejoin or a second device never counts twice."
    ),
    "Of meeting": _("Their minutes divided by the meeting's length."),
    "Timeline": _(
        "Each bar is one session, from join to leave; overlapping sessions (a second device) "
        "are drawn one under the other, and a session still open is green."
    ),
}

# The names of the figures above, for the catalog (shown with the context "figure").
TERMS = {
    "Minutes": pgettext_lazy("figure", "Minutes"),
    "Peak": pgettext_lazy("figure", "Peak"),
    "Sessions": pgettext_lazy("figure", "Sessions"),
    "People": pgettext_lazy("figure", "People"),
    "Guests": pgettext_lazy("figure", "Guests"),
    "Their minutes": pgettext_lazy("figure", "Their minutes"),
    "Of meeting": pgettext_lazy("figure", "Of meeting"),
    "Meetings": pgettext_lazy("figure", "Meetings"),
    "First join / last leave": pgettext_lazy("figure", "First join / last leave"),
    "Attended at least X%": pgettext_lazy("figure", "Attended at least X%"),
    "Last used": pgettext_lazy("figure", "Last used"),
    "Unused for N days": pgettext_lazy("figure", "Unused for N days"),
    "Meetings per day": pgettext_lazy("figure", "Meetings per day"),
    "Minutes per day": pgettext_lazy("figure", "Minutes per day"),
    "Heat map": pgettext_lazy("figure", "Heat map"),
    "Timeline": pgettext_lazy("figure", "Timeline"),
}
