"""The mirror of each team's cloud recordings, and its retention policy.

Pages read recordings from here with SQL (DESIGN rule 8); the worker fills and refreshes
the mirror at Daily's pace (`recordings.mirror`, `recordings.tasks`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class Status(models.TextChoices):
    # Reference: docs.daily.co/reference/rest-api/recordings/config, `status`.
    FINISHED = "finished", _("Finished")
    IN_PROGRESS = "in-progress", _("In progress")
    CANCELED = "canceled", _("Canceled")
    UNKNOWN = "unknown", _("Unknown")


class MirroredRecording(models.Model):
    """One recording as Daily last listed it (or as the dashboard last changed it)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="recordings")
    recording_id = models.CharField(max_length=128)
    room_name = models.CharField(max_length=128)
    started_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices)
    # Seconds; None while in progress (Daily leaves it out then).
    duration = models.PositiveIntegerField(null=True, blank=True)
    max_participants = models.PositiveIntegerField(null=True, blank=True)
    s3key = models.CharField(max_length=1024, blank=True)
    mtg_session_id = models.CharField(max_length=64, blank=True)
    tracks = models.PositiveSmallIntegerField(default=0)  # raw-tracks files
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "recording_id"], name="recording_team_id")
        ]
        indexes = [
            # The page: newest first, filtered by room, status and start.
            models.Index(fields=["team", "-started_at", "-id"], name="recording_team_start"),
            models.Index(fields=["team", "room_name", "-started_at"], name="recording_team_room"),
            models.Index(fields=["team", "status", "-started_at"], name="recording_team_status"),
        ]

    def __str__(self) -> str:
        return f"{self.recording_id} ({self.room_name})"


class RecordingMirror(models.Model):
    """Per team: how fresh the mirror is, the walk under way (resumable), the lease."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, primary_key=True, related_name="recording_mirror"
    )
    # The end of the last complete walk of Daily's list: the page's freshness line.
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # The walk under way (newest first): the id of the last recording stored is the
    # `starting_after` of the next page; a killed worker resumes there.
    walk_started_at = models.DateTimeField(null=True, blank=True)
    walk_cursor = models.CharField(max_length=128, blank=True)
    walk_seen = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField(null=True, blank=True)
    # The bucket the domain's configuration names (`recordings_bucket.bucket_name`), read
    # with each walk: recordings there are the team's own; deleting removes Daily's
    # reference only. Empty: Daily's storage (or not known).
    domain_bucket = models.CharField(max_length=255, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_type = models.CharField(max_length=64, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recordings of {self.team}"

    @property
    def current_error(self) -> str:
        if not self.last_error:
            return ""
        if self.refreshed_at and self.last_error_at and self.last_error_at < self.refreshed_at:
            return ""
        return self.last_error


class RetentionPolicy(models.Model):
    """ "Delete recordings older than N days", per team. Enabled only after its preview."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, primary_key=True, related_name="recording_retention"
    )
    days = models.PositiveIntegerField(null=True, blank=True)
    enabled = models.BooleanField(default=False)
    enabled_at = models.DateTimeField(null=True, blank=True)
    enabled_by = models.CharField(max_length=150, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"retention of {self.team}: {self.days} days ({'on' if self.enabled else 'off'})"


class RetentionDeletion(models.Model):
    """One recording the policy deletes: written before Daily is asked, done once.

    The unique (team, recording_id) makes the deletion happen exactly once per recording,
    whatever runs overlap or restart; `done_at` marks it finished (audited once)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="retention_deletions")
    recording_id = models.CharField(max_length=128)
    room_name = models.CharField(max_length=128)
    started_at = models.DateTimeField()
    queued_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)  # deleted, missing, failed
    message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "recording_id"], name="retention_deletion_once")
        ]
        indexes = [models.Index(fields=["team", "done_at"], name="retention_team_pending")]

    def __str__(self) -> str:
        return f"retention delete {self.recording_id}"
