"""Interview recordings (consent, upload, review, withdrawal) and storage usage for admins."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.models.base import Model
from shared.validation import Text


class RecordingUploadRequest(Model):
    consent: Literal[True] = Field(description="The candidate's consent to record the interview; must be true.")
    content_type: Text = Field(min_length=1, max_length=200, description="video/mp4 or video/webm (codec parameters allowed).")
    file_size: int = Field(ge=0, description="Size in bytes; recordings are limited to 100 MB.")


class RecordingUpload(Model):
    upload_url: str = Field(description="PUT the video here (Supabase Storage signed upload URL); the upload registers the recording.")
    token: str
    path: str = Field(description="Object path in the interview-recordings bucket: `<candidate>/<interview>/<random>.<mp4|webm>`.")
    consent_given_at: datetime


class Recording(Model):
    id: UUID
    interview_id: UUID
    mime_type: Literal["video/mp4", "video/webm"]
    size_bytes: int
    consent_given_at: datetime
    created_at: datetime = Field(description="When the upload arrived.")


class RecordingReview(Model):
    recording: Recording
    url: str = Field(description="A signed link to the video.")
    expires_in: int = Field(description="Seconds the link stays valid (24 hours).")


class BucketUsage(Model):
    bucket: str
    objects: int
    bytes: int
    objects_added_30d: int = Field(description="Objects stored in the last 30 days that are still there.")
    bytes_added_30d: int = Field(description="Their bytes: the bucket's growth over 30 days, before retention removes anything.")


class StorageUsage(Model):
    scope: Literal["organization"] = Field(
        default="organization", description="Files of the candidates the caller's organization sees (registered through it or applied to it)."
    )
    buckets: list[BucketUsage]
