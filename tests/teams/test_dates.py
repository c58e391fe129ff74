"""One way of writing dates (teams.dates): a day, a moment, a time of a stated day, and how
long ago with the moment at hand; and the main pages write no date any other way."""

from __future__ import annotations

import datetime as dt
import zoneinfo

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
