"""Daily webhooks for REST teams: verify, deduplicate, record at once.

Daily signs each delivery with the endpoint's secret:
``base64(HMAC_SHA256(key=base64decode(secret), msg=timestamp + "." + raw_body))``
in ``X-Webhook-Signature``, the timestamp in ``X-Webhook-Timestamp``.

Replay protection is the event id, recorded once: a redelivery changes nothing.
The timestamp only bounds how long an id must be remembered. Daily retries a
failed delivery for about 15 minutes (retryType `exponential`, docs.daily.co/
reference/rest-api/webhooks) and does not say it signs a retry anew, so a stamp
up to `MAX_AGE` old is accepted; older ones, and stamps more than `MAX_AHEAD` in
the future, are refused.

Before Daily creates or updates a webhook it POSTs a test request (``{"test":
"test"}``) and refuses unless it gets a 200: the receiver answers it with 200 and
writes nothing (unsigned, for any address: the answer then tells nothing about a team;
signed, only when the signature verifies). `register` therefore stores the endpoint and
its secret before it asks Daily, and removes them again if Daily refuses.

Every request that cannot be verified gets one answer, byte for byte: an unknown team,
a domains team, a team without a webhook, a missing, malformed, stale or future
timestamp, a bad signature, an unusable stored secret. Its status and body tell a prober
nothing about which teams exist or have a webhook; the reason goes to the log only.

What an event says is written at once, as provisional rows (keys prefixed with
`PROVISIONAL`) unless the sync already stored Daily's own copy; the sync then
replaces them with Daily's figures (see attendance.reconcile).
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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from attendance.models import Attendance, Meeting, WebhookEndpoint, WebhookEvent
from attendance.reconcile import PROVISIONAL, SAME_START
from attendance.reports import known
from attendance.summary import summarise
from daily import DailyClient, InvalidInput, NotFound, ParseError
from daily.timeutil import add_seconds, parse_time
from teams.audit import perform
from teams.crypto import TokenDecryptionError
from teams.daily_client import client_for
from teams.models import AuditAction, Dialect, Team
from teams.permissions import Permission, ensure_permission

log = logging.getLogger(__name__)

# Daily's retries span about 15 minutes; twice that covers a slow last attempt.
MAX_AGE = timedelta(minutes=30)
# Clocks disagree a little; a stamp from further ahead is no delivery of Daily's.
MAX_AHEAD = timedelta(minutes=5)
# The test request Daily sends before it creates or updates a webhook. Reference:
# docs.daily.co/reference/rest-api/webhooks ("We'll send a POST request to your webhook
# endpoint with the following payload"; public receivers recognise {"test": "test"}).
TEST_BODY = {"test": "test"}
# The state of an endpoint stored before Daily has accepted it.
PENDING = "PENDING"
# A duration longer than a year is not a meeting; it also fits every integer column.
MAX_SECONDS = 366 * 24 * 3600
EVENT_TYPES = ["meeting.started", "meeting.ended", "participant.joined", "participant.left"]


# The one answer to a request that cannot be verified (see the module docstring).
UNVERIFIED_STATUS = 401
UNVERIFIED = "the request could not be verified"
# Signs for a request that names no usable endpoint, so it costs what a real check does.
_DUMMY_SECRET = base64.b64encode(b"\x00" * 32).decode()


class WebhookRejected(Exception):
    """`status` and `reason` are the answer; `detail` is for the log only."""

    def __init__(self, status: int, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail or reason


def _unverified(detail: str) -> WebhookRejected:
    return WebhookRejected(UNVERIFIED_STATUS, UNVERIFIED, detail)


@dataclass(frozen=True)
class Outcome:
    recorded: bool
    reason: str


@sensitive_variables("secret_b64", "key")
def signature(secret_b64: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret_b64)
    mac = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


@sensitive_variables("secret", "key", "expected")
def verify(
    endpoint: WebhookEndpoint | None, timestamp: str, sent: str, body: bytes, now=None
) -> None:
    """Raise the one unverified answer unless `endpoint`'s secret signed this request.

    The signature is computed in every case (with a dummy secret when there is no usable
    one), so the time of the answer does not tell a missing endpoint from a bad signature.
    """
    now = now or timezone.now()
    problem = None
    secret = None
    if endpoint is None or not endpoint.secret_encrypted:
        problem = "no webhook is registered for this team"
    else:
        try:
            secret = endpoint.get_secret()
            base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError, TokenDecryptionError):
            log.error("The stored webhook secret of team %s is unusable", endpoint.team_id)
            problem, secret = "the stored webhook secret is unusable", None
    expected = signature(secret or _DUMMY_SECRET, timestamp, body)
    try:
        sent_at = datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        sent_at = None
    if problem is None and sent_at is None:
        problem = "missing or malformed X-Webhook-Timestamp"
    elif problem is None and sent_at < now - MAX_AGE:
        problem = "stale timestamp"
    elif problem is None and sent_at > now + MAX_AHEAD:
        problem = "timestamp in the future"
    matches = bool(sent) and hmac.compare_digest(expected.encode(), sent.encode())
    if problem is None and not matches:
        problem = "bad signature"
    if problem is not None:
        raise _unverified(problem)


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


def _ident(value, limit: int) -> str:
    """An identifier as a column can hold it, still telling different ones apart: one
    too long keeps its start and ends with a digest of the whole (clipping alone could
    make two events one, or two sessions one)."""
    text = str(value or "").replace("\x00", "")
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    return f"{text[: limit - 25]}~{digest}"


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


def receive_for(team_slug: str, headers: Mapping[str, str], body: bytes, now=None) -> Outcome:
    """The receiver's entry: the team by its address; an unknown address or a domains team
    (which has no webhooks) is refused exactly as a bad signature is."""
    team = Team.objects.filter(slug=team_slug, dialect=Dialect.REST).first()
    return receive(team, headers, body, now=now)


def receive(team: Team | None, headers: Mapping[str, str], body: bytes, now=None) -> Outcome:
    endpoint = WebhookEndpoint.objects.filter(team=team).first() if team is not None else None
    timestamp = headers.get("X-Webhook-Timestamp", "")
    sent = headers.get("X-Webhook-Signature", "")
    try:
        event = json.loads(body, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError):
        event = None
    if event == TEST_BODY:
        # Daily's check before it creates or updates the webhook: a 200 and no side
        # effect. The docs do not say the test is signed; when it is, it must verify.
        # Unsigned, it is answered for any address alike (it proves nothing, writes nothing).
        if timestamp or sent:
            verify(endpoint, timestamp, sent, body, now=now)
        return Outcome(False, "test")
    verify(endpoint, timestamp, sent, body, now=now)
    assert team is not None and endpoint is not None  # verified: both exist
    if event is None:
        raise WebhookRejected(400, "the body is not JSON")
    if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
        raise WebhookRejected(400, "not a Daily event envelope")
    event_id, kind = _ident(event.get("id"), 64), _text(event.get("type"), 64)
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
    meeting_id = _ident(p.get("meeting_id"), 255 - len(PROVISIONAL))
    if kind in ("meeting.started", "meeting.ended"):
        start = _at(p.get("start_ts"))
        if not (meeting_id and room and start):
            return False
        if _synced_copy(team, meeting_id, room, start) is not None:
            # The sync holds Daily's own record of this meeting: nothing to add (it revisits
            # a meeting until it has ended).
            return True
        key = PROVISIONAL + meeting_id
        if kind == "meeting.started":
            Meeting.objects.get_or_create(
                team=team,
                key=key,
                defaults={
                    "upstream_id": meeting_id[:64],
                    "room": room,
                    "start": start,
                    "ongoing": True,
                },
            )
            return True
        end = _at(p.get("end_ts"))
        if end is None:
            return False
        meeting, _ = Meeting.objects.update_or_create(
            team=team,
            key=key,
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


def _synced_copy(team: Team, meeting_id: str, room: str, start: datetime) -> Meeting | None:
    """The sync's row of this meeting, if it has one.

    Daily does not document that a webhook's `meeting_id` is the `/meetings` id, so the
    same room with a start within SAME_START counts too (a room holds one meeting at a
    time; Daily rounds start times to about 15 s).
    """
    near = Q(room=room, start__gte=start - SAME_START, start__lte=start + SAME_START)
    return (
        Meeting.objects.filter(team=team)
        .filter(Q(key=meeting_id) | near)
        .exclude(key__startswith=PROVISIONAL)
        .order_by("pk")
        .first()
    )


def _apply_participant(team: Team, kind: str, room: str, p: dict) -> bool:
    joined = _at(p.get("joined_at"))
    session_id = _ident(p.get("session_id"), 255 - len(PROVISIONAL))
    if not (room and joined and session_id):
        return False
    # Participant events carry no meeting id: the meeting is the one running in
    # that room when the person joined, the sync's copy before a provisional one.
    # Without it (events out of order), the periodic sync will record this session.
    # Locked first, as the sync locks a meeting before its sessions (see attendance.summary).
    running = (
        Meeting.objects.select_for_update()
        .filter(team=team, room=room, start__lte=joined)
        .filter(Q(ongoing=True) | Q(end__gte=joined))
    )
    meeting = (
        running.exclude(key__startswith=PROVISIONAL).order_by("-start").first()
        or running.filter(key__startswith=PROVISIONAL).order_by("-start").first()
    )
    if meeting is None:
        return False
    # The sync's own row of this session when the ids agree; otherwise a provisional one.
    synced = Attendance.objects.filter(meeting=meeting, session_key=session_id).exists()
    session_key = session_id if synced else PROVISIONAL + session_id
    user_id = _text(p.get("user_id"), 255)
    # No user id, the session id, or HIPAA's stand-in for every user: no one person.
    is_guest = not user_id or user_id == _text(p.get("session_id"), 255) or user_id == "hipaa"
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
    Attendance.objects.update_or_create(meeting=meeting, session_key=session_key, defaults=defaults)
    summarise(team, [meeting.pk])  # a late leave may change an ended meeting's figures
    return True


def new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@sensitive_variables("secret", "previous_secret", "hook")
def register(team: Team, actor, url: str) -> WebhookEndpoint:
    """Create (or point) the team's Daily webhook at `url`, audited.

    Daily POSTs a test request to `url` and refuses unless it gets a 200, so the
    endpoint and its secret are stored (committed) before Daily is asked, for the
    receiver to know the test; if Daily refuses, a new endpoint is removed again and an
    existing one is left as it was.
    """
    url = url.replace("\x00", "")
    longest = WebhookEndpoint._meta.get_field("url").max_length
    if len(url) > longest:
        raise InvalidInput(f"The URL may have at most {longest} characters.", field="url")
    if actor is not None:
        ensure_permission(actor, team, Permission.MANAGE_TEAM)  # before anything is stored
    endpoint = WebhookEndpoint.objects.filter(team=team).first()
    created = endpoint is None
    if endpoint is None:
        # Not active until Daily has created it (no upstream id): stored for the test.
        endpoint = WebhookEndpoint(team=team, url=url, state=PENDING)
    previous_secret = endpoint.secret_encrypted
    secret = _usable_secret(endpoint)
    if secret is None:
        secret = new_secret()
        endpoint.set_secret(secret)
    endpoint.save()
    try:
        hook = perform(
            actor=actor,
            team=team,
            permission=Permission.MANAGE_TEAM,
            action=AuditAction.WEBHOOK_CHANGE,
            target=f"register {url}",
            operation=lambda client: _create_or_point(client, endpoint, url, secret),
        )
    except BaseException:
        if created:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
        else:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted=previous_secret)
        raise
    endpoint.upstream_id = _text(hook.id, 64)
    endpoint.url = _text(hook.url or url, longest)
    endpoint.set_secret(hook.hmac or secret)
    _note_state(endpoint, hook)
    endpoint.save()
    return endpoint


@sensitive_variables("secret")
def _usable_secret(endpoint: WebhookEndpoint) -> str | None:
    """The endpoint's secret if it can sign (kept when re-pointing: Daily may still be
    delivering events signed with it), else None."""
    try:
        secret = endpoint.get_secret()
        return secret if secret and base64.b64decode(secret, validate=True) else None
    except (binascii.Error, ValueError, TokenDecryptionError):
        return None


@sensitive_variables("secret")
def _create_or_point(client: DailyClient, endpoint: WebhookEndpoint, url: str, secret: str):
    if endpoint.upstream_id:
        try:
            return client.update_webhook(
                endpoint.upstream_id, url=url, event_types=EVENT_TYPES, hmac=secret
            )
        except NotFound:
            pass  # deleted in Daily's dashboard meanwhile: create it again
    return client.create_webhook(url, event_types=EVENT_TYPES, hmac=secret)


def _note_state(endpoint: WebhookEndpoint, hook) -> None:
    """Daily's state and failure count as the columns hold them."""
    endpoint.state = _text(hook.state, WebhookEndpoint._meta.get_field("state").max_length)
    endpoint.failed_count = max(0, min(hook.failed_count or 0, 2**31 - 1))
    endpoint.checked_at = timezone.now()


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
    _note_state(endpoint, hook)
    endpoint.save(update_fields=["state", "failed_count", "checked_at"])
    return endpoint
