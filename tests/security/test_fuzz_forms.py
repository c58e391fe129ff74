"""Every form of teams/, rooms/ and attendance/ fed hostile input: `is_valid()` never raises,
every error is a string, the bound form renders, and what a valid form produces passes (or
is refused by) daily/'s own validation with an InvalidInput, never an exception."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from attendance.reports import forms as report_forms
from daily import InvalidInput, RoomProperties
from daily import validation as daily_validation
from rooms.forms import EmbedForm, RoomCreateForm, RoomPropertiesForm
from rooms.token_forms import MeetingTokenForm
from teams import forms as team_forms
from teams.auth import ThrottledAuthenticationForm
from teams.models import Dialect
from tests.factories import make_team
from tests.security.strategies import EDGE_DAYS, FUZZ, form_data, submissions

pytestmark = pytest.mark.django_db
EXAMPLES: Counter[str] = Counter()
ROOMS = frozenset({"standup", "design-review", "Team_Sync"})
# Time zones at both ends of the offsets: a date at the edge of the calendar overflows
# when converted to UTC from here.
ZONES = ["Pacific/Kiritimati", "America/New_York", "Europe/Paris", "UTC"]


def _fields(form_class, **kwargs) -> dict:
    return dict(form_class(**kwargs).fields)


def _check(form, label: str) -> bool:
    """is_valid() must not raise; errors are strings; the bound form renders."""
    EXAMPLES[label] += 1
    valid = form.is_valid()
    for field, errors in form.errors.items():
        assert field == "__all__" or field in form.fields, field
        for error in errors:
            assert isinstance(error, str) and error
    form.errors.as_json()
    str(form)
    return valid


@pytest.fixture
def teams_by_zone(db):
    return {
        (dialect, zone): make_team(f"fz{i}{j}", dialect=dialect, time_zone=zone)
        for i, dialect in enumerate(Dialect)
        for j, zone in enumerate(ZONES)
    }


# -- teams/ ----------------------------------------------------------------------------

SETTINGS = {
    "name": "acme",
    "dialect": "rest",
    "base_url": "https://api.daily.co/v1",
    "token": "sk-abc",
    "time_zone": "Europe/Paris",
    "sync_enabled": "on",
    "sync_interval": "300",
}
# (form, constructor arguments, a valid submission)
TEAM_FORMS = {
    "TeamSettingsForm": (team_forms.TeamSettingsForm, {}, SETTINGS),
    "TeamCreateForm": (team_forms.TeamCreateForm, {}, {**SETTINGS, "slug": "acme-2"}),
    "InviteForm": (team_forms.InviteForm, {}, {"email": "ann@example.com", "role": "admin"}),
    "InviteeSignUpForm": (
        team_forms.InviteeSignUpForm,
        {"email": "bob@example.com"},
        {"username": "bob", "password1": "x-Long-pass-42", "password2": "x-Long-pass-42"},
    ),
    "AlertPreferenceForm": (team_forms.AlertPreferenceForm, {}, {"alert_emails": "on"}),
    "MemberRoleForm": (team_forms.MemberRoleForm, {}, {"role": "owner"}),
    "RemoveUserForm": (team_forms.RemoveUserForm, {}, {"email": "ana@example.com"}),
    "AuditFilterForm": (
        team_forms.AuditFilterForm,
        {"actors": ["ann", "system", "Zoë"]},
        {"actor": "ann", "since": "2025-01-01", "until": "2025-02-01"},
    ),
    "EmbedForm": (EmbedForm, {}, {"name": "Ana"}),
}


@pytest.mark.parametrize("name", sorted(TEAM_FORMS))
@FUZZ
@given(data=st.data())
def test_a_teams_form_never_raises(name, data, db):
    form_class, kwargs, base = TEAM_FORMS[name]
    fields = _fields(form_class, **kwargs)
    values = data.draw(submissions(fields, base, extra=("password",)))
    _check(form_class(values, **kwargs), name)


@FUZZ
@given(data=form_data(["username", "password"]))
def test_the_login_form_never_raises(data, rf, db):
    request = rf.post("/login/", data)
    _check(ThrottledAuthenticationForm(request, data=data), "ThrottledAuthenticationForm")


# -- rooms/ ----------------------------------------------------------------------------


def _team(teams_by_zone, data, dialect=None):
    dialect = dialect or data.draw(st.sampled_from(list(Dialect)), label="dialect")
    zone = data.draw(st.sampled_from(ZONES), label="zone")
    return teams_by_zone[(dialect, zone)]


@FUZZ
@given(data=st.data())
def test_the_room_create_form_never_raises(teams_by_zone, data):
    team = _team(teams_by_zone, data)
    base = {"name": "fuzzed-room", "privacy": "private"}
    values = data.draw(submissions(_fields(RoomCreateForm, team=team), base))
    _check(RoomCreateForm(values, team=team), "RoomCreateForm")


BASELINES = [
    None,
    RoomProperties(),
    RoomProperties(exp=datetime(2999, 1, 1, tzinfo=UTC), enable_chat=True, max_participants=10**9),
]


@FUZZ
@given(data=st.data())
def test_the_room_properties_form_never_raises_and_its_result_validates(teams_by_zone, data):
    team = _team(teams_by_zone, data, Dialect.REST)
    baseline = data.draw(st.sampled_from(BASELINES), label="baseline")
    names = _fields(RoomPropertiesForm, team=team, baseline=baseline)
    base = {"exp": "2999-01-01T10:00", "enable_screenshare": "on", "max_participants": "20"}
    values = data.draw(submissions(names, base))
    form = RoomPropertiesForm(values, team=team, baseline=baseline)
    if _check(form, "RoomPropertiesForm"):
        try:
            daily_validation.room_properties(form.properties(), now=timezone.now())
        except InvalidInput as exc:
            assert exc.message


@FUZZ
@given(data=st.data())
def test_the_meeting_token_form_never_raises_and_its_result_validates(teams_by_zone, data):
    team = _team(teams_by_zone, data, Dialect.REST)
    names = _fields(MeetingTokenForm, team=team, room_names=ROOMS)
    base = {"room": "standup", "exp": "2999-01-01T10:00", "user_id": "u-1", "user_name": "Ana"}
    values = data.draw(submissions(names, base))
    form = MeetingTokenForm(values, team=team, room_names=ROOMS)
    if _check(form, "MeetingTokenForm"):
        try:
            daily_validation.token_properties(form.properties(), now=timezone.now())
        except InvalidInput as exc:
            assert exc.message


# -- attendance/ -----------------------------------------------------------------------

REPORT_FORMS = {
    "MeetingsForm": report_forms.MeetingsForm,
    "PeopleForm": report_forms.PeopleForm,
    "RoomsForm": report_forms.RoomsForm,
    "ChartsForm": report_forms.ChartsForm,
}
REPORT_PARAMS = ("from", "to", "room", "person", "sort", "page", "min_percent", "guests", "unused")


@pytest.mark.parametrize("name", sorted(REPORT_FORMS))
@FUZZ
@given(data=st.data())
def test_a_report_form_never_raises_and_its_filters_are_usable(teams_by_zone, name, data):
    team = _team(teams_by_zone, data)
    fields = REPORT_FORMS[name](QueryDict(), team=team, rooms=sorted(ROOMS)).fields
    base = {"from": "2025-01-01", "to": "2025-01-31", "room": "standup", "page": "2"}
    values = data.draw(submissions(dict(fields), base, extra=REPORT_PARAMS))
    query = QueryDict(mutable=True)
    query.update(values)
    form = REPORT_FORMS[name](query, team=team, rooms=sorted(ROOMS))
    _check(form, name)
    filters = form.filters()
    # What every report does with them: the range as aware instants in UTC.
    assert filters.start < filters.end
    assert all(isinstance(message, str) for message in form.error_messages())


@FUZZ
@given(data=form_data(_fields(report_forms.MeetingForm)))
def test_the_meeting_page_form_never_raises(data):
    _check(report_forms.MeetingForm(data), "MeetingForm")


def test_report_the_examples_per_form():
    if not EXAMPLES:
        pytest.skip("run together with the fuzz tests of this module")
    lines = [f"{name}: {count}" for name, count in sorted(EXAMPLES.items())]
    print("\nexamples per form:\n  " + "\n  ".join(lines))
    assert all(count >= 10 for count in EXAMPLES.values())


# -- dates at the edges of the calendar, swept rather than sampled ------------------------

EDGES = [f"{d}T{t}" for d in EDGE_DAYS for t in ("00:00", "23:59")] + EDGE_DAYS


def _query(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(data)
    return query


# name: (build(team, data) -> bound form, a valid rest of the submission, use(valid form))
DATED_FORMS = {
    "RoomPropertiesForm": (
        lambda team, data: RoomPropertiesForm(data, team=team),
        {"enable_screenshare": "on"},
        lambda form: daily_validation.room_properties(form.properties(), now=timezone.now()),
    ),
    "MeetingTokenForm": (
        lambda team, data: MeetingTokenForm(data, team=team, room_names=ROOMS),
        {"room": "standup"},
        lambda form: daily_validation.token_properties(form.properties(), now=timezone.now()),
    ),
    "AuditFilterForm": (
        lambda team, data: team_forms.AuditFilterForm(data, actors=[]),
        {},
        lambda form: None,
    ),
    **{
        name: (
            lambda team, data, form_class=form_class: form_class(
                _query(data), team=team, rooms=sorted(ROOMS)
            ),
            {},
            lambda form: (form.filters().start, form.filters().end),
        )
        for name, form_class in REPORT_FORMS.items()
    },
}


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("name", sorted(DATED_FORMS))
def test_dates_at_the_edges_of_the_calendar_are_refused_or_usable(teams_by_zone, name, zone):
    """Every date field of every form, at both ends of the calendar, in far time zones."""
    team = teams_by_zone[(Dialect.REST, zone)]
    build, base, use = DATED_FORMS[name]
    dated = [
        field
        for field, kind in build(team, {}).fields.items()
        if isinstance(kind, forms.DateField | forms.DateTimeField)
    ]
    assert dated, name
    for field in dated:
        for edge in EDGES:
            form = build(team, {**base, field: edge})
            if _check(form, f"{name} (edges)"):
                try:
                    use(form)
                except InvalidInput as exc:
                    assert exc.message
