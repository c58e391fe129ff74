"""Time parsing and formatting: everything aware UTC; unix seconds and ISO both read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from daily import InvalidInput, ParseError
from daily.timeutil import (
    TimeMemo,
    parse_optional_time,
    parse_time,
    require_aware,
    to_iso_z,
    to_unix,
)

MOMENT = datetime(2018, 7, 21, 22, 7, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        1532210831,
        1532210831.0,
        "1532210831",
        " 1532210831 ",
        "2018-07-21T22:07:11.000Z",
        "2018-07-21T22:07:11Z",
        "2018-07-21T22:07:11z",
        "2018-07-21T22:07:11+00:00",
        "2018-07-22T00:07:11+02:00",
        "2018-07-21T22:07:11",
        datetime(2018, 7, 21, 22, 7, 11),  # noqa: DTZ001 (naive from Daily means UTC)
    ],
)
def test_parse_time_reads_every_form_daily_sends(raw: object) -> None:
    parsed = parse_time(raw, field="t")
    assert parsed == MOMENT and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "raw", [None, True, "soon", "", [], {}, float("nan"), float("inf"), 10**20]
)
def test_parse_time_raises_parse_error_never_type_or_value_error(raw: object) -> None:
    with pytest.raises(ParseError):
        parse_time(raw, field="t")


def test_optional_times_may_be_missing() -> None:
    assert parse_optional_time(None, field="t") is None
    assert parse_optional_time("", field="t") is None


def test_wire_formats() -> None:
    assert to_unix(MOMENT) == 1532210831
    assert to_unix(MOMENT + timedelta(milliseconds=999)) == 1532210831
    assert to_iso_z(MOMENT) == "2018-07-21T22:07:11.000Z"
    assert (
        to_iso_z(datetime(2018, 7, 22, 0, 7, 11, 250000, tzinfo=timezone(timedelta(hours=2))))
        == "2018-07-21T22:07:11.250Z"
    )


def test_naive_datetimes_are_rejected_as_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        require_aware(datetime(2024, 1, 1), field="start")  # noqa: DTZ001
    assert caught.value.field == "start"


def test_a_time_memo_reads_as_parse_time_however_often_a_value_repeats() -> None:
    memo = TimeMemo()
    values = ["2018-07-21T22:07:11.000Z", "2018-07-22T00:07:11+02:00", 1532210831, "1"]
    for value in values + values:
        moment, iso = memo.read(value, "mtgJoin")
        assert moment == parse_time(value, field="mtgJoin") and moment.tzinfo is UTC
        assert iso == moment.isoformat()
    # As keys 1 == 1.0 == True: only strings are remembered, so True is still refused.
    with pytest.raises(ParseError, match="boolean"):
        memo.read(True, "t")


def test_a_time_memo_names_the_field_of_each_read_and_reads_optional_values() -> None:
    memo = TimeMemo()
    assert memo.read_optional(None, "mtgLeave") is None
    assert memo.read_optional("", "mtgLeave") is None
    assert memo.read_optional("2018-07-21T22:07:11Z", "mtgLeave") == MOMENT
    for field in ("mtgJoin", "mtgLeave"):
        with pytest.raises(ParseError, match=field):
            memo.read("soon", field)
