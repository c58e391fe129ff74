"""Daily webhooks for REST teams: verify, deduplicate, record at once.

Daily signs each delivery with the endpoint's secret:
``base64(HMAC_SHA256(key=base64decode(secret), msg=timestamp + "." + raw_body))``
in ``X-Webhook-Signature``, the timestamp in ``X-Webhook-Timestamp``. An event
older (or newer) than `MAX_SKEW` is refused, so a captured delivery cannot be
replayed later; the event id is recorded once, so a redelivery changes nothing.

What an event says is written straight into Meeting and Attendance under the
same keys the periodic sync uses (meeting id, session id), so the next sync
simply overwrites it with Daily's own figures: that is the reconciliation.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from attendance.models import Attendance, Meeting, WebhookEndpoint, WebhookEvent
from attendance.reports import known
from attendance.summary import summarise
from daily import DailyClient, InvalidInput, NotFound, ParseError
from daily.timeutil import add_seconds, parse_time
from teams.audit import perform
from teams.crypto import TokenDecryptionError
from teams.daily_client import client_for
from teams.models import AuditAction, Team
from teams.permissions import Permission

log = logging.getLogger(__name__)

MAX_SKEW = timedelta(minutes=5)
# A duration longer than a year is not a meeting; it also fits every integer column.
MAX_SECONDS = 366 * 24 * 3600
EVENT_TYPES = ["meeting.started", "meeting.ended", "participant.joined", "participant.left"]


class WebhookRejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    recorded: bool
    reason: str


def signature(secret_b64: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret_b64)
    mac = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def verify(endpoint: WebhookEndpoint, timestamp: str, sent: str, body: bytes, now=None) -> None:
    now = now or timezone.now()
    try:
        sent_at = datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise WebhookRejected(400, "missing or malformed X-Webhook-Timestamp") from None
    if abs(now - sent_at) > MAX_SKEW:
        raise WebhookRejected(400, "stale timestamp")
    try:
        expected = signature(endpoint.get_secret(), timestamp, body)
    except (binascii.Error, ValueError, TokenDecryptionError):
        raise WebhookRejected(500, "the stored webhook secret is unusable") from None
    if not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise WebhookRejected(401, "bad signature")


def _at(value) -> datetime | None:
    """A unix time of the payload, or None when it is not one (daily/'s rules and range)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_time(float(value), field="ts")
    except (TypeError, ValueError, ParseError):
        return None


def _text(value, limit: int) -> str:
    """A string of the payload as a column can hold it (PostgreSQL refuses NUL)."""
    return str(value or "").replace("\x00", "")[:limit]


def _seconds(value: float) -> int:
    return max(0, min(int(value), MAX_SECONDS))


def _storable(value):
    """The payload as a JSON column can hold it: no NUL in strings or keys."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _no_constants(name: str):
    # NaN and Infinity are not JSON (RFC 8259), and no database JSON column takes them.
    raise ValueError(f"{name} is not JSON")


def receive(team: Team, headers: dict[str, str], body: bytes, now=None) -> Outcome:
    endpoint = WebhookEndpoint.objects.filter(team=team).first()
    if endpoint is None or not endpoint.secret_encrypted:
        raise WebhookRejected(404, "no webhook is registered for this team")
    verify(
        endpoint,
        headers.get("X-Webhook-Timestamp", ""),
        headers.get("X-Webhook-Signature", ""),
        body,
        now=now,
    )
    try:
        event = json.loads(body, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise WebhookRejected(400, "the body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
        raise WebhookRejected(400, "not a Daily event envelope")
    event_id, kind = _text(event.get("id"), 64), _text(event.get("type"), 64)
    if not event_id or not kind:
        raise WebhookRejected(400, "the event has no id or type")
    payload = _storable(event["payload"])
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                team=team,
                event_id=event_id,
                type=kind,
                event_ts=_at(event.get("event_ts")),
                payload=payload,
            )
            applied = _apply(team, kind, payload)
    except IntegrityError:
        return Outcome(False, "duplicate")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_event_at=timezone.now())
    if applied:
        known.forget(team.pk)  # a new room or person may have appeared (committed above)
    return Outcome(True, "recorded" if applied else "ignored")


def _apply(team: Team, kind: str, p: dict) -> bool:
    room = _text(p.get("room"), 128)
    meeting_id = _text(p.get("meeting_id"), 255)
    if kind == "meeting.started":
        start = _at(p.get("start_ts"))
        if not (meeting_id and room and start):
            return False
        Meeting.objects.get_or_create(
            team=team,
            key=meeting_id,
            defaults={
                "upstream_id": meeting_id[:64],
                "room": room,
                "start": start,
                "ongoing": True,
            },
        )
        return True
    if kind == "meeting.ended":
        start, end = _at(p.get("start_ts")), _at(p.get("end_ts"))
        if not (meeting_id and room and start and end):
            return False
        meeting, _ = Meeting.objects.update_or_create(
            team=team,
            key=meeting_id,
            defaults={
                "upstream_id": meeting_id[:64],
                "room": room,
                "start": start,
                "end": end,
                "ongoing": False,
                "duration": _seconds((end - start).total_seconds()),
            },
        )
        summarise(team, [meeting.pk])
        return True
    if kind in ("participant.joined", "participant.left"):
        return _apply_participant(team, kind, room, p)
    return False


def _apply_participant(team: Team, kind: str, room: str, p: dict) -> bool:
    joined = _at(p.get("joined_at"))
    session_id = _text(p.get("session_id"), 255)
    if not (room and joined and session_id):
        return False
    # Participant events carry no meeting id: the meeting is the one running in
    # that room when the person joined. Without it (events out of order), the
    # periodic sync will record this session.
    # Locked first, as the sync locks a meeting before its sessions (see attendance.summary).
    meeting = (
        Meeting.objects.select_for_update()
        .filter(team=team, room=room, start__lte=joined)
        .filter(Q(ongoing=True) | Q(end__gte=joined))
        .order_by("-start")
        .first()
    )
    if meeting is None:
        return False
    user_id = _text(p.get("user_id"), 255)
    is_guest = not user_id or user_id == session_id
    defaults = {
        "team": team,
        "room": room,
        "identity": (f"session:{session_id}" if is_guest else user_id)[:255],
        "is_guest": is_guest,
        "user_name": _text(p.get("user_name"), 255),
        "join": joined,
    }
    if kind == "participant.left":
        try:
            duration = _seconds(float(p.get("duration")))
        except (TypeError, ValueError, OverflowError):  # not a number, NaN, infinity
            duration = None
        if duration is not None:
            with contextlib.suppress(ParseError):  # a leave past the end of the calendar
                defaults["leave"] = add_seconds(joined, duration, field="duration")
                defaults["duration"] = duration
    Attendance.objects.update_or_create(meeting=meeting, session_key=session_id, defaults=defaults)
    summarise(team, [meeting.pk])  # a late leave may change an ended meeting's figures
    return True


def new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def register(team: Team, actor, url: str) -> WebhookEndpoint:
    """Create (or point) the team's Daily webhook at `url`, audited."""
    longest = WebhookEndpoint._meta.get_field("url").max_length
    if len(url) > longest:
        raise InvalidInput(f"The URL may have at most {longest} characters.", field="url")
    endpoint = WebhookEndpoint.objects.filter(team=team).first()
    secret = new_secret()

    def call(client: DailyClient):
        if endpoint and endpoint.upstream_id:
            try:
                return client.update_webhook(
                    endpoint.upstream_id, url=url, event_types=EVENT_TYPES, hmac=secret
                )
            except NotFound:
                pass  # deleted in Daily's dashboard meanwhile: create it again
        return client.create_webhook(url, event_types=EVENT_TYPES, hmac=secret)

    hook = perform(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.WEBHOOK_CHANGE,
        target=f"register {url}",
        operation=call,
    )
    endpoint = endpoint or WebhookEndpoint(team=team)
    endpoint.upstream_id = hook.id
    endpoint.url = hook.url or url
    endpoint.set_secret(hook.hmac or secret)
    endpoint.state = hook.state or ""
    endpoint.failed_count = hook.failed_count or 0
    endpoint.checked_at = timezone.now()
    endpoint.save()
    return endpoint


def unregister(team: Team, actor) -> None:
    endpoint = WebhookEndpoint.objects.filter(team=team).first()
    if endpoint is None:
        return

    def call(client: DailyClient) -> None:
        if endpoint.upstream_id:
            # Already gone in Daily: the goal is reached.
            with contextlib.suppress(NotFound):
                client.delete_webhook(endpoint.upstream_id)

    perform(
        actor=actor,
        team=team,
        permission=Permission.MANAGE_TEAM,
        action=AuditAction.WEBHOOK_CHANGE,
        target=f"remove {endpoint.url}",
        operation=call,
    )
    endpoint.delete()


def refresh_state(team: Team) -> WebhookEndpoint | None:
    """Ask Daily for the webhook's state (a read: not audited)."""
    endpoint = WebhookEndpoint.objects.filter(team=team).first()
    if endpoint is None or not endpoint.upstream_id:
        return endpoint
    with client_for(team) as client:
        hook = client.get_webhook(endpoint.upstream_id)
    endpoint.state = hook.state or ""
    endpoint.failed_count = hook.failed_count or 0
    endpoint.checked_at = timezone.now()
    endpoint.save(update_fields=["state", "failed_count", "checked_at"])
    return endpoint
