"""Assessments: the candidate's view (scores, strengths, weaknesses), the recruiter's view (every
section, integrity flags, reasoning, history), and scoring still in progress."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from shared.models.base import Model

AssessmentStatus = Literal["completed", "partial", "failed"]


class ScoredSkill(Model):
    score: int = Field(ge=0, le=100)
    evidence_message_ids: list[str] = Field(description="Interview messages the score rests on.")
    reasoning: str
    confidence: float = Field(ge=0, le=1)


class IntegrityFlag(Model):
    type: str
    severity: Literal["low", "medium", "high"]
    evidence: dict[str, Any] = Field(description="message_ids and the measured figures or the explanation.")
    confidence: float = Field(ge=0, le=1)
    source: Literal["rules", "ai"]


class SkillScoreView(Model):
    skill: str
    score: int = Field(ge=0, le=100)


class CandidateAssessment(Model):
    """What the candidate sees: never integrity flags or the AI's reasoning."""

    interview_id: UUID
    status: AssessmentStatus
    overall_score: int | None
    skill_scores: list[SkillScoreView]
    strengths: list[str]
    weaknesses: list[str]
    generated_at: datetime


class AssessmentHistoryEntry(Model):
    id: UUID
    status: AssessmentStatus
    overall_score: int | None
    integrity_score: int | None
    generated_at: datetime


class RecruiterAssessment(Model):
    """What staff see: every section, with earlier scorings as history."""

    id: UUID
    interview_id: UUID
    status: AssessmentStatus
    overall_score: int | None
    skill_scores: dict[str, ScoredSkill]
    skill_boundary_map: dict[str, str]
    strengths: list[str]
    weaknesses: list[str]
    integrity_score: int | None
    integrity_flags: list[IntegrityFlag]
    ai_reasoning: dict[str, Any]
    recommended_actions: list[str]
    missing_sections: list[str] = Field(description="Passes that failed in a partial result.")
    error: str | None = Field(description="Why scoring failed, when it did.")
    model: str | None
    prompt_version: str | None
    cost_usd: float
    generated_at: datetime
    history: list[AssessmentHistoryEntry]


class ScoringInProgress(Model):
    """Answered with 202 while the interview is being scored: poll again shortly."""

    status: Literal["processing"] = "processing"
    interview_id: UUID


class RescoreQueued(ScoringInProgress):
    job_id: int
    already_queued: bool = Field(default=False, description="True when scoring was already queued or running: that job is returned.")


AssessmentView = RecruiterAssessment | CandidateAssessment | ScoringInProgress
