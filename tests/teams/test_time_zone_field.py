"""The team time zone: a searchable list (the usual zones first, each with its offset),
any case accepted, and a name that is not a zone refused with the zones it probably
meant, nothing saved."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from teams import time_zones
from teams.forms import TeamSettingsForm
from teams.models import AuditEvent, Role
from tests.factories import make_team

pytestmark = pytest.mark.django_db


def _settings(team, **changes) -> dict:
    data = {
        "name": team.name,
        "dialect": team.dialect,
        "base_url": team.base_url,
        "time_zone": team.time_zone,
        "sync_interval": team.sync_interval,
    }
    return {**data, **changes}


def test_the_settings_page_offers_a_list_the_usual_zones_first(login):
    team = make_team(time_zone="Asia/Kathmandu")
    body = login(team, Role.OWNER).get(reverse("teams:settings", args=[team.slug])).content
    html = body.decode()
    (list_id,) = re.findall(r'<input type="text" name="time_zone"[^>]* list="([^"]+)"', html)
    options = re.findall(rf'<datalist id="{list_id}">(.*?)</datalist>', html, flags=re.S)[0]
    names = re.findall(r'<option value="([^"]+)">', options)
    # The team's own zone, the dashboard's, then the usual ones, then every other city.
    assert names[:3] == ["Asia/Kathmandu", "UTC", "Europe/London"]
    assert "Asia/Tokyo" in names[:20] and "Pacific/Chatham" in names[20:]
    assert len(names) == len(set(names)) > 300
    assert not any(n.startswith(("US/", "Etc/", "EST")) for n in names)  # aliases not offered
    assert '<option value="Asia/Kathmandu">UTC+05:45</option>' in options


def test_offsets_follow_daylight_saving_time():
    assert time_zones.offset("Europe/Paris", datetime(2026, 1, 15, tzinfo=UTC)) == "UTC+01:00"
    assert time_zones.offset("Europe/Paris", datetime(2026, 7, 15, tzinfo=UTC)) == "UTC+02:00"
    assert time_zones.offset("America/St_Johns", datetime(2026, 1, 15, tzinfo=UTC)) == ("UTC-03:30")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("europe/paris", "Europe/Paris"),
        (" America/New York ", "America/New_York"),
        ("US/Eastern", "US/Eastern"),
    ],
)
def test_a_zone_in_any_case_is_stored_as_the_zone_spells_it(login, typed, stored):
    team = make_team(time_zone="UTC")
    response = login(team, Role.OWNER).post(
        reverse("teams:settings", args=[team.slug]), _settings(team, time_zone=typed)
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.time_zone == stored


def test_a_name_that_is_no_zone_is_refused_with_what_it_probably_meant(login):
    team = make_team(time_zone="UTC")
    response = login(team, Role.OWNER).post(
        reverse("teams:settings", args=[team.slug]), _settings(team, time_zone="Europe/Pariss")
    )
    assert response.status_code == 200
    form = response.context["form"]
    (error,) = form.errors["time_zone"]
    assert error.startswith("“Europe/Pariss” is not a time zone. Did you mean Europe/Paris")
    assert "a region and a city, such as Europe/Paris" in error
    team.refresh_from_db()
    assert team.time_zone == "UTC"
    assert not AuditEvent.objects.exists()


def test_the_form_refuses_what_is_no_zone_at_all():
    team = make_team(time_zone="UTC")
    form = TeamSettingsForm(_settings(team, time_zone="<script>"), initial=_settings(team))
    assert not form.is_valid()
    assert "is not a time zone." in form.errors["time_zone"][0]
    assert "Did you mean" not in form.errors["time_zone"][0]
