"""Interviews: starting one, answering a question (a turn), recovery status, messages,
transcript and completion."""

from datetime import datetime
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from shared.ai.models import Phase, RoleType
from shared.models.base import Model
from shared.validation import Text

InterviewStatus = Literal["scheduled", "in_progress", "completed", "abandoned"]
InterviewMode = Literal["text", "voice", "realtime"]


class StartRequest(Model):
    model_config = ConfigDict(extra="forbid")

    role_type: RoleType | None = Field(default=None, description="Inferred from the resume when absent.")
    resume_id: UUID | None = Field(default=None, description="Defaults to the active resume.")
    application_id: UUID | None = Field(default=None, description="Start the interview scheduled for this application.")
    mode: InterviewMode = Field(
        default="text",
        description=(
            "In voice mode each question also comes as audio. Realtime is a live voice conversation (the `realtime` function);"
            " when it is not available the interview starts in voice mode and `fallback` says so."
        ),
    )

    @model_validator(mode="after")
    def _one_context(self) -> Self:
        if self.resume_id and self.application_id:
            raise ValueError("Give either resume_id or application_id, not both.")
        return self


class TurnRequest(Model):
    """Exactly one of `text`, `audio_base64` (with `audio_format`) or `audio_path`."""

    model_config = ConfigDict(extra="forbid")

    text: Text | None = Field(default=None, max_length=10_000)
    audio_base64: Text | None = Field(default=None, description="A recorded answer, base64, up to 4 MB decoded.")
    audio_format: Text | None = Field(default=None, max_length=20, description="wav, mp3, webm, ogg, m4a ...")
    audio_path: Text | None = Field(
        default=None, min_length=3, max_length=500, description="An object already uploaded to the audio bucket, in the caller's folder."
    )
    client_turn_id: Text | None = Field(
        default=None, min_length=1, max_length=100, description="Idempotency key: the same id again returns the first result."
    )
    question_id: UUID | None = Field(default=None, description="The question message being answered (guards against stale clients).")

    @model_validator(mode="after")
    def _one_answer(self) -> Self:
        given = [name for name in ("text", "audio_base64", "audio_path") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("Send exactly one of text, audio_base64 (with audio_format) or audio_path.")
        if self.text is not None and not self.text.strip():
            raise ValueError("The answer text is empty.")
        return self


class Question(Model):
    id: UUID = Field(description="The question's message id (send it back as question_id).")
    sequence_number: int
    text: str
    audio_url: str | None = Field(description="A signed URL of the spoken question (voice mode).")
    phase: Phase | None


class Progress(Model):
    phase: Phase
    questions_asked: int
    min_questions: int
    max_questions: int
    difficulty: int = Field(ge=1, le=5)


class InterviewSummary(Model):
    id: UUID
    status: InterviewStatus
    role_type: RoleType
    mode: InterviewMode


class ModeFallback(Model):
    """The requested mode was not available; the interview started in `mode` instead."""

    requested_mode: InterviewMode
    mode: InterviewMode
    reason: str = Field(description="disabled, offline_provider or circuit_open.")


class StartedInterview(Model):
    interview: InterviewSummary
    question: Question
    progress: Progress
    fallback: ModeFallback | None = Field(default=None, description="Set when the requested mode (realtime) was not available.")


class Answer(Model):
    id: UUID
    sequence_number: int
    text: str


class TurnResult(Model):
    answer: Answer
    question: Question | None = Field(description="The next question; empty when the interview is done.")
    progress: Progress
    done: bool
    end_reason: str | None = None
    replayed: bool = Field(default=False, description="True when this is the stored result of a repeated client_turn_id.")


class InterviewStatusView(Model):
    status: InterviewStatus
    role_type: RoleType
    mode: InterviewMode
    can_resume: bool
    can_restart: bool
    last_question: Question | None = Field(description="The question awaiting an answer, if any.")
    progress: Progress
    end_reason: str | None
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None
    results: str | None = Field(description="Path of the assessment once the interview is completed.")


class Message(Model):
    id: UUID
    sequence_number: int
    message_type: Literal["ai_question", "candidate_response"]
    content_text: str
    content_audio_url: str | None
    audio_duration_seconds: float | None
    response_time_seconds: float | None
    metadata: dict[str, Any]
    created_at: datetime


class MessagePage(Model):
    items: list[Message]
    next_before: int | None = Field(description="Pass as `before` to read the previous page; empty on the first page.")


class LatestMessage(Model):
    message: Message | None


class TranscriptEntry(Model):
    sequence_number: int
    speaker: Literal["interviewer", "candidate"]
    text: str
    response_time_seconds: float | None
    audio_duration_seconds: float | None
    at: datetime


class Transcript(Model):
    interview_id: UUID
    status: InterviewStatus
    entries: list[TranscriptEntry]
    text: str


class Completion(Model):
    status: Literal["completed"] = "completed"
    duration_seconds: int | None
