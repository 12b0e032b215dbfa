"""Go's `time.ParseDuration`, which GoTrue applies to `ban_duration` (internal/api/admin.go):
a possibly signed sequence of decimal numbers, each with an optional fraction and a unit
(`300ms`, `1.5h`, `1h30m`, `-2h45m`); units ns, us (µs), ms, s, m, h; `0` alone needs none."""

from __future__ import annotations

import re
from datetime import timedelta

UNIT_NANOSECONDS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 micro sign
    "μs": 1_000,  # U+03BC Greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
MAX_NANOSECONDS = 2**63 - 1  # time.Duration is an int64 of nanoseconds
COMPONENT = re.compile(r"(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?(?P<unit>[^0-9.]*)")


class DurationError(ValueError):
    """A text Go's time.ParseDuration refuses; the message is Go's."""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_nanoseconds(text: str) -> int:
    """The duration in nanoseconds, or DurationError with Go's message."""
    rest, negative = text, False
    if rest[:1] in {"-", "+"}:
        negative, rest = rest[0] == "-", rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise DurationError(f"time: invalid duration {_quote(text)}")
    total = 0
    while rest:
        match = COMPONENT.match(rest)
        whole, fraction, unit = match["whole"], match["fraction"], match["unit"]
        if not whole and not fraction:
            raise DurationError(f"time: invalid duration {_quote(text)}")
        if not unit:
            raise DurationError(f"time: missing unit in duration {_quote(text)}")
        if unit not in UNIT_NANOSECONDS:
            raise DurationError(f"time: unknown unit {_quote(unit)} in duration {_quote(text)}")
        scale = UNIT_NANOSECONDS[unit]
        total += int(whole or 0) * scale
        if fraction:
            total += int(fraction) * scale // 10 ** len(fraction)
        if total > MAX_NANOSECONDS + (1 if negative else 0):
            raise DurationError(f"time: invalid duration {_quote(text)}")
        rest = rest[match.end() :]
    return -total if negative else total


def parse_duration(text: str) -> timedelta:
    """Go's time.ParseDuration as a timedelta (nanoseconds below a microsecond are dropped)."""
    return timedelta(microseconds=parse_nanoseconds(text) // 1000)
