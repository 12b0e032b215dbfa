"""Applications: applying to a posting (which schedules its tailored interview), the candidate's
views, the staff list and status moves, and the history of moves."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from shared.ai.models import RoleType
from shared.models.assessments import CandidateAssessment
from shared.models.base import Model
from shared.models.interviews import InterviewMode, InterviewStatus
from shared.validation import Text

ApplicationStatus = Literal["applied", "interview_scheduled", "interview_completed", "under_review", "rejected", "offered", "accepted", "withdrawn"]
StaffMove = Literal["interview_scheduled", "interview_completed", "under_review", "rejected", "offered", "accepted"]
ListSort = Literal["score", "date"]


class ApplyRequest(Model):
    model_config = ConfigDict(extra="forbid")

    job_posting_id: UUID
    resume_id: UUID | None = Field(default=None, description="One of the caller's resumes; defaults to the active one.")
    cover_note: Text | None = Field(default=None, max_length=5000)


class StatusChange(Model):
    """A recruiter's move; withdrawing is the candidate's own (POST /{id}/withdraw)."""

    model_config = ConfigDict(extra="forbid")

    status: StaffMove
    note: Text | None = Field(default=None, max_length=2000, description="Internal: shown to staff only.")


class Application(Model):
    id: UUID
    candidate_id: UUID
    job_posting_id: UUID
    resume_id: UUID | None
    interview_id: UUID | None = Field(description="The application's current interview (the newest after a restart).")
    status: ApplicationStatus
    cover_note: str | None
    status_changed_at: datetime
    created_at: datetime


class ApplicationInterview(Model):
    id: UUID
    status: InterviewStatus
    role_type: RoleType
    mode: InterviewMode
    started_at: datetime | None
    completed_at: datetime | None


class Applied(Model):
    application: Application
    interview: ApplicationInterview


class PostingSummary(Model):
    id: UUID
    title: str
    company: str
    location: str
    work_setup: str
    employment_type: str
    status: str
    is_cancelled: bool


class ApplicationEvent(Model):
    id: int
    from_status: ApplicationStatus | None = Field(description="Empty for the application's creation.")
    to_status: ApplicationStatus
    created_at: datetime
    note: str | None = Field(default=None, description="Internal: staff only (always empty for the candidate).")
    changed_by: UUID | None = Field(default=None, description="Who moved it (staff only); empty for system moves.")


class ApplicantRef(Model):
    id: UUID
    full_name: str
    email: str


class CandidateApplication(Model):
    """An application as its candidate sees it."""

    application: Application
    posting: PostingSummary
    interview: ApplicationInterview | None
    result: CandidateAssessment | None = Field(description="The candidate view of the interview's result, once scored.")


class CandidateApplicationList(Model):
    items: list[CandidateApplication]


class StaffApplication(Model):
    """An application as staff of the posting's organization see it."""

    application: Application
    candidate: ApplicantRef
    posting: PostingSummary
    interview: ApplicationInterview | None
    overall_score: int | None = Field(description="The current assessment's overall score, once scored.")


class StaffApplicationList(Model):
    items: list[StaffApplication]
    total: int
    page: int
    page_size: int


class ApplicationDetail(Model):
    """One application with its history: the candidate sees their result and no notes; staff see
    the applicant, the score and the notes."""

    application: Application
    posting: PostingSummary
    interview: ApplicationInterview | None
    result: CandidateAssessment | None = Field(default=None, description="Candidate only: the candidate view of the result.")
    candidate: ApplicantRef | None = Field(default=None, description="Staff only.")
    overall_score: int | None = Field(default=None, description="Staff only.")
    events: list[ApplicationEvent]


class ApplicationResult(Model):
    application: Application
