"""Recordings: the mutations and the audited reads, each through `teams.audit.perform`.

Audit actions (free strings in the recordings namespace; teams.models.AuditAction has no
choices for them yet): "recording.link" (a download link was generated: the person could
fetch the file, so it is audited although nothing changes), "recording.delete",
"recording.retention" (the policy was set, enabled or disabled).

Roles (DESIGN's table: recordings are like rooms): every role views the list and
downloads (Permission.VIEW_TEAM); owners and admins delete and set the retention policy
(Permission.MANAGE_ROOMS).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from daily import AccessLink, DailyClient, DailyError, DeletedRecording, InvalidInput, NotFound
from daily import validation as daily_validation
from recordings import mirror
from recordings.models import MirroredRecording
from teams.audit import User, perform
from teams.daily_client import client_for
from teams.models import AuditAction, Team
from teams.permissions import Permission

ACTION_LINK = AuditAction.RECORDING_LINK
ACTION_DELETE = AuditAction.RECORDING_DELETE
ACTION_RETENTION = AuditAction.RECORDING_RETENTION
# How long a generated link works: short, since it grants the file to whoever holds it
# (Daily's minimum for a customer's bucket is 15 minutes: get-recording-link).
LINK_SECONDS = 15 * 60


def check_id(recording_id: str) -> str:
    """A recording id from a URL or form, checked before anything (ids are a path segment)."""
    return daily_validation.identifier(recording_id, field="recording_id")


def target_of(row: MirroredRecording | None, recording_id: str) -> str:
    return f"{row.room_name} / {recording_id}" if row else recording_id


def access_link(*, actor: User, team: Team, recording_id: str, request_id: str = "") -> AccessLink:
    """A new download link from Daily (`GET /recordings/:id/access-link`), never stored."""
    checked = check_id(recording_id)
    row = mirror.recordings(team).filter(recording_id=checked).first()
    try:
        return perform(
            actor=actor,
            team=team,
            permission=Permission.VIEW_TEAM,
            action=ACTION_LINK,
            target=target_of(row, checked),
            operation=lambda client: client.recording_access_link(
                checked, valid_for_secs=LINK_SECONDS
            ),
            request_id=request_id,
        )
    except NotFound:
        mirror.forget(team, checked)
        raise


def delete(
    *,
    actor: User,
    team: Team,
    recording_id: str,
    request_id: str = "",
    background: bool = False,
    message: str = "",
) -> DeletedRecording:
    """Delete at Daily, then from the mirror. A recording Daily no longer has counts as
    deleted (its row goes too). Audited either way; failures propagate as DailyError."""
    checked = check_id(recording_id)
    row = mirror.recordings(team).filter(recording_id=checked).first()

    def operation(client: DailyClient) -> DeletedRecording:
        return client.delete_recording(checked, missing_ok=True)

    gone = perform(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_ROOMS,
        action=ACTION_DELETE,
        target=target_of(row, checked),
        operation=operation,
        request_id=request_id,
        message=message,
        background=background,
    )
    mirror.forget(team, checked)
    return gone


def room_bucket(team: Team, row: MirroredRecording) -> str | None:
    """The bucket the recording's room names in its properties (`recordings_bucket`), ""
    when none, None when unknown (the room is gone, or Daily did not answer): one call,
    for the confirmation page. Daily's recording object does not say where it is stored."""
    try:
        with client_for(team) as client:
            room = client.get_room(row.room_name)
    except DailyError:
        return None
    bucket = room.properties.recordings_bucket
    return (bucket.bucket_name or "") if bucket is not None else ""


def bucket_note(gone: DeletedRecording) -> str:
    """What the person is told after a deletion from a customer's bucket."""
    if not gone.in_own_bucket:
        return ""
    where = f"s3://{gone.s3_bucket}/{gone.s3_key}" if gone.s3_key else f"s3://{gone.s3_bucket}"
    return gettext(
        "Daily removed its reference only: the file stays in your own bucket "
        "(%(where)s); delete it there if it should go."
    ) % {"where": where}


def parse_days(raw: Any) -> int:
    try:
        days = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidInput(gettext("Enter a whole number of days."), field="days") from None
    if not 1 <= days <= 3650:
        raise InvalidInput(gettext("Enter a number of days from 1 to 3650."), field="days")
    return days
