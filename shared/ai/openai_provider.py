"""The OpenAI provider on the official SDK. One client per cold start with explicit timeouts and
SDK retries off: tenacity retries only connection errors, timeouts, 429 and 5xx (jittered
exponential backoff, a few attempts), and a circuit breaker fails fast while OpenAI is down.
Inside a function's time budget (`shared.deadline`) each attempt's timeout is cut to what is
left, no retry starts that could not finish in it, and a call the budget cannot fit is
`AITimeout` (504), so the function answers before Lambda stops it. Model names are
configuration, including the successors of deprecated models."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.realtime import RealtimeSessionCreateRequestParam
from pydantic import BaseModel, create_model
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter
from tenacity.stop import stop_base

from shared import audio_duration, deadline
from shared.ai import costs, prompts, rubric
from shared.ai.base import RealtimeStatus
from shared.ai.breaker import CircuitBreaker, CircuitOpen
from shared.ai.models import (
    AIUsage,
    AnswerEvaluation,
    FeedbackDraft,
    Generated,
    GeneratedQuestion,
    QuestionContext,
    RealtimeSecret,
    ResumeExtraction,
    ScoringResult,
    Segment,
    Speech,
    Transcription,
    TranscriptTurn,
)
from shared.errors import AIFailed, AITimeout, AIUnavailable, ValidationFailed
from shared.logs import logger
from shared.settings import Settings

RETRYABLE = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)
TTS_MAX_CHARACTERS = 4096
MIN_ATTEMPT_SECONDS = 1.0  # an attempt given less time than this is not sent
T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
# The evaluation as the model answers it, before the rubric is applied: the score unchecked, so an
# out-of-range score is clamped and logged rather than failing the turn (same schema name).
EvaluationReply = create_model("AnswerEvaluation", __base__=AnswerEvaluation, score=(int, ...))


def _time_for_an_attempt(after_sleep: float) -> bool:
    """Whether the budget (if any) still holds a useful attempt after sleeping `after_sleep`."""
    left = deadline.remaining()
    return left is None or left - after_sleep >= MIN_ATTEMPT_SECONDS


class stop_at_the_budget(stop_base):  # noqa: N801 - named like tenacity's own stop conditions
    """Stop retrying when the next attempt, after its backoff sleep, would not fit the budget."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        return not _time_for_an_attempt(retry_state.upcoming_sleep)


def _attempt_timeout(configured_s: float) -> float:
    """The call's own timeout, cut to what is left of the budget."""
    left = deadline.remaining()
    return configured_s if left is None else max(0.1, min(configured_s, left))


class OpenAIProvider:
    name = "openai"

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.client = openai.OpenAI(
            api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
            base_url=settings.openai_base_url,
            max_retries=0,
            timeout=settings.openai_chat_timeout_s,
        )
        self.breaker = CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_open_seconds, settings.breaker_trial_calls, clock)
        self._sleep = sleep

    # -- plumbing -----------------------------------------------------------------------------

    def _call(self, operation: str, func: Callable[[float], R], timeout_s: float) -> R:
        """Run one SDK call (`func(timeout)`) under the breaker and the retry policy, within the
        time budget; map failures to our errors."""
        if not _time_for_an_attempt(0.0):
            raise AITimeout()
        try:
            self.breaker.before_call()
        except CircuitOpen as exc:
            raise AIUnavailable("The AI service is temporarily unavailable; try again shortly.") from exc
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.openai_max_attempts) | stop_at_the_budget(),
            wait=wait_exponential_jitter(initial=1, max=4, jitter=0.5),
            retry=retry_if_exception_type(RETRYABLE),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            result = retrying(lambda: func(_attempt_timeout(timeout_s)))
        except RETRYABLE as exc:
            self.breaker.record_failure()
            logger.warning("openai call failed", extra={"operation": operation, "error_type": type(exc).__name__})
            if isinstance(exc, openai.APITimeoutError) and not _time_for_an_attempt(0.0):
                raise AITimeout() from exc
            raise AIUnavailable() from exc
        except (openai.APIStatusError, openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as exc:
            self.breaker.record_success()  # the service answered; the request was the problem
            logger.warning("openai refused the request", extra={"operation": operation, "error_type": type(exc).__name__})
            raise AIFailed() from exc
        self.breaker.record_success()
        return result

    def _structured(self, task: str, payload: dict[str, Any], output: type[T]) -> Generated[T]:
        prompt = prompts.load(task)
        model = self.settings.openai_chat_model
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.text},
            {"role": "user", "content": json.dumps(payload, default=str)},
        ]
        completion = self._call(
            task,
            lambda timeout: self.client.chat.completions.parse(
                model=model, messages=messages, response_format=output, temperature=0.2, timeout=timeout
            ),
            self.settings.openai_chat_timeout_s,
        )
        message = completion.choices[0].message
        if message.parsed is None:
            raise AIFailed("The AI service declined to answer.")
        usage = completion.usage
        input_tokens, output_tokens = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
        return Generated(
            message.parsed,
            AIUsage(
                provider=self.name,
                model=model,
                prompt_version=prompt.version,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost_usd=costs.text_cost(model, input_tokens, output_tokens),
            ),
        )

    # -- tasks --------------------------------------------------------------------------------

    def extract_resume(self, text: str) -> Generated[ResumeExtraction]:
        return self._structured("resume_extraction", {"resume_text": text[:30000]}, ResumeExtraction)

    def generate_feedback(self, parsed: ResumeExtraction, target_role: str | None = None) -> Generated[FeedbackDraft]:
        return self._structured("resume_feedback", {"parsed_resume": parsed.model_dump(), "target_role": target_role}, FeedbackDraft)

    def next_question(self, context: QuestionContext) -> Generated[GeneratedQuestion]:
        # The texts of the questions already asked, not their ids (which mean nothing to the model).
        return self._structured("next_question", context.model_dump(exclude={"asked_question_ids"}), GeneratedQuestion)

    def evaluate_answer(self, context: QuestionContext, question: GeneratedQuestion, answer: str) -> Generated[AnswerEvaluation]:
        payload = {"role_type": context.role_type, "phase": context.phase, "question": question.model_dump(), "answer": answer}
        reply = self._structured("evaluate_answer", payload, EvaluationReply)
        draft = reply.value
        score = rubric.conform(draft.quality, draft.score)
        if score != draft.score:
            logger.warning(
                "answer evaluation score outside its band; clamped",
                extra={"quality": draft.quality, "score": draft.score, "clamped_to": score, "question_id": question.question_id},
            )
        evaluation = AnswerEvaluation.model_validate({**draft.model_dump(), "score": score, "proficiency": rubric.proficiency_of(score)})
        return Generated(evaluation, reply.usage)

    def score_interview(self, role_type: str, turns: list[TranscriptTurn]) -> Generated[ScoringResult]:
        return self._structured("score_interview", {"role_type": role_type, "transcript": [t.model_dump() for t in turns]}, ScoringResult)

    def transcribe(self, audio: bytes, fmt: str) -> Generated[Transcription]:
        model = self.settings.openai_transcription_model
        verbose = model.startswith("whisper")  # gpt-4o(-mini)-transcribe answer `json` with optional logprobs
        options: dict[str, Any] = {"model": model, "file": (f"answer.{fmt}", audio), "language": "en", "temperature": 0}
        options.update({"response_format": "verbose_json"} if verbose else {"response_format": "json", "include": ["logprobs"]})
        result = self._call(
            "transcribe",
            lambda timeout: self.client.audio.transcriptions.create(**options, timeout=timeout),
            self.settings.openai_transcription_timeout_s,
        )
        if verbose:
            segments = [
                Segment(start=s.start, end=s.end, text=s.text.strip(), confidence=round(math.exp(min(0.0, s.avg_logprob)), 3))
                for s in (result.segments or [])
            ]
            duration = float(result.duration or 0) or audio_duration.seconds(audio, fmt) or 0.0
            confidence = round(sum(s.confidence for s in segments) / len(segments), 3) if segments else 0.0
        else:
            logprobs = [lp.logprob for lp in (getattr(result, "logprobs", None) or [])]
            confidence = round(math.exp(sum(logprobs) / len(logprobs)), 3) if logprobs else 0.0
            usage = getattr(result, "usage", None)
            # gpt-4o(-mini)-transcribe report token usage, without the audio's length: measure it.
            duration = float(getattr(usage, "seconds", 0) or 0) or audio_duration.seconds(audio, fmt) or 0.0
            segments = [Segment(start=0.0, end=duration, text=result.text.strip(), confidence=confidence)]
        transcription = Transcription(
            text=result.text.strip(),
            language=getattr(result, "language", None) or "en",
            duration_seconds=duration,
            segments=segments,
            confidence=confidence,
            model=model,
        )
        return Generated(
            transcription, AIUsage(provider=self.name, model=model, audio_seconds=duration, cost_usd=costs.transcription_cost(model, duration))
        )

    def synthesize(self, text: str) -> Generated[Speech]:
        if len(text) > TTS_MAX_CHARACTERS:
            raise ValidationFailed(f"Text-to-speech accepts at most {TTS_MAX_CHARACTERS} characters.")
        model = self.settings.openai_tts_model
        voice = self.settings.openai_tts_voice
        response = self._call(
            "synthesize",
            lambda timeout: self.client.audio.speech.create(model=model, voice=voice, input=text, response_format="mp3", speed=1.0, timeout=timeout),
            self.settings.openai_tts_timeout_s,
        )
        speech = Speech(audio=response.content, format="mp3", content_type="audio/mpeg", characters=len(text))
        return Generated(speech, AIUsage(provider=self.name, model=model, characters=len(text), cost_usd=costs.speech_cost(model, len(text))))

    def realtime_status(self) -> RealtimeStatus:
        return "circuit_open" if self.breaker.state == "open" else "ready"

    def create_realtime_secret(self, session: dict[str, Any], ttl_seconds: int = 600) -> Generated[RealtimeSecret]:
        # The provider interface takes the session as vendor-neutral JSON; the SDK sends it unchanged.
        request = cast(RealtimeSessionCreateRequestParam, session)
        result = self._call(
            "realtime_secret",
            lambda timeout: self.client.realtime.client_secrets.create(
                expires_after={"anchor": "created_at", "seconds": ttl_seconds}, session=request, timeout=timeout
            ),
            self.settings.openai_chat_timeout_s,
        )
        secret = RealtimeSecret(value=result.value, expires_at=result.expires_at, session=result.session.model_dump(exclude_none=True))
        return Generated(secret, AIUsage(provider=self.name, model=str(session.get("model", self.settings.openai_realtime_model))))
