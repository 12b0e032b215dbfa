"""Issue 15.6: OpenAI faults on the turn path, injected by the fake OpenAI server. Rate limits
are retried into a successful turn; repeated server errors open the circuit breaker (fast 503
AI_UNAVAILABLE without a request) until its open period ends; a hang past the call timeout is
an enveloped error with nothing written."""

from __future__ import annotations

import time

CHAT = "/v1/chat/completions"


def test_two_rate_limits_then_an_answer_and_the_turn_succeeds(openai_env, fake_openai, start_interview_for, stored):
    interview = start_interview_for()
    fake_openai.fail(429, times=2)
    reply = interview.answer()
    assert reply.status == 200, reply.body
    assert fake_openai.schemas() == ["GeneratedQuestion", "AnswerEvaluation", "AnswerEvaluation", "AnswerEvaluation", "GeneratedQuestion"]
    assert [kind for kind, _ in stored(interview.id)["messages"]] == ["ai_question", "candidate_response", "ai_question"]


def test_five_server_errors_open_the_breaker_until_its_open_period_ends(openai_env, fake_openai, start_interview_for, stored):
    openai_env(OPENAI_MAX_ATTEMPTS="1", BREAKER_OPEN_SECONDS="1.5")  # one request per call: five turns, five failures
    interview = start_interview_for()
    fake_openai.fail(500, times=5)
    for _ in range(5):
        reply = interview.answer()
        assert (reply.status, reply.error["code"]) == (503, "AI_UNAVAILABLE")
    sent = len(fake_openai.requests)

    began = time.monotonic()
    fast = interview.answer()
    assert (fast.status, fast.error["code"]) == (503, "AI_UNAVAILABLE")
    assert time.monotonic() - began < 0.5 and len(fake_openai.requests) == sent  # open: no request at all
    assert fast.body["success"] is False and fast.error["request_id"]

    time.sleep(1.6)
    recovered = interview.answer()  # a trial call goes through and succeeds: the breaker closes
    assert recovered.status == 200, recovered.body
    assert interview.answer().status == 200
    kinds = [kind for kind, _ in stored(interview.id)["messages"]]
    assert kinds == ["ai_question", "candidate_response", "ai_question", "candidate_response", "ai_question"]


def test_a_hang_past_the_call_timeout_is_an_enveloped_error_and_nothing_is_written(openai_env, fake_openai, start_interview_for, stored):
    openai_env(OPENAI_CHAT_TIMEOUT_S="0.5", OPENAI_MAX_ATTEMPTS="2")
    interview = start_interview_for()
    before = stored(interview.id)
    fake_openai.hang(30, times=2)
    began = time.monotonic()
    reply = interview.answer()
    assert (reply.status, reply.error["code"]) == (503, "AI_UNAVAILABLE")
    assert time.monotonic() - began < 5  # two 0.5 s attempts and one backoff, not the hang
    assert fake_openai.schemas()[1:] == ["AnswerEvaluation", "AnswerEvaluation"]
    assert stored(interview.id) == before  # no answer row, no question row, session and usage untouched

    assert interview.answer().status == 200  # the upstream answers again: so does the turn
