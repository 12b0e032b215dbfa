"""What an interview session remembers between turns (interview_sessions.progression_state): the
progressive plan's state, the questions already asked and the one awaiting an answer."""

from typing import Any, Self

from pydantic import ConfigDict, Field, model_validator

from shared.ai.models import GeneratedQuestion, QuestionContext
from shared.models.base import Model
from shared.models.interviews import Progress
from shared.services.progression import MAX_QUESTIONS, MIN_QUESTIONS, ProgressionState

MEMORY_ENTRIES = 8


class SessionState(Model):
    model_config = ConfigDict(validate_assignment=True)

    progression: ProgressionState = Field(default_factory=ProgressionState)
    asked_question_ids: list[str] = Field(default_factory=list)
    # The texts of the questions asked so far, for the question generator (ids alone let a model
    # repeat itself): every question is remembered when it becomes the current one.
    asked_question_texts: list[str] = Field(default_factory=list)
    current_question: GeneratedQuestion | None = None
    resume_skills: list[str] = Field(default_factory=list)
    job_title: str | None = None
    job_stack: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _remember_current_question(self) -> Self:
        current = self.current_question
        if current is not None and current.text not in self.asked_question_texts:
            self.asked_question_texts.append(current.text)
        return self

    @classmethod
    def load(cls, stored: dict[str, Any] | None) -> Self:
        return cls.model_validate(stored or {})

    def context(self, role_type: str, *, follow_up: bool = False, last_answer: str | None = None) -> QuestionContext:
        current = self.current_question
        return QuestionContext(
            role_type=role_type,
            phase=self.progression.phase,
            difficulty=self.progression.difficulty,
            asked_question_ids=self.asked_question_ids,
            asked_texts=self.asked_question_texts,
            follow_up=follow_up,
            last_question_id=current.question_id if current else None,
            last_question=current.text if current else None,
            last_answer=last_answer,
            resume_skills=self.resume_skills,
            job_title=self.job_title,
            job_stack=self.job_stack,
        )


def progress(state: SessionState) -> Progress:
    return Progress(
        phase=state.progression.phase,
        questions_asked=state.progression.questions_asked,
        min_questions=MIN_QUESTIONS,
        max_questions=MAX_QUESTIONS,
        difficulty=state.progression.difficulty,
    )


def remember(memory: list[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The condensed history the AI sees: the last few questions with their scores, no answer text."""
    return [*memory, entry][-MEMORY_ENTRIES:]
