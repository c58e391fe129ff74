"""Meetings and attendance synced from Daily, and the bookkeeping of the sync.

The unique constraints are what make the sync idempotent: every write is an
upsert on (team, key) for meetings and (meeting, session_key) for sessions, so
syncing a window twice, or two syncs at once, can never duplicate a row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from teams import crypto
from teams.models import Team


class Meeting(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meetings")
    # REST: Daily's meeting id. Domains: the natural key "room@start".
    key = models.CharField(max_length=255)
    upstream_id = models.CharField(max_length=64, blank=True)
    room = models.CharField(max_length=128)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds.")
    max_participants = models.PositiveIntegerField(null=True, blank=True)
    session_count = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(auto_now=True)
    # Its MeetingPresence rows are up to date (see attendance.summary). Only an ended
    # meeting is summarised; the reports compute the others from the sessions.
    summarised = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["team", "key"], name="meeting_unique_team_key"),
        ]
        indexes = [
            models.Index(fields=["team", "start"], name="meeting_team_start"),
            models.Index(fields=["team", "room", "start"], name="meeting_team_room_start"),
            models.Index(
                fields=["team"], name="meeting_team_ongoing", condition=models.Q(ongoing=True)
            ),
            # The few meetings the reports compute from their sessions (see attendance.summary).
            models.Index(
                fields=["team", "start"],
                name="meeting_team_unsummarised",
                condition=models.Q(summarised=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} at {self.start:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """One participant session: a join and (once it is over) a leave."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    # Denormalised from the meeting so report filters use one index.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    room = models.CharField(max_length=128)
    session_key = models.CharField(max_length=255)
    # Who: an email (domains), a token's user_id (rest), "guest", "Daily.co TV",
    # or "session:<id>" for a REST participant whose token set no user id.
    identity = models.CharField(max_length=255)
    is_guest = models.BooleanField(default=False)
    user_name = models.CharField(max_length=255, blank=True)
    join = models.DateTimeField()
    leave = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds.")

    class Meta:
        ordering = ["join"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "session_key"], name="attendance_unique_meeting_session"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "join"], name="attendance_team_join"),
            models.Index(fields=["team", "identity", "join"], name="attendance_team_identity"),
            models.Index(fields=["team", "room", "join"], name="attendance_team_room_join"),
        ]

    def __str__(self) -> str:
        return f"{self.identity} in {self.room} from {self.join:%Y-%m-%d %H:%M}"


class MeetingPresence(models.Model):
    """One identified person's merged presence in one ended meeting (people report).

    Derived data, written by `attendance.summary.summarise` in the transaction that
    writes the meeting's sessions, from exactly the computation the reports use
    (`attendance.reports.presence`); times are epoch seconds as that computation gives
    them. A meeting's rows count only while `Meeting.summarised` is true.
    """

    # No index of their own: the primary key leads with the meeting, the report's index
    # with the team (every index is paid for on each write of a sync).
    pk = models.CompositePrimaryKey("meeting", "identity")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Denormalised from the meeting: the report's filters read one index.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
    start = models.DateTimeField()
    room = models.CharField(max_length=128)
    identity = models.CharField(max_length=255)  # identified people only, never a guest
    name = models.CharField(max_length=255, blank=True)
    sessions = models.PositiveIntegerField()
    first_join = models.FloatField(help_text="Epoch seconds.")
    last_leave = models.FloatField(help_text="Epoch seconds.")
    open = models.BooleanField(default=False, help_text="A session without a leave.")
    merged = models.FloatField(help_text="Seconds present (overlaps counted once).")
    meeting_seconds = models.FloatField(help_text="The meeting's length.")

    class Meta:
        indexes = [
            models.Index(fields=["team", "start"], name="presence_team_start"),
        ]

    def __str__(self) -> str:
        return f"{self.identity} in meeting {self.meeting_id}"


class PersonDay(models.Model):
    """MeetingPresence added up per person and UTC day of the meetings' start.

    A month of a busy team is a few thousand of these against a few hundred thousand
    MeetingPresence rows. Kept by `attendance.summary` with the rows it adds up; the
    people report reads them for the whole UTC days of its range when no room or
    attendance threshold is asked for (those need the meetings one by one).
    """

    pk = models.CompositePrimaryKey("team", "day", "identity")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(help_text="UTC date of the meetings' start.")
    identity = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True)
    meetings = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()
    merged = models.FloatField(help_text="Seconds present, added over the meetings.")
    first_join = models.FloatField(help_text="Epoch seconds.")
    last_leave = models.FloatField(help_text="Epoch seconds.")
    open = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.identity} on {self.day}"


class MeetingFigures(models.Model):
    """What one ended meeting adds to the report summaries (attendance.rollups).

    Written with the meeting's MeetingPresence rows, in the same transaction; a meeting has
    a row exactly while `Meeting.summarised` is true. It records the room and start the
    summaries counted the meeting under, so a meeting that moves, changes or goes is taken
    out of the right RoomPeriod rows.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
    room = models.CharField(max_length=128)
    start = models.DateTimeField()
    end = models.DateTimeField()
    seconds = models.FloatField(help_text="The meeting's length.")
    peak = models.PositiveIntegerField(null=True, blank=True)
    sessions = models.PositiveIntegerField(help_text="Session rows stored.")
    guests = models.PositiveIntegerField(help_text="Guest sessions.")
    people = models.PositiveIntegerField(help_text="Distinct identified people.")
    participant_seconds = models.FloatField(
        default=0,
        help_text="Participant-seconds: its people's merged seconds (MeetingPresence) and its"
        " guest sessions' seconds.",
    )
    longest_guest = models.FloatField(default=0, help_text="The longest guest session's seconds.")

    def __str__(self) -> str:
        return f"figures of meeting {self.meeting_id}"


class Grain(models.IntegerChoices):
    """The length of a summary period (RoomPeriod, RoomPersonPeriod), in UTC."""

    SLOT = 0, "15 minutes"  # every time zone's midnight falls on one of these
    DAY = 1, "day"
    MONTH = 2, "month"  # RoomPersonPeriod too, with the first and last start in it
    EVER = 3, "all time"  # start: 1970-01-01
    WEEK = 4, "week"  # Monday to Monday, from the days (RoomPeriod only)


class RoomPeriod(models.Model):
    """Ended meetings added up per room and period of their start (room "" = the team).

    Slots are added up from MeetingFigures, days from slots, months from days
    (attendance.rollups), so a report over a year reads at most a few thousand rows.
    """

    pk = models.CompositePrimaryKey("team", "room", "grain", "start")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
    room = models.CharField(max_length=128)
    grain = models.PositiveSmallIntegerField(choices=Grain.choices)
    start = models.DateTimeField()
    meetings = models.PositiveIntegerField()
    seconds = models.FloatField()
    peak = models.PositiveIntegerField(null=True, blank=True)
    sessions = models.PositiveIntegerField()
    guests = models.PositiveIntegerField()
    last_end = models.DateTimeField()
    participant_seconds = models.FloatField(default=0)  # usage: people and guests
    longest_guest = models.FloatField(default=0)  # the longest guest session

    class Meta:
        indexes = [
            models.Index(fields=["team", "grain", "start"], name="roomperiod_team_grain_start"),
        ]

    def __str__(self) -> str:
        return f"{self.room or 'all rooms'} from {self.start}"


class RoomPersonPeriod(models.Model):
    """An identified person was in an ended meeting of this room (or of the team: room "")
    that started in this UTC day or UTC month, or ever (Grain.EVER): distinct people over a
    range are counted here (attendance.rollups).

    A month row also holds the first and the last start of the person's meetings in it:
    a range that holds the start or the end of a month (a month of any time zone: its
    midnights are hours off UTC's) reads, per person, whether one of their meetings of
    that month started in the range, without a row per day."""

    pk = models.CompositePrimaryKey("team", "room", "grain", "start", "identity")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
    room = models.CharField(max_length=128)
    grain = models.PositiveSmallIntegerField(choices=Grain.choices)
    start = models.DateTimeField()
    identity = models.CharField(max_length=255)
    first_start = models.DateTimeField(null=True, blank=True)  # month rows only
    last_start = models.DateTimeField(null=True, blank=True)  # month rows only

    class Meta:
        indexes = [
            # Was this person in this room on a day of the range: one probe.
            models.Index(
                fields=["team", "room", "identity", "grain", "start"], name="roomperson_probe"
            ),
            # A person's months in every room: the team's month row recounted from them.
            models.Index(
                fields=["team", "grain", "start", "identity"],
                name="roomperson_month",
                condition=models.Q(grain=Grain.MONTH),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identity} in {self.room or 'the team'} from {self.start}"


class SyncState(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="sync_state")
    # Everything that started before this instant has been synced (meetings
    # still ongoing are revisited until they end, whatever the watermark).
    watermark = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_type = models.CharField(max_length=64, blank=True)
    # An authentication failure stops the periodic sync until the token is fixed.
    blocked_by_auth = models.BooleanField(default=False)
    # A backfill (a window asked with --since) that has not finished: every meeting that
    # started in [backfill_from, backfill_checkpoint) is written, so asking again for a
    # window that starts in there continues at the checkpoint (attendance.sync.plan_window).
    backfill_from = models.DateTimeField(null=True, blank=True)
    backfill_checkpoint = models.DateTimeField(null=True, blank=True)
    # A lease taken by one sync run at a time (see attendance.locks).
    lock_token = models.CharField(max_length=64, blank=True)
    lock_expires = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sync state of {self.team}"


class SyncOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("OK")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (another run held the lock)")


class SyncTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Sync now")
    COMMAND = "command", _("Command line")
    WEBHOOK = "webhook", _("Webhook")


class SyncRun(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=16, choices=SyncTrigger.choices)
    outcome = models.CharField(
        max_length=16, choices=SyncOutcome.choices, default=SyncOutcome.RUNNING
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    meetings_seen = models.PositiveIntegerField(default=0)
    meetings_written = models.PositiveIntegerField(default=0)
    rows_seen = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    error_type = models.CharField(max_length=64, blank=True)
    # Every meeting that started in [window_start, checkpoint) is written: the run walks
    # its window oldest first in sub-windows and moves this after each.
    checkpoint = models.DateTimeField(null=True, blank=True)
    quarantined = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["team", "-started_at"], name="syncrun_team_started")]

    def __str__(self) -> str:
        return f"sync of {self.team} at {self.started_at:%Y-%m-%d %H:%M} ({self.outcome})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class QuarantinedMeeting(models.Model):
    """A meeting the sync could not store even alone (attendance.quarantine).

    Kept so it is seen (the sync page lists it) instead of stopping the team's sync: the
    rest of its batch is stored and the watermark moves on. Every string is sanitised.
    """

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="quarantine")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    room = models.CharField(max_length=128, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    error_type = models.CharField(max_length=64)
    error = models.TextField()
    # What Daily said of it, in short: upstream id, end, counts, a few participants.
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "-created_at"], name="quarantine_team_created")]

    def __str__(self) -> str:
        return f"quarantined meeting {self.key} of {self.team}"


class WebhookEndpoint(models.Model):
    """The webhook Daily calls for a REST team, as registered from the dashboard."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="webhook")
    upstream_id = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=500)
    # The HMAC secret Daily signs with (base64), encrypted like the API token.
    secret_encrypted = crypto.EncryptedTextField(blank=True, label="webhook secret")
    state = models.CharField(max_length=32, blank=True)
    failed_count = models.PositiveIntegerField(default=0)
    registered_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"webhook of {self.team}"

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = crypto.encrypt(secret)

    def get_secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted) if self.secret_encrypted else ""


class WebhookEvent(models.Model):
    """Every event received, once: the unique id makes redelivery harmless."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=64)
    type = models.CharField(max_length=64)
    event_ts = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "event_id"], name="webhookevent_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
