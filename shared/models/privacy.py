"""The candidate's privacy rights: a copy of all their data, and erasure of the account."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, field_validator

from shared.models.applications import ApplicationStatus
from shared.models.assessments import CandidateAssessment
from shared.models.base import Model
from shared.models.interviews import InterviewMode, InterviewStatus
from shared.validation import Text


class ExportedProfile(Model):
    id: UUID
    email: str
    full_name: str
    phone: str | None
    status: str
    created_at: datetime
    updated_at: datetime


class ExportedResume(Model):
    id: UUID
    file_name: str
    file_size: int
    mime_type: str | None
    parsing_status: str
    parsing_error: str | None
    parsed_data: dict[str, Any] | None = Field(description="What was read from the resume (skills, experience, education, roles, domains).")
    uploaded_at: datetime
    parsed_at: datetime | None
    is_active: bool
    download_url: str | None = Field(description="A signed link to the file (see links_expire_in); empty if the file is gone.")


class ExportedFeedback(Model):
    id: UUID
    resume_id: UUID
    feedback_content: str
    identified_gaps: Any
    recommended_resources: Any
    generated_at: datetime
    sent_at: datetime | None


class ExportedApplicationEvent(Model):
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    created_at: datetime


class ExportedApplication(Model):
    id: UUID
    job_posting_id: UUID
    job_title: str
    company: str
    status: ApplicationStatus
    cover_note: str | None
    interview_id: UUID | None
    created_at: datetime
    status_changed_at: datetime
    history: list[ExportedApplicationEvent] = Field(description="Status moves, oldest first (without recruiters' internal notes).")


class ExportedMessage(Model):
    sequence_number: int
    speaker: Literal["interviewer", "candidate"]
    text: str
    response_time_seconds: float | None
    audio_duration_seconds: float | None
    audio_url: str | None = Field(description="A signed link to the spoken question or answer, when one is stored.")
    at: datetime


class ExportedInterview(Model):
    id: UUID
    job_posting_id: UUID | None
    role_type: str
    mode: InterviewMode
    status: InterviewStatus
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None
    created_at: datetime
    transcript: list[ExportedMessage]
    assessment: CandidateAssessment | None = Field(description="The candidate view of the current assessment, once scored.")


class ExportedRecording(Model):
    id: UUID
    interview_id: UUID
    mime_type: str
    size_bytes: int
    consent_given_at: datetime
    created_at: datetime
    download_url: str | None


class DataExport(Model):
    exported_at: datetime
    links_expire_in: int = Field(description="Seconds the signed links in this export stay valid.")
    profile: ExportedProfile
    resumes: list[ExportedResume]
    feedback: list[ExportedFeedback] = Field(description="Feedback sent to the candidate.")
    applications: list[ExportedApplication]
    interviews: list[ExportedInterview]
    recordings: list[ExportedRecording]


MAX_PASSWORD_BYTES = 72  # Supabase Auth (bcrypt) refuses to set a longer password, so a longer one is never right


class ErasureRequest(Model):
    password: Text = Field(min_length=1, max_length=MAX_PASSWORD_BYTES, description="The account's current password (erasure needs it again).")

    @field_validator("password")
    @classmethod
    def _at_most_72_bytes(cls, value: str) -> str:
        if len(value.encode()) > MAX_PASSWORD_BYTES:
            raise ValueError(f"The password is longer than any account's ({MAX_PASSWORD_BYTES} bytes).")
        return value


class AccountErased(Model):
    erased: Literal[True] = True
    erased_at: datetime
    files_removed: int
