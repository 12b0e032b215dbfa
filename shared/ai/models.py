"""What the AI layer takes and returns. Models sent to OpenAI as Structured Outputs keep every
field required (strict JSON schema); optional values are nullable instead."""

from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationError, field_validator

from shared.models.base import Model
from shared.validation import Text

RoleType = Literal["react", "python", "javascript", "fullstack"]
Phase = Literal["warmup", "standard", "advanced"]
Level = Literal["beginner", "intermediate", "advanced", "expert"]
Proficiency = Literal["proficient", "intermediate", "boundary_reached"]

T = TypeVar("T")


class AIUsage(Model):
    """Who produced a result and what it cost."""

    provider: str
    model: str
    prompt_version: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    audio_seconds: float = 0.0
    characters: int = 0
    cost_usd: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Generated(Generic[T]):
    value: T
    usage: AIUsage


class Education(Model):
    degree: str
    institution: str | None
    year: int | None


class PreviousRole(Model):
    title: str
    company: str | None
    years: float | None


class DomainLevel(Model):
    domain: str
    level: Level


class ResumeExtraction(Model):
    skills: list[str]
    experience_years: float | None
    education: list[Education]
    previous_roles: list[PreviousRole]
    technical_domains: list[DomainLevel]


MAX_URL_LENGTH = 2000


def _http_url(value: str) -> str:
    """An absolute http(s) URL with a host: links shown to people never run script (javascript:,
    data:). A validator rather than HttpUrl, so the JSON schema sent to OpenAI stays a plain string
    and the value is stored as written."""
    if len(value) > MAX_URL_LENGTH or any(char.isspace() or not char.isprintable() for char in value):
        raise ValueError("The URL must be an http(s) address without spaces.")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("The URL must be an http(s) address.")
    return value


HttpUrlText = Annotated[str, AfterValidator(_http_url)]


class Resource(Model):
    title: Text
    url: HttpUrlText
    reason: Text


class FeedbackDraft(Model):
    feedback_content: str
    identified_gaps: list[str]
    recommended_resources: list[Resource]

    @field_validator("recommended_resources", mode="before")
    @classmethod
    def _drop_unsafe_links(cls, value: Any) -> Any:
        """A drafted resource whose link is not http(s) (a prompt-injected resume, say) is left
        out, rather than failing the whole feedback; any other defect still fails validation."""
        if not isinstance(value, list):
            return value
        kept = []
        for item in value:
            try:
                Resource.model_validate(item)
            except ValidationError as exc:
                if all(error["loc"] == ("url",) for error in exc.errors()):
                    continue
            kept.append(item)
        return kept


class QuestionContext(Model):
    """What the question generator knows (never sent as a schema)."""

    role_type: RoleType
    phase: Phase
    difficulty: int = Field(ge=1, le=5)
    asked_question_ids: list[str] = Field(default_factory=list)
    asked_texts: list[str] = Field(default_factory=list)
    follow_up: bool = False
    last_question_id: str | None = None
    last_question: str | None = None
    last_answer: str | None = None
    resume_skills: list[str] = Field(default_factory=list)
    job_title: str | None = None
    job_stack: list[str] = Field(default_factory=list)


class GeneratedQuestion(Model):
    question_id: str
    topic: str
    text: str
    phase: Phase
    difficulty: int
    is_follow_up: bool


class AnswerEvaluation(Model):
    score: int = Field(ge=0, le=100)
    skill: str
    quality: Literal["strong", "adequate", "weak", "no_answer"]
    technical_terms: list[str]
    hedging: bool
    follow_up_needed: bool
    proficiency: Proficiency
    rationale: str


class TranscriptTurn(Model):
    """One question and its answer, as scoring sees them."""

    question_id: str
    question_message_id: str
    answer_message_id: str
    phase: Phase
    topic: str
    question: str
    answer: str
    response_time_seconds: float | None
    audio_duration_seconds: float | None
    evaluation: AnswerEvaluation | None


class SkillScore(Model):
    skill: str
    score: int = Field(ge=0, le=100)
    evidence_message_ids: list[str]
    reasoning: str
    confidence: float = Field(ge=0, le=1)


class IntegrityObservation(Model):
    type: str
    severity: Literal["low", "medium", "high"]
    message_ids: list[str]
    explanation: str
    confidence: float = Field(ge=0, le=1)


class ScoringResult(Model):
    skill_scores: list[SkillScore]
    overall_score: int = Field(ge=0, le=100)
    overall_reasoning: str
    strengths: list[str]
    weaknesses: list[str]
    integrity_observations: list[IntegrityObservation]
    recommended_actions: list[str]


class Segment(Model):
    start: float
    end: float
    text: str
    confidence: float


class Transcription(Model):
    text: str
    language: str
    duration_seconds: float
    segments: list[Segment]
    confidence: float
    model: str


class Speech(Model):
    audio: bytes
    format: str
    content_type: str
    characters: int


class RealtimeSecret(Model):
    value: str
    expires_at: int
    session: dict[str, Any]
