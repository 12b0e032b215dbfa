"""The webhook retry schedule: a minute doubling to an 8-hour cap, with up to 25% jitter either
way, 12 attempts in all, which spreads a delivery over about a day (issue 19)."""

from __future__ import annotations

import dataclasses
import random

import pytest

from shared.services import webhook_delivery

WITHOUT_JITTER = dataclasses.replace(webhook_delivery.RETRY_POLICY, jitter=0.0)


@pytest.mark.parametrize(
    ("failed_attempt", "seconds"),
    [
        (1, 60),  # the first retry a minute after the first attempt
        (2, 120),
        (3, 240),
        (5, 960),
        (9, 15_360),  # 256 minutes
        (10, 28_800),  # 512 minutes would be more than the cap: 8 hours
        (11, 28_800),
    ],
)
def test_each_retry_waits_twice_as_long_as_the_last_up_to_eight_hours(failed_attempt, seconds):
    assert WITHOUT_JITTER.delay(failed_attempt) == seconds


def test_twelve_attempts_span_about_a_day():
    total = sum(WITHOUT_JITTER.delay(attempt) for attempt in range(1, webhook_delivery.DELIVERY_ATTEMPTS))
    assert total == (511 + 2 * 480) * 60  # 24.5 hours
    assert webhook_delivery.JOB_ATTEMPTS > webhook_delivery.DELIVERY_ATTEMPTS  # the job outlives the delivery's own attempts


@pytest.mark.parametrize("failed_attempt", range(1, 12))
def test_jitter_stays_within_a_quarter_either_way(failed_attempt):
    policy = dataclasses.replace(webhook_delivery.RETRY_POLICY, rng=random.Random(failed_attempt))
    base = WITHOUT_JITTER.delay(failed_attempt)
    delays = {policy.delay(failed_attempt) for _ in range(200)}
    assert min(delays) >= base * 0.75 and max(delays) <= base * 1.25 and len(delays) > 1
