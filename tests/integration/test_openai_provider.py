"""The OpenAI provider against a local fake OpenAI HTTP server that records request bodies and
answers with recorded-shape responses (the SDK is built on httpx2, so httpx mocks cannot do this)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from shared.ai import rubric
from shared.ai.models import GeneratedQuestion, QuestionContext, ResumeExtraction
from shared.ai.openai_provider import OpenAIProvider
from shared.errors import AIFailed, AIUnavailable, ValidationFailed
from shared.settings import Settings
from tests.fake_openai import FakeOpenAI, chat_completion

EXTRACTION = {
    "skills": ["Python"],
    "experience_years": 5,
    "education": [],
    "previous_roles": [],
    "technical_domains": [{"domain": "backend", "level": "advanced"}],
}


@pytest.fixture
def fake():
    server = FakeOpenAI()
    yield server
    server.close()


@pytest.fixture
def provider_factory(fake):
    sleeps: list[float] = []

    def make(**overrides) -> OpenAIProvider:
        settings = Settings(openai_api_key="sk-test", openai_base_url=fake.base_url, **overrides)
        provider = OpenAIProvider(settings, sleep=sleeps.append)
        provider.sleeps = sleeps
        return provider

    return make


def test_structured_output_sends_a_strict_json_schema_and_prices_the_call(fake, provider_factory):
    fake.reply("/v1/chat/completions", 200, chat_completion(EXTRACTION))
    result = provider_factory().extract_resume("Python developer, 5 years")
    assert isinstance(result.value, ResumeExtraction) and result.value.skills == ["Python"]
    body = fake.json_bodies("/v1/chat/completions")[0]
    assert body["model"] == "gpt-4o-mini"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["schema"]["additionalProperties"] is False
    assert body["messages"][0]["role"] == "system"
    assert result.usage.prompt_version == "resume_extraction.v1"
    assert result.usage.input_tokens == 1000 and result.usage.cost_usd == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1e6)
    assert fake.requests[0]["headers"]["authorization"] == "Bearer sk-test"


def test_429_then_success_is_retried_with_backoff(fake, provider_factory):
    fake.reply("/v1/chat/completions", 429, {"error": {"message": "slow down", "type": "rate_limit"}})
    fake.reply("/v1/chat/completions", 200, chat_completion(EXTRACTION))
    provider = provider_factory()
    assert provider.extract_resume("text").value.skills == ["Python"]
    assert len(fake.requests) == 2
    assert len(provider.sleeps) == 1 and 0.5 <= provider.sleeps[0] <= 2.5


def test_server_errors_retry_three_times_then_fail_as_unavailable(fake, provider_factory):
    for _ in range(3):
        fake.reply("/v1/chat/completions", 503, {"error": {"message": "overloaded"}})
    provider = provider_factory()
    with pytest.raises(AIUnavailable):
        provider.extract_resume("text")
    assert len(fake.requests) == 3
    assert len(provider.sleeps) == 2 and provider.sleeps[1] > provider.sleeps[0] * 1.2 - 1


def test_400_is_not_retried(fake, provider_factory):
    fake.reply("/v1/chat/completions", 400, {"error": {"message": "bad schema", "type": "invalid_request_error"}})
    with pytest.raises(AIFailed) as raised:
        provider_factory().extract_resume("text")
    assert len(fake.requests) == 1
    assert "bad schema" not in raised.value.message  # upstream messages never reach clients


def test_five_failures_open_the_breaker_and_the_sixth_call_sends_nothing(fake, provider_factory):
    provider = provider_factory(openai_max_attempts=1)
    for _ in range(5):
        fake.reply("/v1/chat/completions", 500, {"error": {"message": "boom"}})
        with pytest.raises(AIUnavailable):
            provider.extract_resume("text")
    assert len(fake.requests) == 5
    with pytest.raises(AIUnavailable):
        provider.extract_resume("text")
    assert len(fake.requests) == 5


def test_timeouts_are_honoured(fake, provider_factory):
    fake.delay = 1.5
    fake.reply("/v1/chat/completions", 200, chat_completion(EXTRACTION))
    provider = provider_factory(openai_chat_timeout_s=0.3, openai_max_attempts=1)
    started = time.monotonic()
    with pytest.raises(AIUnavailable):
        provider.extract_resume("text")
    assert time.monotonic() - started < 1.4


def test_whisper_is_asked_for_verbose_json_in_english_at_temperature_zero(fake, provider_factory):
    fake.reply(
        "/v1/audio/transcriptions",
        200,
        {
            "text": " Hello there.",
            "language": "english",
            "duration": 2.5,
            "segments": [
                {
                    "id": 0,
                    "seek": 0,
                    "start": 0.0,
                    "end": 2.5,
                    "text": " Hello there.",
                    "tokens": [1],
                    "temperature": 0.0,
                    "avg_logprob": -0.1,
                    "compression_ratio": 1.0,
                    "no_speech_prob": 0.01,
                }
            ],
        },
    )
    result = provider_factory().transcribe(b"RIFF....WAVE", "wav")
    body = fake.requests[0]["body"]
    assert b'name="response_format"\r\n\r\nverbose_json' in body
    assert b'name="language"\r\n\r\nen' in body and b'name="temperature"\r\n\r\n0' in body and b'name="model"\r\n\r\nwhisper-1' in body
    assert result.value.text == "Hello there." and result.value.duration_seconds == 2.5
    assert result.value.segments[0].confidence == pytest.approx(0.905, abs=0.001)
    assert result.usage.cost_usd == pytest.approx(2.5 / 60 * 0.006)


def test_gpt_4o_mini_transcribe_uses_json_with_logprobs(fake, provider_factory):
    fake.reply(
        "/v1/audio/transcriptions",
        200,
        {"text": "Hi", "logprobs": [{"token": "Hi", "logprob": -0.2, "bytes": [72, 105]}], "usage": {"type": "duration", "seconds": 1.2}},
    )
    result = provider_factory(openai_transcription_model="gpt-4o-mini-transcribe").transcribe(b"webm", "webm")
    body = fake.requests[0]["body"]
    assert b'name="response_format"\r\n\r\njson' in body and b"logprobs" in body
    assert result.value.text == "Hi" and result.value.confidence == pytest.approx(0.819, abs=0.001)


def test_tts_sends_model_voice_and_format_and_enforces_the_limit(fake, provider_factory):
    fake.reply("/v1/audio/speech", 200, b"ID3fake-mp3", "audio/mpeg")
    provider = provider_factory()
    speech = provider.synthesize("What is a closure?")
    assert speech.value.audio == b"ID3fake-mp3" and speech.value.content_type == "audio/mpeg"
    assert fake.json_bodies("/v1/audio/speech")[0] == {
        "model": "tts-1",
        "voice": "alloy",
        "input": "What is a closure?",
        "response_format": "mp3",
        "speed": 1.0,
    }
    assert speech.usage.cost_usd == pytest.approx(18 / 1000 * 0.015)
    with pytest.raises(ValidationFailed):
        provider.synthesize("x" * 4097)
    assert len(fake.requests) == 1


def test_successor_tts_model_is_configuration_only(fake, provider_factory):
    fake.reply("/v1/audio/speech", 200, b"ID3", "audio/mpeg")
    provider_factory(openai_tts_model="gpt-4o-mini-tts", openai_tts_voice="marin").synthesize("Hello")
    assert fake.json_bodies("/v1/audio/speech")[0]["model"] == "gpt-4o-mini-tts"


def test_realtime_client_secret_carries_the_session(fake, provider_factory):
    session = {"type": "realtime", "model": "gpt-realtime", "instructions": "Interview", "audio": {"output": {"voice": "marin"}}}
    fake.reply("/v1/realtime/client_secrets", 200, {"value": "ek_123", "expires_at": 1900000000, "session": session})
    secret = provider_factory().create_realtime_secret(session, ttl_seconds=300)
    body = fake.json_bodies("/v1/realtime/client_secrets")[0]
    assert body == {"expires_after": {"anchor": "created_at", "seconds": 300}, "session": session}
    assert secret.value.value == "ek_123" and secret.value.expires_at == 1900000000


def test_question_generation_uses_the_versioned_prompt(fake, provider_factory):
    fake.reply(
        "/v1/chat/completions",
        200,
        chat_completion(
            {"question_id": "gen-1", "topic": "hooks", "text": "Explain useEffect.", "phase": "standard", "difficulty": 2, "is_follow_up": False}
        ),
    )
    result = provider_factory().next_question(QuestionContext(role_type="react", phase="standard", difficulty=2))
    assert result.value.text == "Explain useEffect." and result.usage.prompt_version == "next_question.v2"


def test_gpt_4o_mini_transcribe_without_a_duration_measures_it_from_the_audio(fake, provider_factory, monkeypatch):
    """Its usage is in tokens, with no seconds: the duration (and so the per-minute speech cost and
    the speech-rate integrity rule) comes from the recording itself, here a MediaRecorder-style WebM."""
    from shared.services import integrity, interview_audio

    recording = (Path(__file__).resolve().parent.parent / "data" / "audio" / "answer-recorder.webm").read_bytes()
    words = " ".join(["word"] * 40)
    fake.reply(
        "/v1/audio/transcriptions",
        200,
        {"text": words, "logprobs": [], "usage": {"type": "tokens", "input_tokens": 60, "output_tokens": 40, "total_tokens": 100}},
    )
    provider = provider_factory(openai_transcription_model="gpt-4o-mini-transcribe")
    monkeypatch.setattr(interview_audio, "get_provider", lambda: provider)
    heard = interview_audio.transcribe_answer(recording, "webm", None)
    assert heard.duration_seconds == pytest.approx(5.03, abs=0.1)
    assert heard.usage.audio_seconds == heard.duration_seconds
    assert heard.usage.cost_usd == pytest.approx(heard.duration_seconds / 60 * 0.003)
    assert heard.metadata["transcription_model"] == "gpt-4o-mini-transcribe"
    sample = integrity.AnswerSample(message_id="a1", answer_text=heard.text, response_time_seconds=30, audio_duration_seconds=heard.duration_seconds)
    assert [flag.type for flag in integrity.analyse([sample]).flags] == ["implausible_speech_rate"]  # 40 words in 5 s


def test_an_evaluation_score_outside_its_band_is_clamped_and_logged(fake, provider_factory, monkeypatch):
    from shared.ai import openai_provider

    warnings = []
    monkeypatch.setattr(openai_provider.logger, "warning", lambda message, **kwargs: warnings.append((message, kwargs.get("extra"))))
    reply = {
        "score": 92,
        "skill": "python",
        "quality": "adequate",
        "technical_terms": ["yield"],
        "hedging": False,
        "follow_up_needed": True,
        "proficiency": "proficient",
        "rationale": "Mentions yield only.",
    }
    fake.reply("/v1/chat/completions", 200, chat_completion(reply))
    fake.reply("/v1/chat/completions", 200, chat_completion({**reply, "score": 130, "quality": "strong"}))
    context = QuestionContext(role_type="python", phase="standard", difficulty=2)
    question = GeneratedQuestion(question_id="q1", topic="generators", text="Explain generators.", phase="standard", difficulty=2, is_follow_up=False)
    provider = provider_factory()
    adequate = provider.evaluate_answer(context, question, "They use yield.")
    strong = provider.evaluate_answer(context, question, "A long, excellent answer.")
    assert (adequate.value.score, adequate.value.proficiency) == (74, "intermediate")
    assert (strong.value.score, strong.value.proficiency) == (100, "proficient")
    assert [extra["score"] for _, extra in warnings] == [92, 130] and [extra["clamped_to"] for _, extra in warnings] == [74, 100]
    prompt = fake.json_bodies("/v1/chat/completions")[0]["messages"][0]["content"]
    assert all(f"{name} ({low}-{high})" in prompt for name, (low, high) in rubric.BANDS.items())  # the offline evaluator's bands
    assert adequate.usage.prompt_version == "evaluate_answer.v2"


def test_question_generation_receives_the_texts_of_the_questions_already_asked(fake, provider_factory):
    fake.reply(
        "/v1/chat/completions",
        200,
        chat_completion(
            {"question_id": "gen-3", "topic": "async", "text": "Explain asyncio.", "phase": "advanced", "difficulty": 4, "is_follow_up": False}
        ),
    )
    asked = ["What is the difference between a list and a tuple?", "How do decorators work?"]
    context = QuestionContext(role_type="python", phase="advanced", difficulty=4, asked_question_ids=["gen-1", "gen-2"], asked_texts=asked)
    provider_factory().next_question(context)
    payload = json.loads(fake.json_bodies("/v1/chat/completions")[0]["messages"][1]["content"])
    assert payload["asked_texts"] == asked and "asked_question_ids" not in payload
