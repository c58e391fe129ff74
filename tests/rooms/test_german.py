"""The rooms' words in German: the typed confirmation of a large delete, Daily's refusals
and privacy words as the rooms pages show them (rooms.words), stored outcomes of bulk jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from daily import Dialect, InvalidInput, Privacy, Room
from daily import validation as daily_validation
from rooms import bulk, words
from rooms.templatetags.rooms_extras import duration
from teams.models import Role
from tests.factories import make_team
from tests.rooms.helpers import mirror_rooms


def test_the_typed_phrase_is_the_readers_and_english_is_always_taken():
    with translation.override("de"):
        assert bulk.confirmation_phrase(12_345) == "12.345 Räume löschen"
        assert bulk.typed_confirmation_matches("  12.345  räume LÖSCHEN ", 12_345)
        assert bulk.typed_confirmation_matches("delete 12,345 rooms", 12_345)
        assert not bulk.typed_confirmation_matches("12.344 Räume löschen", 12_345)
        assert not bulk.typed_confirmation_matches("12345 Räume löschen", 12_345)
    with translation.override("en"):
        assert bulk.confirmation_phrase(12_345) == "delete 12,345 rooms"
        assert bulk.typed_confirmation_matches("Delete 12,345 rooms", 12_345)
        assert not bulk.typed_confirmation_matches("12.345 Räume löschen", 12_345)


def _refusal(check) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        check()
    return raised.value


@pytest.mark.parametrize(
    ("check", "german"),
    [
        (
            lambda: daily_validation.room_name("x" * 30, dialect=Dialect.DOMAINS, team="a" * 10),
            "Team- und Raumname dürfen zusammen höchstens 35 Zeichen haben "
            "(Team 10 + Raum 30 = 40).",
        ),
        (
            lambda: daily_validation.room_name("x" * 130, dialect=Dialect.REST),
            "Raumnamen dürfen höchstens 128 Zeichen haben (dieser hat 130).",
        ),
        (
            lambda: daily_validation.room_name("a b", dialect=Dialect.REST),
            "Raumnamen dürfen nur Buchstaben, Ziffern, „-“ und „_“ enthalten.",
        ),
        (
            lambda: daily_validation.user_id("x" * 40),
            "Eine Benutzer-ID darf höchstens 36 Zeichen lang sein.",
        ),
        (
            lambda: daily_validation.privacy("secret", dialect=Dialect.REST),
            "Die Sichtbarkeit muss eine davon sein: öffentlich, privat.",
        ),
    ],
)
def test_dailys_refusals_are_shown_in_the_readers_language(check, german):
    refused = _refusal(check)
    with translation.override("de"):
        assert words.refusal(refused) == german
    with translation.override("en"):
        assert words.refusal(refused) == refused.message  # English as Daily's client wrote it


def test_an_unknown_refusal_is_shown_as_written():
    with translation.override("de"):
        assert words.refusal(InvalidInput("Something new.")) == "Something new."


def test_privacy_words_and_stored_outcomes():
    with translation.override("de"):
        assert words.privacy_word(Privacy.PUBLIC) == "öffentlich"
        assert words.privacy_word("org") == "Team"
        assert words.privacy_word("team") == "Team"  # the English label a bulk job stores
        assert words.privacy_word("") == "nicht gemeldet"
        assert words.outcome("Now private.") == "Jetzt „privat“."
        assert words.outcome("Deleted.") == "Gelöscht."
        assert words.outcome("Daily asked us to slow down; continuing in 3 s.") == (
            "Daily hat um eine Pause gebeten; weiter in 3 s."
        )
        assert words.outcome("Daily's own words.") == "Daily's own words."
        assert words.number(12_300) == "12.300"
    with translation.override("en"):
        assert words.outcome("Now private.") == "Now private."
        assert words.number(12_300) == "12,300"


@pytest.mark.django_db
def test_the_rooms_list_in_german(login):
    team = make_team("deutsch", time_zone="Europe/Berlin")
    created = datetime(2026, 12, 5, 13, 5, tzinfo=UTC)
    rooms = [
        Room(
            name=f"raum-{i}", privacy=Privacy.PRIVATE, url=f"https://x/raum-{i}", created_at=created
        )
        for i in range(2)
    ]
    mirror_rooms(
        team,
        rooms,
        refreshed_at=timezone.now() - timedelta(hours=1),
        # As the worker stores a refused token (teams.services.errors.for_background).
        last_error="Authentication failed: Daily refused the API token. "
        "Check the token in the team settings.",
        last_error_at=timezone.now(),
    )
    client = login(team, Role.ADMIN)  # one who may change rooms: the bulk bar, the selects
    url = reverse("rooms:list", args=[team.slug])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "2 Räume." in body and "Mit den ausgewählten Räumen:" in body
    assert '<option value="private" selected>privat</option>' in body
    assert ">5. Dez. 2026, 14:05</time>" in body  # teams.dates' German pattern
    assert (
        'aria-label="Sichtbarkeit von raum-0 speichern"' in body and ">Speichern</button>" in body
    )
    assert "Daily hat das API-Token abgelehnt" in body  # the worker's English, translated
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 rooms." in english and ">5 Dec 2026, 14:05</time>" in english
    assert "Authentication failed: Daily refused the API token." in english


def test_durations_have_the_readers_units():
    with translation.override("de"):
        assert [duration(45), duration(12 * 60 + 5), duration(3900)] == [
            "45 s",
            "12 Min.",
            "1 Std. 05 Min.",
        ]
    with translation.override("en"):
        assert [duration(45), duration(720), duration(3900)] == ["45 s", "12 min", "1 h 05 min"]
    assert duration(-1) == "" and duration(True) == "" and duration("7") == ""
