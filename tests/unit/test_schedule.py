from datetime import UTC, datetime

import pytest

from local import schedule


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
    ],
)
def test_rate_expressions_parse_to_seconds(expression, seconds):
    assert schedule.parse(expression) == schedule.Rate(seconds)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 minutes)",  # zero is rejected by EventBridge
        "rate(5 weeks)",  # unknown unit
        "every 5 minutes",  # neither rate() nor cron()
        "cron(0 3 * * *)",  # five fields: EventBridge needs six
        "cron(0 3 * * MON *)",  # day-of-month and day-of-week both set
        "cron(61 * * * ? *)",  # minute out of range
        "cron(*/0 * * * ? *)",  # zero step
    ],
)
def test_invalid_expressions_are_refused(expression):
    with pytest.raises(schedule.InvalidSchedule):
        schedule.parse(expression)


def test_daily_cron_fires_at_its_hour():
    rule = schedule.parse("cron(0 3 * * ? *)")
    after = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
    assert rule.next_after(after) == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def test_cron_step_and_weekday_names():
    rule = schedule.parse("cron(*/15 9-17 ? * MON-FRI *)")
    saturday = datetime(2026, 11, 28, 10, 7, tzinfo=UTC)
    assert rule.next_after(saturday) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 9, 7, tzinfo=UTC)
    assert rule.next_after(monday) == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def test_rate_fires_one_interval_later():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert schedule.parse("rate(5 minutes)").next_after(now) == datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
