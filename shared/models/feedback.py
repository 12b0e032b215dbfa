"""Resume feedback: what the AI drafted, the recruiter's edits and approval, what was sent."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from shared.ai.models import Resource
from shared.models.base import Model
from shared.validation import Text

FeedbackStatus = Literal["draft", "pending_approval", "approved", "sent", "failed"]


class FeedbackEdit(Model):
    model_config = ConfigDict(extra="forbid")

    feedback_content: Text | None = Field(default=None, min_length=20, max_length=20000)
    identified_gaps: list[Text] | None = Field(default=None, max_length=50)
    recommended_resources: list[Resource] | None = Field(default=None, max_length=50)


class FeedbackSummary(Model):
    id: UUID
    feedback_content: str
    identified_gaps: list[str]
    recommended_resources: list[Resource]
    status: FeedbackStatus
    generated_at: datetime
    sent_at: datetime | None


class Feedback(FeedbackSummary):
    resume_id: UUID
    candidate_id: UUID
    auto_send_at: datetime = Field(description="Sent automatically after this time unless a recruiter acted first.")
    approved_at: datetime | None
    approved_by: UUID | None = Field(description="The approving recruiter; empty when sent automatically.")


class CandidateRef(Model):
    id: UUID
    full_name: str


class PendingFeedback(Feedback):
    candidate: CandidateRef


class PendingFeedbackList(Model):
    items: list[PendingFeedback]


class FeedbackResult(Model):
    feedback: Feedback
