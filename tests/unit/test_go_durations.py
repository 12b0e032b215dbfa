"""The stand-in's copy of Go's time.ParseDuration, which GoTrue applies to `ban_duration`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from local.supabase_standin.durations import DurationError, parse_duration, parse_nanoseconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", timedelta(0)),  # zero needs no unit
        ("24h", timedelta(hours=24)),
        ("1h30m", timedelta(hours=1, minutes=30)),  # components add up
        ("90m", timedelta(minutes=90)),
        ("1.5h", timedelta(hours=1, minutes=30)),  # fractions
        (".5s", timedelta(milliseconds=500)),  # no digits before the point
        ("300ms", timedelta(milliseconds=300)),
        ("1500us", timedelta(microseconds=1500)),
        ("2µs", timedelta(microseconds=2)),  # micro sign
        ("+10s", timedelta(seconds=10)),
        ("-2h45m", -timedelta(hours=2, minutes=45)),  # negative: a ban already over
        ("876000h", timedelta(hours=876000)),  # the product's "forever"
    ],
)
def test_go_durations_parse_as_go_does(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'time: invalid duration ""'),
        ("abc", 'time: invalid duration "abc"'),
        (".s", 'time: invalid duration ".s"'),
        ("10", 'time: missing unit in duration "10"'),
        ("1h30", 'time: missing unit in duration "1h30"'),
        ("3d", 'time: unknown unit "d" in duration "3d"'),  # Go has no days
        ("1H", 'time: unknown unit "H" in duration "1H"'),  # units are case-sensitive
        ("9999999999h", 'time: invalid duration "9999999999h"'),  # beyond an int64 of nanoseconds
    ],
)
def test_what_go_refuses_is_refused_with_gos_message(text, message):
    with pytest.raises(DurationError) as refused:
        parse_nanoseconds(text)
    assert str(refused.value) == message
