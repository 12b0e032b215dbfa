"""Issue 15.5: timeouts fit the function. A turn-path function's Lambda timeout holds a whole chat
call plus the reserve for writing; inside it, OpenAI attempts and retries get only what is left
of the function's time budget, so a turn answers 504 AI_TIMEOUT (enveloped, nothing written)
before Lambda would stop it."""

from __future__ import annotations

import time

import pytest

from local.gateway import load_specs
from shared import deadline
from shared.ai.openai_provider import OpenAIProvider
from shared.errors import AITimeout, AIUnavailable
from shared.settings import Settings

FUNCTION_URL_MAX_TIMEOUT_S = 900  # Lambda's maximum, which function URLs allow (no 29 s API Gateway cap)
DEFAULTS = Settings.model_fields


@pytest.mark.parametrize("function", ["start-interview", "process-turn"])
def test_turn_path_functions_hold_a_whole_chat_call_and_the_write_reserve(function):
    timeout = load_specs()[function].timeout_s
    chat, reserve = DEFAULTS["openai_chat_timeout_s"].default, DEFAULTS["function_reserve_s"].default
    assert timeout - reserve >= chat, f"{function}: {timeout} s cannot fit a {chat} s chat call and {reserve} s to write"
    assert timeout <= FUNCTION_URL_MAX_TIMEOUT_S


def test_the_gateway_gives_each_function_its_timeout_from_serverless_yml():
    specs = load_specs()
    assert specs["process-turn"].timeout_s == 60 and specs["run-jobs"].timeout_s == 300
    assert specs["health"].timeout_s == 29  # the provider's default


@pytest.fixture
def provider(fake_openai):
    def make(**overrides) -> OpenAIProvider:
        settings = Settings(openai_api_key="sk-test", openai_base_url=fake_openai.base_url, **overrides)
        return OpenAIProvider(settings, sleep=lambda seconds: None)

    return make


def test_an_attempt_gets_only_what_is_left_of_the_budget_then_the_call_is_a_timeout(fake_openai, provider):
    fake_openai.hang(30, times=3)
    began = time.monotonic()
    with deadline.budget(1.5), pytest.raises(AITimeout):
        provider(openai_chat_timeout_s=45).extract_resume("text")
    assert time.monotonic() - began < 2.5
    assert len(fake_openai.requests) == 1  # no retry could finish in what was left


def test_no_request_is_sent_once_the_budget_is_spent(fake_openai, provider):
    openai = provider(breaker_failure_threshold=1)
    with deadline.budget(0.5), pytest.raises(AITimeout):
        openai.extract_resume("text")
    assert fake_openai.requests == [] and openai.breaker.state == "closed"  # nothing was asked, nothing failed


def test_a_retry_whose_backoff_would_end_past_the_budget_is_not_started(fake_openai, provider):
    fake_openai.fail(500, times=3)
    # First backoff 1-1.5 s leaves at least 1.5 s of 3: a second attempt; the second backoff (2-2.5 s) would not leave 1 s.
    with deadline.budget(3.0), pytest.raises(AIUnavailable):
        provider(openai_max_attempts=3).extract_resume("text")
    assert len(fake_openai.requests) == 2


def test_a_turn_that_outlives_its_budget_answers_504_before_the_lambda_timeout_and_writes_nothing(
    openai_env, fake_openai, start_interview_for, stored
):
    """Before the fix the turn waited for the hung call (45 s chat timeout) past the 29 s Lambda timeout."""
    openai_env(FUNCTION_RESERVE_S="1")
    interview = start_interview_for()
    before = stored(interview.id)
    fake_openai.answer()  # the answer is evaluated at once ...
    fake_openai.hang(30)  # ... and the next question never comes
    began = time.monotonic()
    reply = interview.answer(timeout_s=3)
    elapsed = time.monotonic() - began
    assert (reply.status, reply.error["code"], reply.body["success"]) == (504, "AI_TIMEOUT", False)
    assert elapsed < 3, f"answered after {elapsed:.1f} s, past the 3 s Lambda timeout"
    assert fake_openai.schemas()[1:] == ["AnswerEvaluation", "GeneratedQuestion"]
    assert stored(interview.id) == before  # no answer row, no question row, session and usage untouched
