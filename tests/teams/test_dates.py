"""One way of writing dates (teams.dates): a day, a moment, a time of a stated day, and how
long ago with the moment at hand; and the main pages write no date any other way."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from html import unescape
from urllib.parse import urlencode

import pytest
from django.template import Context, Template
from django.utils import timezone

from teams import dates

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MOMENT = dt.datetime(2026, 12, 5, 13, 5, 9, tzinfo=dt.UTC)


def test_a_day_and_a_moment_are_written_one_way_in_the_zone_in_force():
    assert dates.day(dt.date(2026, 3, 7)) == "7 Mar 2026"
    assert dates.day_time(MOMENT, PARIS) == "5 Dec 2026, 14:05"
    assert dates.clock(MOMENT, PARIS) == "14:05"
    with timezone.override(PARIS):
        assert dates.day_time(MOMENT) == "5 Dec 2026, 14:05"
        assert dates.day(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "1 Jan 2027"
    assert dates.day(None) == dates.day_time(None) == ""


def test_how_long_ago_says_one_unit():
    now = MOMENT
    assert dates.ago(now - dt.timedelta(seconds=20), now) == "just now"
    assert dates.ago(now - dt.timedelta(minutes=3, seconds=40), now) == "3\xa0minutes ago"
    assert dates.ago(now - dt.timedelta(days=1, hours=5), now) == "1\xa0day ago"
    assert dates.ago(now + dt.timedelta(hours=2, minutes=1), now) == "in 2\xa0hours"


def test_the_tags_give_a_time_element_with_the_moment():
    template = Template("{% load when %}{% ago when now %}|{% at when %}|{{ day|day }}")
    with timezone.override(PARIS):
        out = template.render(
            Context({"when": MOMENT, "now": MOMENT + dt.timedelta(hours=3), "day": MOMENT.date()})
        )
    relative, absolute, day = out.split("|")
    assert relative == (
        '<time datetime="2026-12-05T14:05:09+01:00" title="5 Dec 2026, 14:05 (Europe/Paris)">'
        "3\xa0hours ago</time>"
    )
    assert absolute == '<time datetime="2026-12-05T14:05:09+01:00">5 Dec 2026, 14:05</time>'
    assert day == "5 Dec 2026"


# -- every main page -------------------------------------------------------------------
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
# The convention: "5 Dec 2026" or "5 Dec 2026, 14:05" (and "14:05" alone).
ALLOWED = re.compile(rf"\b\d{{1,2}} {MONTH} \d{{4}}(?:, \d{{2}}:\d{{2}})?(?!:\d)")
OTHER_FORMS = {
    "ISO date in the text": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "slashed date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "month beside a number": re.compile(rf"(?:\b\d{{1,4}},? {MONTH}\b|\b{MONTH}\.? \d)"),
    # ("Fri 15:00" of the weekday-and-hour chart is no date.)
    "weekday before a date": re.compile(rf"\b{WEEKDAY},? (?:<day>|\d{{1,2}} {MONTH})"),
    "seconds in a time": re.compile(r"\b\d{2}:\d{2}:\d{2}\b"),
    "two units ago": re.compile(
        r"\b\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?), \d+ \w+"
    ),
    "about a time": re.compile(r"\babout \d"),
}


def _visible(html: str) -> str:
    """The words of a page as read (the tags and their attributes gone)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # A chart's day axis says "4 Dec" under its bars; its description states the range.
    html = re.sub(r'<text class="chart-label"[^>]*>[^<]*</text>', " ", html)
    text = unescape(re.sub(r"<[^>]*>", " ", html)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def dates_off_convention(html: str) -> list[str]:
    text = ALLOWED.sub("<day>", _visible(html))
    found = []
    for name, pattern in OTHER_FORMS.items():
        for match in pattern.finditer(text):
            found.append(f"{name}: …{text[max(match.start() - 30, 0) : match.end() + 30]}…")
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Dec 5, 2026",
        "on 2026-12-05 14:05",
        "Sat 5 Dec 2026",
        "12/05/2026",
        "Dec 5, 14:05:09",
        "1 hour, 5 minutes ago",
        "about 1 seconds",
        "Thu 11 Mar",
    ],
)
def test_the_scan_finds_the_forms_that_were_on_the_pages(text):
    assert dates_off_convention(f"<p>Synced {text}.</p>")


def test_the_scan_accepts_the_convention():
    html = (
        "<p>5 Dec 2026 \u2013 12 Dec 2026; 5 Dec 2026, 14:05; 14:05 \u2013 15:00; 3 minutes ago; "
        '<input type="date" value="2026-12-05"> Monday 10 people</p>'
    )
    assert dates_off_convention(html) == []


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_write_dates_one_way(fast_sim, login):
    from attendance.models import Meeting, SyncOutcome, SyncRun, SyncTrigger
    from attendance.sync import sync_team
    from recordings import mirror as recordings_mirror
    from rooms import mirror
    from teams.audit import record
    from teams.models import AuditAction, Dialect, Invitation, Outcome, Role
    from tests.attendance.helpers import at
    from tests.factories import make_member, team_on

    team = team_on(fast_sim, Dialect.REST, time_zone="Europe/Paris")
    assert mirror.fill(team)
    assert recordings_mirror.refresh(team)
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - dt.timedelta(days=1))
    SyncRun.objects.create(
        team=team,
        trigger=SyncTrigger.MANUAL,
        outcome=SyncOutcome.FAILED,
        window_start=now - dt.timedelta(hours=2),
        window_end=now,
        checkpoint=now - dt.timedelta(hours=1),
        error="Daily did not answer in time.",
        error_type="Unavailable",
    )
    client = login(team, Role.OWNER)
    record(
        team=team,
        actor=client.user,
        action=AuditAction.ROOM_CREATE,
        target="lobby",
        outcome=Outcome.OK,
    )
    make_member(team, Role.MANAGER)
    Invitation.objects.create(
        team=team,
        email="new@example.com",
        role=Role.MANAGER,
        token_hash="0" * 64,
        invited_by=client.user,
        sent_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    day = now.astimezone(team.tz).date()
    span = {"from": (day - dt.timedelta(days=1)).isoformat(), "to": day.isoformat()}
    t = f"/t/{team.slug}"
    pages = [
        f"{t}/",
        f"{t}/users/",
        f"{t}/rooms/",
        f"{t}/rooms/r/lobby/",
        f"{t}/audit/",
        f"{t}/settings/members/",
        f"{t}/attendance/sync/",
        *(f"{t}/attendance/{r}/?{urlencode(span)}" for r in ("meetings", "people", "rooms")),
        f"{t}/attendance/charts/?{urlencode(span)}",
        f"{t}/attendance/meetings/{Meeting.objects.filter(team=team).first().pk}/",
        f"{t}/recordings/",
        f"{t}/recordings/retention/",
        "/account/two-factor/",
    ]
    shown, date_inputs = 0, 0
    for page in [*pages, f"{t}/audit/?since=2026-12-01"]:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert dates_off_convention(body) == [], page
        shown += len(ALLOWED.findall(_visible(body)))
        # Days are typed in the browser's date picker, its value ISO.
        for tag in re.findall(r'<input[^>]*name="(?:from|to|since|until|start|end)"[^>]*>', body):
            assert 'type="date"' in tag, (page, tag)
            value = re.search(r'value="([^"]*)"', tag)
            assert value is None or re.fullmatch(r"(\d{4}-\d{2}-\d{2})?", value[1]), tag
            date_inputs += 1
    assert shown >= 10  # the pages did show dates: the scan had something to read
    assert date_inputs >= 10  # the four reports', the audit log's and the recordings' ranges
