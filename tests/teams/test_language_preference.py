"""Each person's language kept for the mail the worker sends them (teams/language.py): the
switcher stores a logged-in person's choice beside its cookie, a login stores the page's
language when none is stored, and a person with none gets settings.LANGUAGE_CODE."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from teams.language import language_of, languages_of
from teams.models import UserPreference
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _stored(user) -> str | None:
    found = UserPreference.objects.filter(user=user).values_list("language", flat=True)
    return found.first()


def _switch(client: Client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/login/"})


def _log_in(client: Client, username: str, accept_language: str):
    answer = client.post(
        reverse("login"),
        {"username": username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("home")
    return answer


def test_the_switcher_keeps_a_logged_in_persons_choice_and_still_sets_the_cookie():
    user = make_user("greta")
    client = Client()
    client.force_login(user)
    answer = _switch(client, "de")
    assert answer.status_code == 302 and answer["Location"] == "/login/"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert _stored(user) == "de" and language_of(user) == "de"
    _switch(client, "en")
    assert _stored(user) == "en"
    # A language the dashboard does not offer changes nothing.
    _switch(client, "xx")
    assert _stored(user) == "en"


def test_the_switcher_stores_nothing_for_a_visitor_not_logged_in():
    answer = _switch(Client(), "de")
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert not UserPreference.objects.exists()


def test_the_switcher_is_post_only():
    assert Client().get(reverse("set_language")).status_code == 405


def test_a_login_keeps_the_pages_language_when_none_is_stored():
    user = make_user("hans")
    _log_in(Client(), "hans", "de-DE,de;q=0.9")
    assert _stored(user) == "de"
    # A later login in another language does not undo it: only the switcher changes it.
    _log_in(Client(), "hans", "en")
    assert _stored(user) == "de"


def test_the_cookie_outweighs_the_browser_at_login():
    user = make_user("ines")
    client = Client()
    _switch(client, "de")  # not logged in yet: only the cookie
    assert not UserPreference.objects.exists()
    _log_in(client, "ines", "en")
    assert _stored(user) == "de"


def test_a_person_with_no_language_gets_the_sites(settings):
    chose = make_user("chose")
    never = make_user("never")
    gone = make_user("gone")
    empty = make_user("empty")
    UserPreference.objects.create(user=chose, language="en")
    UserPreference.objects.create(user=gone, language="fr")  # not offered (any more)
    UserPreference.objects.create(user=empty, language="")
    assert language_of(never) == "en" and language_of(gone) == "en"
    settings.LANGUAGE_CODE = "de"
    assert languages_of([chose.pk, never.pk, gone.pk, empty.pk]) == {
        chose.pk: "en",
        never.pk: "de",
        gone.pk: "de",
        empty.pk: "de",
    }
