"""EventBridge schedule expressions, `rate(...)` and 6-field `cron(...)`, for the local scheduler."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m: i for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}


class InvalidSchedule(ValueError):
    """A schedule expression that EventBridge would not accept."""


@dataclass(frozen=True)
class Rate:
    seconds: int

    def next_after(self, moment: datetime) -> datetime:
        return moment + timedelta(seconds=self.seconds)


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int] | None:
    """Values of one cron field; None means "any" (* or ?)."""
    if text in {"*", "?"}:
        return None
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise InvalidSchedule(f"bad step in {text!r}")
            step = int(step_text)
        if part in {"*", ""}:
            start, end = low, high
        elif "-" in part:
            start_text, end_text = part.split("-", 1)
            start, end = _value(start_text, names), _value(end_text, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high and start <= end):
            raise InvalidSchedule(f"value out of range in {text!r}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise InvalidSchedule(f"bad cron value {text!r}")
    return int(text)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int] | None
    hours: frozenset[int] | None
    days: frozenset[int] | None
    months: frozenset[int] | None
    weekdays: frozenset[int] | None  # 1 = Sunday, as in EventBridge
    years: frozenset[int] | None

    def matches(self, moment: datetime) -> bool:
        weekday = (moment.isoweekday() % 7) + 1
        checks = [
            (self.minutes, moment.minute),
            (self.hours, moment.hour),
            (self.days, moment.day),
            (self.months, moment.month),
            (self.weekdays, weekday),
            (self.years, moment.year),
        ]
        return all(allowed is None or value in allowed for allowed, value in checks)

    def next_after(self, moment: datetime) -> datetime:
        candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(60 * 24 * 366 * 5):
            if self.matches(candidate):
                return candidate
            candidate += timedelta(minutes=1)
        raise InvalidSchedule("cron expression never fires")


def parse(expression: str) -> Rate | Cron:
    """Parse an EventBridge schedule expression."""
    expression = expression.strip()
    rate = _RATE.match(expression)
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if count <= 0:
            raise InvalidSchedule("rate must be positive")
        return Rate(count * _UNIT_SECONDS[unit])
    cron = _CRON.match(expression)
    if not cron:
        raise InvalidSchedule(f"not a rate() or cron() expression: {expression!r}")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise InvalidSchedule("cron() needs 6 fields: minutes hours day-of-month month day-of-week year")
    minute, hour, day, month, weekday, year = fields
    if day != "?" and weekday != "?":
        raise InvalidSchedule("cron() needs '?' in day-of-month or day-of-week")
    return Cron(
        minutes=_field(minute, 0, 59),
        hours=_field(hour, 0, 23),
        days=_field(day, 1, 31),
        months=_field(month, 1, 12, _MONTHS),
        weekdays=_field(weekday, 1, 7, _DAYS),
        years=_field(year, 1970, 2199),
    )
