"""The provider interface and its selection. Business logic depends on this, never on a vendor."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal, Protocol

from shared.ai.models import (
    AnswerEvaluation,
    FeedbackDraft,
    Generated,
    GeneratedQuestion,
    QuestionContext,
    RealtimeSecret,
    ResumeExtraction,
    ScoringResult,
    Speech,
    Transcription,
    TranscriptTurn,
)
from shared.logs import logger
from shared.settings import Settings, get_settings

RealtimeStatus = Literal["ready", "unsupported", "circuit_open"]


class AIProvider(Protocol):
    name: str

    def extract_resume(self, text: str) -> Generated[ResumeExtraction]: ...

    def generate_feedback(self, parsed: ResumeExtraction, target_role: str | None = None) -> Generated[FeedbackDraft]: ...

    def next_question(self, context: QuestionContext) -> Generated[GeneratedQuestion]: ...

    def evaluate_answer(self, context: QuestionContext, question: GeneratedQuestion, answer: str) -> Generated[AnswerEvaluation]: ...

    def score_interview(self, role_type: str, turns: list[TranscriptTurn]) -> Generated[ScoringResult]: ...

    def transcribe(self, audio: bytes, fmt: str) -> Generated[Transcription]: ...

    def synthesize(self, text: str) -> Generated[Speech]: ...

    def create_realtime_secret(self, session: dict[str, Any], ttl_seconds: int = 600) -> Generated[RealtimeSecret]: ...

    def realtime_status(self) -> RealtimeStatus:
        """Whether realtime sessions can be minted now: "unsupported" by a provider without a
        realtime API, "circuit_open" while the provider's circuit breaker is open."""
        ...


def provider_choice(settings: Settings) -> str:
    """`AI_PROVIDER` when set, else openai when an API key is configured, else offline."""
    return settings.ai_provider or ("openai" if settings.openai_api_key and settings.openai_api_key.get_secret_value() else "offline")


@lru_cache
def get_provider() -> AIProvider:
    """The configured provider, built once per cold start: OpenAI when chosen (or a key is set), else offline."""
    settings = get_settings()
    if provider_choice(settings) == "openai":
        from shared.ai.openai_provider import OpenAIProvider

        provider: AIProvider = OpenAIProvider(settings)
    else:
        from shared.ai.offline.provider import OfflineProvider

        provider = OfflineProvider()
    logger.info("AI provider selected", extra={"ai_provider": provider.name})
    return provider


def realtime_unavailable_reason() -> str | None:
    """Why realtime voice sessions cannot be opened now, or None when they can: the feature flag
    ENABLE_REALTIME_API is off ("disabled"), the provider has no realtime API ("offline_provider"),
    or its circuit breaker is open ("circuit_open")."""
    if not get_settings().enable_realtime_api:
        return "disabled"
    status = get_provider().realtime_status()
    if status == "unsupported":
        return "offline_provider"
    if status == "circuit_open":
        return "circuit_open"
    return None
