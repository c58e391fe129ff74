"""A room's privacy as either API sends it (daily.parse.room_privacy): known values,
Daily's "org" as team, and anything else shown as unknown and logged without the value."""

from __future__ import annotations

import logging

import pytest

from daily import Privacy, parse


def _url(name: str) -> str:
    return f"https://x.daily.co/{name}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("public", Privacy.PUBLIC),
        ("private", Privacy.PRIVATE),
        ("org", Privacy.TEAM),
        (None, None),
        (3, None),
        ("secret-ish", None),
    ],
)
def test_both_apis_read_a_room_privacy_alike(value, expected):
    rest = parse.room({"name": "r", "privacy": value}, _url)
    domains = parse.domains_room({"name": "r", "privacy": value}, _url)
    assert rest.privacy is expected and domains.privacy is expected


def test_an_unknown_privacy_is_logged_without_its_value(caplog):
    with caplog.at_level(logging.WARNING, logger="daily"):
        assert parse.domains_room({"name": "r", "privacy": "secret-ish"}, _url).privacy is None
    assert [r.getMessage() for r in caplog.records] == [
        "domains room: unknown privacy value, shown as unknown"
    ]
