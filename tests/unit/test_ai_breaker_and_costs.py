import pytest

from shared.ai import costs
from shared.ai.breaker import CircuitBreaker, CircuitOpen


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_breaker_opens_after_five_failures_and_half_opens_for_three_trials():
    clock = Clock()
    breaker = CircuitBreaker(5, 60, 3, clock)
    for _ in range(5):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.now = 61
    assert breaker.state == "half_open"
    for _ in range(3):
        breaker.before_call()
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # only three trial calls
    breaker.record_success()
    assert breaker.state == "closed"


def test_a_failed_trial_reopens_the_breaker():
    clock = Clock()
    breaker = CircuitBreaker(5, 60, 3, clock)
    for _ in range(5):
        breaker.record_failure()
    clock.now = 61
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"


def test_successes_reset_the_consecutive_count():
    breaker = CircuitBreaker(5, 60, 3, Clock())
    for _ in range(4):
        breaker.record_failure()
    breaker.record_success()
    for _ in range(4):
        breaker.record_failure()
    assert breaker.state == "closed"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: costs.text_cost("gpt-4o-mini", 1_000_000, 1_000_000), 0.75),  # $0.15 in + $0.60 out per 1M
        (lambda: costs.transcription_cost("whisper-1", 90), 0.009),  # $0.006 per minute
        (lambda: costs.speech_cost("tts-1", 2000), 0.03),  # $0.015 per 1K characters
        (lambda: costs.text_cost("unknown-model", 1000, 1000), 0.0),
    ],
)
def test_prices_come_from_the_configured_table(call, expected):
    assert call() == pytest.approx(expected)


def test_realtime_usage_is_priced_by_token_kind():
    usage = {
        "input_tokens": 1_300_000,
        "output_tokens": 1_500_000,
        "input_token_details": {"audio_tokens": 1_000_000, "text_tokens": 300_000, "cached_tokens": 100_000},
        "output_token_details": {"audio_tokens": 1_000_000, "text_tokens": 500_000},
    }
    # text in 200K*4 + cached 100K*0.4 + audio in 1M*32 + text out 500K*16 + audio out 1M*64, per 1M
    assert costs.realtime_cost("gpt-realtime", usage) == pytest.approx(0.8 + 0.04 + 32 + 8 + 64)
