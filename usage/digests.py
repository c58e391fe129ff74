"""Attendance digests by email: weekly (Monday to Sunday) or monthly, in the team's time zone.

A digest covers the last complete period of its subscription: the period's meetings in
the chosen rooms (none chosen: every room), the identified people whose attendance is
under the chosen percentage (their merged minutes over the length of the meetings they
were in, the people report's merge), the period's usage line (participant-minutes and
the estimate, `usage.figures`), and a CSV of every identified person attached.

Once per period, however many beat processes run: a DigestDelivery row per (subscription,
period start) is inserted (a conflict is ignored), then locked with SELECT ... FOR UPDATE
SKIP LOCKED in the transaction that sends the mail and marks it sent. A second sender
finds the row locked (skipped) or sent (nothing to do). A mail server failure rolls the
mark back: the next beat tries again. Only a crash between the server's acceptance and
the commit could send twice.

Unsubscribing: every digest carries a link whose token is an HMAC of the subscription's
random nonce with the secret key (only its SHA-256 is stored); it works logged out, the
page needs one click, and mail clients' one-click (RFC 8058, List-Unsubscribe-Post) POST
is accepted too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from attendance.models import Meeting
from attendance.reports.export import minutes as csv_minutes
from attendance.reports.filters import ReportFilters, local_today, start_of_day
from attendance.reports.presence import Scope, presence_cte
from attendance.reports.sql import fetch_all, placeholders
from teams import csvexport, mail
from teams.audit import User, perform_local, record
from teams.language import language_of
from teams.models import AuditAction, Outcome, Team
from teams.permissions import Permission
from usage import figures
from usage.models import DigestDelivery, DigestSubscription, Period

log = logging.getLogger(__name__)

SALT = "usage.digest.unsubscribe"
SUBSCRIBE_ACTION = AuditAction.DIGEST_SUBSCRIBE
UNSUBSCRIBE_ACTION = AuditAction.DIGEST_UNSUBSCRIBE
MEETINGS_LISTED = 50
CSV_HEADER = ("Person", "Identity", "Meetings", "Minutes", "Of meetings' length (%)", "Under")


# -- periods -----------------------------------------------------------------------------
def period_containing(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """[first day, day after the last) of the period holding `day`."""
    if period == Period.MONTHLY:
        first = day.replace(day=1)
        return first, figures.next_month(first)
    first = day - dt.timedelta(days=day.weekday())
    return first, first + dt.timedelta(days=7)


def due_period(sub: DigestSubscription, now: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """The last complete period in the team's time zone, unless it ended before the
    subscription began (a new subscriber's first digest is of their first whole period)."""
    tz = sub.team.tz
    current_first, _ = period_containing(sub.period, local_today(tz, now))
    first, end = period_containing(sub.period, current_first - dt.timedelta(days=1))
    if start_of_day(end, tz) <= sub.created_at:
        return None
    return first, end


# -- unsubscribe tokens ------------------------------------------------------------------
def unsubscribe_token(sub: DigestSubscription) -> str:
    return salted_hmac(SALT, sub.nonce, algorithm="sha256").hexdigest()


def _digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def subscription_for_token(token: str) -> DigestSubscription | None:
    if not token or len(token) > 128:
        return None
    sub = (
        DigestSubscription.objects.select_related("team", "user")
        .filter(token_digest=_digest_of(token))
        .first()
    )
    if sub is None or not constant_time_compare(unsubscribe_token(sub), token):
        return None
    return sub


# -- subscribing -------------------------------------------------------------------------
def subscribe(
    *,
    actor: User,
    team: Team,
    period: str,
    rooms: Sequence[str],
    threshold: int,
    request_id: str = "",
) -> DigestSubscription:
    def operation() -> DigestSubscription:
        nonce = secrets.token_hex(16)
        sub = DigestSubscription(
            user=actor, team=team, period=period, rooms=sorted(set(rooms)), threshold=threshold
        )
        sub.nonce = nonce
        sub.token_digest = _digest_of(unsubscribe_token(sub))
        sub.save()
        return sub

    rooms_text = ", ".join(sorted(set(rooms))) or "every room"
    return perform_local(
        actor=actor,
        team=team,
        permission=Permission.VIEW_ATTENDANCE,
        action=SUBSCRIBE_ACTION,
        target=getattr(actor, "email", "") or actor.get_username(),
        operation=operation,
        request_id=request_id,
        message=f"{period} digest, {rooms_text}, under {threshold}%",
    )


def unsubscribe(sub: DigestSubscription, *, request_id: str = "") -> None:
    """Remove the subscription (the person's own act, from the page or the link)."""
    team, user = sub.team, sub.user
    with transaction.atomic():
        DigestSubscription.objects.filter(pk=sub.pk).delete()
        record(
            team=team,
            actor=user,
            action=UNSUBSCRIBE_ACTION,
            target=user.email or user.get_username(),
            outcome=Outcome.OK,
            message=f"{sub.period} digest",
            request_id=request_id,
        )


# -- the digest's content ----------------------------------------------------------------
@dataclass(frozen=True)
class PersonAttendance:
    identity: str
    name: str
    meetings: int
    seconds: int
    meeting_seconds: int

    @property
    def percent(self) -> float:
        if self.meeting_seconds <= 0:
            return 100.0
        return 100.0 * self.seconds / self.meeting_seconds

    @property
    def label(self) -> str:
        return self.name or self.identity


def attendance(f: ReportFilters, rooms: Sequence[str]) -> list[PersonAttendance]:
    """Every identified person of the range (in these rooms; none: all), with their merged
    seconds and the length of the meetings they were in: one query."""
    cte, params = presence_cte(Scope(filters=f, include_guests=False))
    where = ""
    if rooms:
        where = f"WHERE mt.room IN ({placeholders(rooms)})"
        params = [*params, *rooms]
    # Only constants are formatted in; every value is a parameter.
    sql = f"""{cte}
SELECT pm.identity, MAX(pm.name), COUNT(*), SUM(pm.merged), SUM(pm.m_len)
FROM pm JOIN attendance_meeting mt ON mt.id = pm.meeting_id
{where}
GROUP BY pm.identity
ORDER BY pm.identity"""  # noqa: S608
    return [
        PersonAttendance(
            identity=r[0],
            name=r[1] or "",
            meetings=int(r[2]),
            seconds=round(float(r[3] or 0)),
            meeting_seconds=round(float(r[4] or 0)),
        )
        for r in fetch_all(sql, params)
    ]


def content(
    sub: DigestSubscription, first: dt.date, end: dt.date, now: dt.datetime, base_url: str = ""
) -> dict[str, Any]:
    team = sub.team
    last = end - dt.timedelta(days=1)
    f = ReportFilters(
        team=team,
        date_from=first,
        date_to=end - dt.timedelta(days=1),
        now=now.replace(microsecond=0),
        include_guests=True,
    )
    meetings = Meeting.objects.filter(team=team, start__gte=f.start, start__lt=f.end)
    if sub.rooms:
        meetings = meetings.filter(room__in=sub.rooms)
    listed = list(meetings.order_by("start", "pk")[: MEETINGS_LISTED + 1])
    count = meetings.count() if len(listed) > MEETINGS_LISTED else len(listed)
    people = attendance(f, sub.rooms)
    under = [p for p in people if p.percent < sub.threshold]
    if sub.rooms:
        seconds = sum(r.seconds for r in figures.per_room(f) if r.room in sub.rooms)
    else:
        seconds = figures.month_totals(f).seconds
    price = figures.price_of(team)
    cost = figures.cost(seconds, price)
    path = reverse("digest_unsubscribe", kwargs={"token": unsubscribe_token(sub)})
    rows = [
        (
            p.label,
            p.identity,
            p.meetings,
            csv_minutes(p.seconds),
            f"{p.percent:.1f}",
            "yes" if p.percent < sub.threshold else "",
        )
        for p in people
    ]
    csv_text = "".join(csvexport.csv_lines(CSV_HEADER, rows))
    return {
        "team": team,
        "sub": sub,
        "first": first,
        "last": last,
        "rooms": sub.rooms,
        "meetings": [
            {
                "room": m.room,
                "start": m.start.astimezone(team.tz),
                "minutes": round(((m.end or f.now) - m.start).total_seconds() / 60),
            }
            for m in listed[:MEETINGS_LISTED]
        ],
        "meeting_count": count,
        "more": max(0, count - MEETINGS_LISTED),
        "under": under,
        "people_count": len(people),
        "participant_minutes": Decimal(seconds) / 60,
        "cost": cost,
        "currency": price.currency if price else "",
        "unsubscribe_url": mail.absolute(path, base_url),
        "usage_url": mail.absolute(
            reverse("usage:page", kwargs={"team_slug": team.slug}), base_url
        ),
        "csv_text": csv_text,
        "csv_name": f"attendance-{team.slug}-{first:%Y%m%d}-{last:%Y%m%d}.csv",
    }


# -- sending -----------------------------------------------------------------------------
def _claim(sub: DigestSubscription, first: dt.date) -> DigestDelivery | None:
    """The period's delivery row, locked, if it is not sent yet and nobody else holds it
    (call inside a transaction)."""
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(subscription=sub, period_start=first)], ignore_conflicts=True
    )
    rows = DigestDelivery.objects.filter(subscription=sub, period_start=first, sent_at=None)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    else:  # SQLite: one writer at a time anyway
        rows = rows.select_for_update()
    return rows.first()


def send_one(sub: DigestSubscription, now: dt.datetime, base_url: str = "") -> bool:
    """Send the subscription's due digest if nobody has; True when this call sent it."""
    period = due_period(sub, now)
    if period is None or not sub.user.email or not sub.user.is_active:
        return False
    first, end = period
    with transaction.atomic():
        delivery = _claim(sub, first)
        if delivery is None:
            return False
        ctx = content(sub, first, end, now, base_url)
        with timezone.override(sub.team.tz):  # times in the message: the team's
            _mail(sub, ctx)
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
    return True


def _mail(sub: DigestSubscription, ctx: dict[str, Any]) -> None:
    # In the subscriber's language (teams/language.py): the worker has none of its own.
    # The attached CSV stays English in every language (docs/operations.md, "Languages").
    mail.send(
        "usage/email/digest",
        [sub.user.email],
        ctx,
        languages={sub.user.email: language_of(sub.user)},
        attachments=[(ctx["csv_name"], ctx["csv_text"], "text/csv")],
        headers={
            "List-Unsubscribe": f"<{ctx['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Every subscription's due digest (beat, every few minutes). A mail failure leaves
    that digest unsent for the next run; the others go on."""
    now = now or timezone.now()
    sent = failed = 0
    subs = DigestSubscription.objects.select_related("team", "user").order_by("pk")
    for sub in subs.iterator(chunk_size=200):
        try:
            sent += send_one(sub, now)
        except mail.MailError:
            failed += 1
    if failed:
        log.warning("digests: %d not sent (mail server), retried on the next run", failed)
    return {"sent": sent, "failed": failed}
