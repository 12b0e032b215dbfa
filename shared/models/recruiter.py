"""Recruiter portal: the dashboard, the candidate pipeline (filters, sort, keyset pages, CSV
export), one candidate's whole file, an interview reviewed answer by answer, organization-private
notes and review marks on assessments."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, field_validator

from shared.ai.models import RoleType
from shared.models.applications import Application, ApplicationEvent, ApplicationStatus, PostingSummary
from shared.models.assessments import AssessmentStatus, IntegrityFlag, ScoredSkill
from shared.models.base import Model
from shared.models.feedback import Feedback
from shared.models.interviews import InterviewMode, InterviewStatus
from shared.models.resumes import Resume
from shared.validation import Text

PipelineSort = Literal["score", "integrity", "date"]
SortOrder = Literal["asc", "desc"]

MAX_PAGE_SIZE = 100
DEFAULT_SCORE_THRESHOLD = 80
NAME_SEARCH_PATTERN = r"^[\w\s.@+'-]*$"
"""Letters (any script), digits, spaces and what names and email addresses hold (. @ + ' -)."""
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
SKILL_PATTERN = r"^[\w\s.+#/-]*$"
"""A skill as resumes spell them: letters, digits, spaces and . + # / - (C++, C#, Node.js, CI/CD)."""


class CandidateContact(Model):
    id: UUID
    full_name: str
    email: str


class PipelineQuery(Model):
    """The filters and order of the candidate list and its CSV export."""

    skill: str | None = None
    role_type: RoleType | None = None
    application_status: ApplicationStatus | None = None
    job_posting_id: UUID | None = None
    score_min: int | None = None
    score_max: int | None = None
    integrity_below: int | None = None
    completed_from: date | None = None
    completed_to: date | None = None
    q: str | None = None
    sort: PipelineSort = "date"
    order: SortOrder = "desc"


class PipelineCandidate(Model):
    """A candidate as the organization's pipeline shows them."""

    candidate: CandidateContact
    overall_score: int | None = Field(description="Of the newest ready assessment (completed or partial).")
    integrity_score: int | None
    assessment_id: UUID | None
    interview_id: UUID | None = Field(description="The interview that assessment scored.")
    assessed_at: datetime | None
    application_id: UUID | None = Field(description="The newest application to one of your organization's postings.")
    application_status: ApplicationStatus | None
    last_completed_at: datetime | None = Field(description="When the candidate last completed an interview.")
    last_activity_at: datetime = Field(description="Latest of registration, upload, interview status, application move, assessment.")
    skills: list[str]
    role_types: list[RoleType]


class CandidatePage(Model):
    items: list[PipelineCandidate]
    total: int = Field(description="Candidates matching the filters (all pages).")
    limit: int
    sort: PipelineSort
    order: SortOrder
    next_cursor: str | None = Field(description="Pass as `cursor` (with the same sort and order) for the next page; empty on the last.")


# Dashboard


class FeedbackQueueItem(Model):
    id: UUID
    resume_id: UUID
    candidate: CandidateContact
    generated_at: datetime
    auto_send_at: datetime


class FeedbackQueue(Model):
    """Feedback awaiting approval; send-due-feedback sends what is past `auto_send_at`."""

    awaiting_approval: int
    oldest_generated_at: datetime | None
    oldest_waiting_seconds: int | None = Field(description="Age of the oldest feedback awaiting approval.")
    auto_send_within_hour: int = Field(description="Awaiting approval and due to be sent automatically within the hour (or already due).")
    items: list[FeedbackQueueItem] = Field(description="The oldest first.")


class FailedResume(Model):
    resume_id: UUID
    candidate: CandidateContact
    file_name: str
    parsing_error: str | None
    uploaded_at: datetime
    reparse_path: str = Field(description="POST here (resumes function) to parse it again.")


class FailedResumes(Model):
    count: int
    items: list[FailedResume]


class CompletedInterview(Model):
    interview_id: UUID
    candidate: CandidateContact
    role_type: RoleType
    mode: InterviewMode
    completed_at: datetime


class CompletedInterviews(Model):
    days: int
    count: int
    items: list[CompletedInterview] = Field(description="The newest first.")


class AssessmentToReview(Model):
    assessment_id: UUID
    interview_id: UUID
    candidate: CandidateContact
    status: AssessmentStatus
    overall_score: int | None
    integrity_score: int | None
    generated_at: datetime


class ReviewQueue(Model):
    """Ready (completed or partial) current assessments your organization has not marked reviewed."""

    count: int
    items: list[AssessmentToReview] = Field(description="The longest waiting first.")


class PostingPipeline(Model):
    posting: PostingSummary
    total: int
    by_status: dict[str, int] = Field(description="Applications per status (statuses without any are left out).")


class TopCandidates(Model):
    score_threshold: int
    count: int
    items: list[PipelineCandidate] = Field(description="Best overall score first.")


class Dashboard(Model):
    generated_at: datetime
    feedback: FeedbackQueue
    failed_resumes: FailedResumes
    completed_interviews: CompletedInterviews
    assessments_to_review: ReviewQueue
    open_postings: list[PostingPipeline] = Field(description="Your organization's active postings, newest first, with their applications by status.")
    top_candidates: TopCandidates


# One candidate


class CandidateProfile(Model):
    id: UUID
    email: str
    full_name: str
    phone: str | None
    status: str
    created_at: datetime
    registered_here: bool = Field(description="Registered through your organization (otherwise known from applications).")


class CandidateResume(Resume):
    download_url: str | None = Field(description="Short-lived signed link to the file; empty when Storage could not sign one.")
    download_expires_in: int | None = Field(description="Seconds the link stays valid.")


class CandidateApplicationHistory(Model):
    application: Application
    posting: PostingSummary
    events: list[ApplicationEvent]


class AssessmentReview(Model):
    assessment_id: UUID
    reviewed_by: UUID | None = Field(description="The recruiter who marked it (empty once they are gone).")
    reviewed_by_name: str | None
    reviewed_at: datetime


class AssessmentRecord(Model):
    """One scoring of an interview in the recruiter's view; a rescore keeps earlier ones."""

    id: UUID
    interview_id: UUID
    is_current: bool
    status: AssessmentStatus
    overall_score: int | None
    skill_scores: dict[str, ScoredSkill] = Field(description="Per skill: score, evidence message ids, reasoning, confidence.")
    skill_boundary_map: dict[str, str]
    strengths: list[str]
    weaknesses: list[str]
    integrity_score: int | None
    integrity_flags: list[IntegrityFlag]
    ai_reasoning: dict[str, Any]
    recommended_actions: list[str]
    missing_sections: list[str]
    error: str | None
    model: str | None
    prompt_version: str | None
    cost_usd: float
    generated_at: datetime
    review: AssessmentReview | None = Field(description="Your organization's review mark, if any.")


class InterviewCosts(Model):
    ai_model_used: str | None
    total_tokens_used: int
    llm_cost_usd: float
    speech_tokens_used: int
    speech_cost_usd: float
    realtime_cost_usd: float
    total_cost_usd: float


class CandidateInterview(Model):
    id: UUID
    status: InterviewStatus
    mode: InterviewMode
    role_type: RoleType
    job_posting_id: UUID | None
    application_id: UUID | None
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None
    end_reason: str | None
    created_at: datetime
    costs: InterviewCosts
    assessments: list[AssessmentRecord] = Field(description="Every scoring of the interview, newest first (the current one has is_current).")


class CandidateDetail(Model):
    candidate: CandidateProfile
    pipeline: PipelineCandidate | None = Field(description="The candidate's row in your organization's pipeline.")
    resumes: list[CandidateResume] = Field(description="Newest first.")
    feedback: list[Feedback] = Field(description="Resume feedback, newest first.")
    applications: list[CandidateApplicationHistory] = Field(description="Applications to your organization's postings, newest first.")
    interviews: list[CandidateInterview] = Field(description="Newest first.")


# Interview review


class AnswerEvaluationView(Model):
    """The AI's evaluation of one answer, as the turn stored it."""

    model_config = ConfigDict(extra="ignore")

    score: int | None = None
    skill: str | None = None
    quality: str | None = None
    proficiency: str | None = None
    rationale: str | None = None
    follow_up_needed: bool | None = None
    hedging: bool | None = None
    technical_terms: list[str] = Field(default_factory=list)


class ReviewEntry(Model):
    """One message of the transcript; answers carry their evaluation and what cites them."""

    message_id: UUID
    sequence_number: int
    speaker: Literal["interviewer", "candidate"]
    text: str
    at: datetime
    phase: str | None = Field(description="warmup, standard or advanced.")
    topic: str | None
    response_time_seconds: float | None = Field(default=None, description="Answers: seconds from the question to the answer.")
    spoken: bool = Field(default=False, description="Answers: given as speech.")
    audio_url: str | None = Field(default=None, description="Spoken answers: a signed link to the recording.")
    audio_duration_seconds: float | None = None
    transcription_confidence: float | None = Field(default=None, description="Spoken answers: the transcriber's confidence (0-1).")
    evaluation: AnswerEvaluationView | None = None
    integrity_flags: list[IntegrityFlag] = Field(default_factory=list, description="Flags of the current assessment citing this answer.")
    cited_by_skills: list[str] = Field(default_factory=list, description="Skills of the current assessment whose evidence includes this answer.")


class ReviewedInterview(Model):
    id: UUID
    status: InterviewStatus
    mode: InterviewMode
    role_type: RoleType
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None


class InterviewReview(Model):
    interview: ReviewedInterview
    candidate: CandidateContact
    assessment: AssessmentRecord | None = Field(description="The current assessment, once scored.")
    entries: list[ReviewEntry]
    other_flags: list[IntegrityFlag] = Field(description="Flags of the current assessment that cite no message of this transcript.")


# Notes and review marks


class NoteRequest(Model):
    model_config = ConfigDict(extra="forbid")

    body: Text = Field(min_length=1, max_length=5000, description="The note; private to your organization.")

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The note is empty.")
        return value


class NoteAuthor(Model):
    id: UUID
    full_name: str


class Note(Model):
    id: UUID
    candidate_id: UUID
    author: NoteAuthor | None = Field(description="Empty once the author's account is gone.")
    body: str
    created_at: datetime


class NoteResult(Model):
    note: Note


class NoteList(Model):
    items: list[Note] = Field(description="Newest first.")


class ReviewMarked(Model):
    review: AssessmentReview
    already_reviewed: bool = Field(description="True when your organization had marked it before (the first mark is kept).")
