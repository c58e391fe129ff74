"""The rooms' words in German: the typed confirmation of a large delete, Daily's refusals
and privacy words as the rooms pages show them (rooms.words), stored outcomes of bulk jobs."""

from __future__ import annotations

import pytest
from django.utils import translation

from daily import Dialect, InvalidInput, Privacy
from daily import validation as daily_validation
from rooms import bulk, words


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
