"""The mirror of each team's rooms, kept by the worker so that no page view lists rooms at
Daily (a team may have 100,000 rooms; Daily lists 100 per call at about 20 calls a second).

- `MirroredRoom`: one room as Daily last described it (what the list, its search, sort and
  filters show, and the raw `config` for the detail page).
- `RoomMirror`: per team, the state of the mirror: the resumable walk of Daily's room list
  (first fill or full reconcile), its progress, and how fresh the mirror is.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from teams.models import Team


def privacy_rank() -> Case:
    """Privacy as the list sorts it: public, team, private, then not reported. The list's
    sort and its index are this one expression, so that PostgreSQL matches them."""
    return Case(
        When(privacy="public", then=Value(0)),
        When(privacy="org", then=Value(1)),
        When(privacy="private", then=Value(2)),
        default=Value(3),
        output_field=models.IntegerField(),
    )


_DIGITS = re.compile(r"[0-9]+")
# Between the key's natural part and the name: below any character a name holds.
SORT_KEY_SEPARATOR = "\x01"


def _number(run: re.Match[str]) -> str:
    digits = run.group().lstrip("0") or "0"
    return (str(len(digits)) if len(digits) <= 9 else ":") + digits


def natural_key(name: str) -> str:
    """Where a room sorts by name: `bulk-test-4` before `bulk-test-10`, `Room 2` before
    `room 10`. The name lower-cased with each run of digits written as its length then
    its digits without leading zeros ("10" is "210", "4" is "14": a shorter number sorts
    first, as a digit sorts before a letter), then SORT_KEY_SEPARATOR and the name itself,
    so the key is unique in a team and the order total ("Room 2" before "room 2", "a-01"
    before "a-1"). A plain string, compared character by character alike in SQLite and
    PostgreSQL (the column's collation is "C" there).

    The limit: a number of up to 9 digits (leading zeros aside) sorts by its value; a
    longer one sorts after all of those and, among longer ones, by its digits as text.
    Only ASCII digits count as digits."""
    return _DIGITS.sub(_number, name.lower()) + SORT_KEY_SEPARATOR + name


def name_of(key: str) -> str:
    """The name a `natural_key` was made of."""
    start = key.find(SORT_KEY_SEPARATOR)
    while start >= 0:
        name = key[start + len(SORT_KEY_SEPARATOR) :]
        if natural_key(name) == key:
            return name
        start = key.find(SORT_KEY_SEPARATOR, start + 1)
    raise ValueError("not a sort key")


class SortKeyField(models.CharField):
    """`natural_key` of the row's name, set on every insert and save (Django computes it
    in `pre_save`, which `bulk_create` and its upserts call too), so every write of the
    mirror keeps it; a queryset `update()` of `name` would not (none is made). Collated
    "C" on PostgreSQL: the order of the characters, as SQLite compares them."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = natural_key(model_instance.name)  # type: ignore[attr-defined]
        setattr(model_instance, self.attname, value)
        return value

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class MirroredRoom(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="mirrored_rooms")
    name = models.CharField(max_length=128)
    # REST: Daily's room id (the cursor of its room list). Domains rooms have none.
    daily_id = models.CharField(max_length=64, blank=True)
    # "" when Daily did not say (the domains team-info call lists names and PINs only).
    privacy = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    api_created = models.BooleanField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    dial_in_pin = models.CharField(max_length=16, blank=True)
    # The properties the list and its filters show, from `config`.
    opens_at = models.DateTimeField(null=True, blank=True)  # config.nbf
    expires_at = models.DateTimeField(null=True, blank=True)  # config.exp
    # Daily's `config` as it came (only the properties that differ from the defaults).
    config = models.JSONField(default=dict, blank=True)
    # Where the room sorts by name (`natural_key`), kept from `name` on every write.
    sort_key = SortKeyField(max_length=512, default="", editable=False)
    # The privacy sort's key, kept by the database: an index on the expression itself is
    # matched by PostgreSQL but not by SQLite, whose queries bind the CASE's values.
    privacy_rank = models.GeneratedField(
        expression=privacy_rank(), output_field=models.SmallIntegerField(), db_persist=True
    )
    # When Daily last listed it, or the dashboard last wrote it: a full reconcile deletes
    # the rooms it did not see since it started.
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="mirroredroom_team_name"),
        ]
        # One index per sort of the rooms list (`rooms.listing.ORDERS`), each in the order's
        # own terms and carrying the columns a row shows: on PostgreSQL a page of the list,
        # even a deep one (OFFSET 99,000), is an index-only scan. SQLite has no INCLUDE.
        indexes = [
            models.Index(
                fields=["team", "sort_key"],
                name="mirroredroom_team_sortkey",
                include=["name", "privacy", "created_at"],
            ),
            models.Index(
                fields=["team", "created_at", "sort_key"],
                name="mirroredroom_team_created_nat",
                include=["name", "privacy"],
            ),
            models.Index(
                fields=["team", "privacy_rank", "sort_key"],
                name="mirroredroom_team_privrank_nat",
                include=["name", "privacy", "created_at"],
            ),
            models.Index(fields=["team", "privacy"], name="mirroredroom_team_privacy"),
        ]

    def __str__(self) -> str:
        return self.name


class MirrorState(models.TextChoices):
    EMPTY = "empty", "not loaded yet"
    FILLING = "filling", "loading"
    READY = "ready", "loaded"


class WalkKind(models.TextChoices):
    NONE = "", "none"
    FILL = "fill", "first fill"
    RECONCILE = "reconcile", "full reconcile"


class RoomMirror(models.Model):
    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, primary_key=True, related_name="room_mirror"
    )
    state = models.CharField(max_length=16, choices=MirrorState.choices, default=MirrorState.EMPTY)
    # The walk of Daily's whole room list under way (newest first), resumable: the id of
    # the last room stored is the `starting_after` of the next page.
    walk = models.CharField(max_length=16, choices=WalkKind.choices, blank=True, default="")
    walk_cursor = models.CharField(max_length=64, blank=True)
    walk_started_at = models.DateTimeField(null=True, blank=True)
    walk_seen = models.PositiveIntegerField(default=0)
    # Daily's `total_count` on the last page read (the "of N" of the progress).
    total_count = models.PositiveIntegerField(null=True, blank=True)
    filled_at = models.DateTimeField(null=True, blank=True)
    # The last time the newest rooms were read (the list's freshness), and the last full
    # reconcile (rooms deleted, renamed or changed outside the dashboard).
    refreshed_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    # One worker at a time per team: a lease taken with a conditional UPDATE.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_type = models.CharField(max_length=64, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # Domains teams: the rest of the team-info answer (invite link, users), so that every
    # page reads the mirror. None until the first refresh.
    team_info = models.JSONField(null=True, blank=True)
    # Moved after (or in the same transaction as) every write that may add or remove a
    # room of the mirror or change where it sorts (`rooms.mirror.rooms_changed`): the
    # list's count of the team's rooms and its page marks are cached under it, so a page
    # neither counts 100,000 rows nor reads them all to reach a deep page.
    rooms_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"rooms of {self.team}"

    @property
    def current_error(self) -> str:
        """The last error if the latest attempt failed (a good refresh since clears it)."""
        if not self.last_error:
            return ""
        if self.refreshed_at and self.last_error_at and self.last_error_at < self.refreshed_at:
            return ""
        return self.last_error


# -- bulk actions ---------------------------------------------------------------------------
# A bulk action (delete rooms, or set their privacy) is a job run by the worker, room by room
# at Daily's pace. Its rooms are written as items when the job is created, from the names
# the preview showed, so a room created afterwards is never touched.


class BulkAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    PRIVACY = "privacy", _("Set privacy")


class BulkJobState(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("running")
    DONE = "done", _("finished")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("stopped by an error")


class BulkJob(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="bulk_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=16, choices=BulkAction.choices)
    privacy = models.CharField(max_length=16, blank=True)  # the target, for "privacy"
    # "Every room matching": the list's search at the time (shown on the job page).
    matching = models.BooleanField(default=False)
    query = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=16, choices=BulkJobState.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    # One runner at a time: a lease taken with a conditional UPDATE and renewed after each
    # room; a killed worker's lease lapses and the job is queued again (rooms.bulk_tasks).
    lease_owner = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    notice = models.CharField(max_length=255, blank=True)  # e.g. "Daily asked us to slow down"
    error = models.TextField(blank=True)  # why a job stopped (state "failed")

    class Meta:
        indexes = [
            models.Index(fields=["team", "-created_at"], name="bulkjob_team_created"),
            models.Index(fields=["state", "lease_until"], name="bulkjob_state_lease"),
        ]

    def __str__(self) -> str:
        return f"bulk {self.action} #{self.pk} of {self.team}"

    @property
    def finished_items(self) -> int:
        return self.done_count + self.failed_count + self.skipped_count

    @property
    def active(self) -> bool:
        return self.state in (BulkJobState.QUEUED, BulkJobState.RUNNING)


class BulkItemState(models.TextChoices):
    PENDING = "pending", "waiting"
    # The call to Daily may have been sent: a run that resumes after a killed worker
    # checks what happened before acting again (rooms.bulk).
    SENDING = "sending", "in progress"
    DONE = "done", "done"
    FAILED = "failed", "failed"
    SKIPPED = "skipped", "skipped"


class BulkItem(models.Model):
    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    room = models.CharField(max_length=128)
    before = models.CharField(max_length=32, blank=True)  # the privacy the preview showed
    state = models.CharField(max_length=16, choices=BulkItemState.choices, default="pending")
    error_type = models.CharField(max_length=64, blank=True)
    message = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "room"], name="bulkitem_job_room"),
        ]
        indexes = [
            models.Index(fields=["job", "state", "id"], name="bulkitem_job_state"),
            models.Index(fields=["job", "finished_at"], name="bulkitem_job_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.room} ({self.state})"
