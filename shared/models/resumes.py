"""Resumes: uploads, the resume as stored and parsed, download links, re-parsing."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.ai.models import ResumeExtraction
from shared.models.base import Model
from shared.models.feedback import FeedbackSummary
from shared.validation import Text

ParsingStatus = Literal["pending", "processing", "completed", "failed"]


class UploadUrlRequest(Model):
    file_name: Text = Field(
        min_length=1,
        max_length=200,
        description="The file's name, kept as the resume's `file_name` (any characters but path separators, `..` and control characters);"
        " its extension must be .pdf or .docx.",
    )
    content_type: Text = Field(min_length=1, max_length=200)
    file_size: int = Field(ge=0, description="Size in bytes, checked against the upload limit.")


class UploadUrl(Model):
    upload_url: str = Field(description="PUT the file's bytes here (Supabase Storage signed upload URL).")
    token: str
    path: str = Field(
        description="Object path in the resumes bucket, built from a storage-safe (ASCII) form of the file name; the upload creates the resume."
    )


class Resume(Model):
    id: UUID
    file_name: str = Field(description="The file's name as the candidate uploaded it.")
    file_size: int
    mime_type: str | None
    parsing_status: ParsingStatus
    parsing_error: str | None = Field(description="Why parsing failed, when it did.")
    parsed_data: ResumeExtraction | None
    uploaded_at: datetime
    parsed_at: datetime | None
    is_active: bool


class ResumeDetail(Resume):
    candidate_id: UUID
    feedback: FeedbackSummary | None = Field(description="The AI feedback, when the caller may see it.")


class ResumeResult(Model):
    resume: Resume


class ResumeDetailResult(Model):
    resume: ResumeDetail


class ResumeList(Model):
    resumes: list[Resume]


class DownloadUrl(Model):
    url: str
    expires_in: int = Field(description="Seconds the URL stays valid.")


class ReparseQueued(Model):
    resume_id: UUID
    parsing_status: Literal["pending"] = "pending"
    job_id: int
    already_queued: bool = Field(default=False, description="True when parsing was already queued or running: that job is returned.")
