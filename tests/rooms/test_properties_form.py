"""The room properties form on its own: what it shows and what it sends back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from daily import RoomProperties
from rooms.forms import RoomPropertiesForm
from teams.models import Dialect
from tests.factories import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team(dialect=Dialect.REST, time_zone="Europe/Paris")


def _submitted(form: RoomPropertiesForm) -> dict:
    """What a browser posts for the form as shown (checkboxes only when on)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        elif value is not None:
            data[name] = str(value)
    return data


def test_a_time_limit_shown_in_minutes_keeps_its_seconds_when_unchanged(team):
    baseline = RoomProperties(eject_after_elapsed=90)
    shown = RoomPropertiesForm(team=team, baseline=baseline)
    assert shown["eject_after_elapsed"].value() == 2
    form = RoomPropertiesForm(_submitted(shown), team=team, baseline=baseline)
    assert form.is_valid(), form.errors
    assert form.properties() == RoomProperties()


def test_a_changed_time_limit_is_sent_in_seconds(team):
    baseline = RoomProperties(eject_after_elapsed=90)
    data = {**_submitted(RoomPropertiesForm(team=team, baseline=baseline))}
    data["eject_after_elapsed"] = "30"
    form = RoomPropertiesForm(data, team=team, baseline=baseline)
    assert form.is_valid(), form.errors
    assert form.properties() == RoomProperties(eject_after_elapsed=1800)


def test_a_set_time_limit_or_opening_time_cannot_be_emptied(team):
    opens = datetime(2999, 1, 1, 9, tzinfo=UTC)
    baseline = RoomProperties(eject_after_elapsed=600, nbf=opens)
    data = _submitted(RoomPropertiesForm(team=team, baseline=baseline))
    data.pop("eject_after_elapsed")
    data.pop("nbf")
    form = RoomPropertiesForm(data, team=team, baseline=baseline)
    assert not form.is_valid()
    assert set(form.errors) == {"eject_after_elapsed", "nbf"}
    assert "can be changed but not removed" in form.fields["eject_after_elapsed"].help_text
    assert "can be moved but not removed" in form.fields["nbf"].help_text


def test_an_opening_time_after_the_rooms_expiry_is_refused(team):
    expiry = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    baseline = RoomProperties(exp=expiry)
    data = _submitted(RoomPropertiesForm(team=team, baseline=baseline))
    data["nbf"] = (expiry + timedelta(hours=1)).astimezone(team.tz).strftime("%Y-%m-%dT%H:%M")
    form = RoomPropertiesForm(data, team=team, baseline=baseline)
    assert not form.is_valid()
    assert form.errors["nbf"] == ["The room must open before it expires."]
    data["nbf"] = (expiry - timedelta(hours=1)).astimezone(team.tz).strftime("%Y-%m-%dT%H:%M")
    form = RoomPropertiesForm(data, team=team, baseline=baseline)
    assert form.is_valid(), form.errors
    assert form.properties() == RoomProperties(nbf=expiry - timedelta(hours=1))


def test_an_opening_time_in_the_past_is_refused_unless_unchanged(team):
    passed = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    new = _submitted(RoomPropertiesForm(team=team))
    new["nbf"] = passed.astimezone(team.tz).strftime("%Y-%m-%dT%H:%M")
    form = RoomPropertiesForm(new, team=team)
    assert form.errors["nbf"] == ["The opening time is in the past."]
    baseline = RoomProperties(nbf=passed)
    kept = RoomPropertiesForm(
        _submitted(RoomPropertiesForm(team=team, baseline=baseline)), team=team, baseline=baseline
    )
    assert kept.is_valid(), kept.errors
    assert kept.properties() == RoomProperties()


def test_the_language_defaults_to_dailys_and_keeps_one_it_does_not_know(team):
    shown = RoomPropertiesForm(team=team)
    assert shown["lang"].value() == "en"
    assert RoomPropertiesForm(_submitted(shown), team=team).is_valid()
    baseline = RoomProperties(lang="eo")
    form = RoomPropertiesForm(
        _submitted(RoomPropertiesForm(team=team, baseline=baseline)), team=team, baseline=baseline
    )
    assert form.is_valid(), form.errors
    assert form.properties() == RoomProperties()
    changed = {**_submitted(RoomPropertiesForm(team=team, baseline=baseline)), "lang": "fr"}
    form = RoomPropertiesForm(changed, team=team, baseline=baseline)
    assert form.is_valid(), form.errors
    assert form.properties() == RoomProperties(lang="fr")
