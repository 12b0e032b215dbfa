import random

import pytest

from shared.queue import RetryPolicy


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        (1, 10),  # first retry after the base delay
        (2, 20),
        (3, 40),
        (4, 80),
        (20, 3600),  # capped
    ],
)
def test_backoff_doubles_per_attempt_up_to_the_cap(attempt, expected):
    assert RetryPolicy(jitter=0).delay(attempt) == expected


def test_jitter_stays_within_its_spread():
    policy = RetryPolicy(base_seconds=100, jitter=0.25, rng=random.Random(7))
    delays = {policy.delay(1) for _ in range(200)}
    assert min(delays) >= 75 and max(delays) <= 125
    assert len(delays) > 10  # actually jittered
