"""The sync replaces what webhooks wrote provisionally with Daily's own records.

A webhook event is written at once, before Daily's REST data has it. Two things are not
documented: whether a webhook's `meeting_id` is the `/meetings` id, and when exactly
Daily records a join (only after about 10 s in the room, so a shorter visit reaches a
webhook and never the REST data). So the webhook's rows are keyed apart from the sync's:
a meeting or session it creates has a key starting with PROVISIONAL, and it never
creates one when the sync already holds the same meeting (the same id, or the same room
and a start within SAME_START) or session (the same id). A meeting is therefore stored
at most twice, once provisionally, and only until the sync has covered its start.

`reconcile` runs after the sync has written a window. A provisional row whose meeting
(or session) the sync has just written goes at once, wherever it lies in the window:
that is the row that would be counted twice. The REST data is then complete for every
meeting that started in the window, so any other provisional row of it is something
Daily did not record, and goes too; only those of the window's last SETTLE, which Daily
may not list yet, are left for the next run, which covers them again (its window
overlaps this one by more than SETTLE). A provisional row older
than the watermark (a delivery retried for up to 15 minutes, arriving after the sync
passed its time) goes with the next window whatever its bounds.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from attendance import rollups
from attendance.models import Attendance, Meeting, MeetingPresence, SyncState
from attendance.reports import known
from attendance.summary import _recount_days, summarise
from teams.models import Team

PROVISIONAL = "wh:"
# Daily's start times are rounded to about 15 s: a webhook's start and the REST start of
# one meeting are this close. A room holds one meeting at a time.
SAME_START = timedelta(seconds=30)
# How long Daily may take to list a meeting or a join in its REST data, counted back
# from a window's end (the sync's windows end a minute before now).
SETTLE = timedelta(minutes=4)


def reconcile(team: Team, start: datetime, end: datetime) -> int:
    """Delete the provisional rows the sync's data for [start, end) supersedes.

    Call it after the meetings of that window are written. Returns the number of
    provisional meetings and sessions deleted.
    """
    cutoff = end - SETTLE
    watermark = SyncState.objects.filter(team=team).values_list("watermark", flat=True).first()
    # Before the watermark, earlier runs have covered every instant.
    before = min(watermark, cutoff) if watermark is not None else None

    def covered(field: str) -> Q:
        q = Q(**{f"{field}__gte": start, f"{field}__lt": cutoff})
        return q | Q(**{f"{field}__lt": before}) if before is not None else q

    with transaction.atomic():
        sessions = Attendance.objects.filter(
            team=team, session_key__startswith=PROVISIONAL
        ).exclude(meeting__key__startswith=PROVISIONAL)
        doomed = set(sessions.filter(covered("join")).values_list("pk", flat=True))
        doomed |= _session_twins(sessions.filter(join__gte=start - SAME_START, join__lt=end))
        touched = sorted(
            set(Attendance.objects.filter(pk__in=doomed).values_list("meeting_id", flat=True))
        )
        deleted_sessions = Attendance.objects.filter(pk__in=doomed).delete()[0] if doomed else 0

        meetings = Meeting.objects.filter(team=team, key__startswith=PROVISIONAL)
        ids = set(meetings.filter(covered("start")).values_list("pk", flat=True))
        ids |= _meeting_twins(team, meetings, start, end)
        days: set[dt.date] = set()
        if ids:
            days = {
                s.astimezone(dt.UTC).date()
                for s in MeetingPresence.objects.filter(meeting_id__in=ids)
                .order_by()
                .values_list("start", flat=True)
                .distinct()
            }
            counted = rollups.forget_meetings(team.pk, ids)
            # Cascades to their sessions, stored presence and figures.
            Meeting.objects.filter(pk__in=ids).delete()
            rollups.recounted(team.pk, counted)
        touched = [pk for pk in touched if pk not in ids]
        if touched:
            summarise(team, touched)  # their figures without the provisional sessions
        if days:
            _recount_days(team, days)  # the day sums without the deleted meetings
    if touched or ids:
        known.forget(team.pk)
    return len(ids) + deleted_sessions


def _meeting_twins(team: Team, provisional, start: datetime, end: datetime) -> set[int]:
    """Provisional meetings around [start, end) whose meeting the sync has now written:
    the same id, or the same room with a start within SAME_START."""
    rows = list(
        provisional.filter(start__gte=start - SAME_START, start__lt=end + SAME_START)
        .order_by()
        .values_list("pk", "key", "room", "start")
    )
    if not rows:
        return set()
    synced = (
        Meeting.objects.filter(team=team, room__in={room for _, _, room, _ in rows})
        .filter(start__gte=start - 2 * SAME_START, start__lt=end + 2 * SAME_START)
        .exclude(key__startswith=PROVISIONAL)
        .order_by()
        .values_list("key", "room", "start")
    )
    keys: set[str] = set()
    starts: dict[str, list[datetime]] = {}
    for key, room, begun in synced:
        keys.add(key)
        starts.setdefault(room, []).append(begun)
    return {
        pk
        for pk, key, room, begun in rows
        if key[len(PROVISIONAL) :] in keys
        or any(abs(begun - other) <= SAME_START for other in starts.get(room, ()))
    }


def _session_twins(provisional) -> set[int]:
    """Provisional sessions whose meeting now holds the sync's row of the same session."""
    rows = list(provisional.order_by().values_list("pk", "meeting_id", "session_key"))
    if not rows:
        return set()
    synced = set(
        Attendance.objects.filter(meeting_id__in={m for _, m, _ in rows})
        .exclude(session_key__startswith=PROVISIONAL)
        .order_by()
        .values_list("meeting_id", "session_key")
    )
    return {pk for pk, m, key in rows if (m, key[len(PROVISIONAL) :]) in synced}
