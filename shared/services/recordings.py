"""Interview recordings: the candidate consents and gets a signed upload URL (the upload trigger
records the row, recording.check keeps it only if its first bytes are the declared MP4 or WebM),
staff of the candidate's organizations get a 24-hour review link, the candidate withdraws consent
(file and row deleted), and admins see their organization's storage usage."""

from __future__ import annotations

from typing import Any

from shared import buckets, rate_limit, storage
from shared.auth import Caller
from shared.db import service_transaction, user_transaction
from shared.errors import NotFound, RecordingExists, RecordingNotReady
from shared.logs import logger
from shared.models.media import RecordingReview, RecordingUpload, RecordingUploadRequest, StorageUsage
from shared.repositories import recordings as rows
from shared.repositories import storage_usage
from shared.services.recording_files import HEAD_BYTES, check_declared, detect_type, storage_path
from shared.settings import get_settings
from shared.supabase_clients import service_client, user_storage


def request_upload(caller: Caller, interview_id: str, request: RecordingUploadRequest) -> RecordingUpload:
    """Record the candidate's consent for one upload and return a signed URL to PUT the video to.
    The interview must be the caller's and have no live recording; consents are limited per hour."""
    declared = check_declared(request.content_type, request.file_size)
    with user_transaction(caller.claims) as conn:
        if not rows.owns_interview(conn, interview_id, caller.user_id):
            raise NotFound("The interview was not found.")
        if rows.live_of_interview(conn, interview_id) is not None:
            raise RecordingExists()
    rate_limit.hit("recording.upload", caller.user_id, limit=get_settings().recording_uploads_per_hour, window_seconds=3600)
    path = storage_path(caller.user_id, interview_id, declared.content_type)
    with service_transaction() as conn:
        consented = rows.record_consent(conn, path, caller.user_id, interview_id, declared.content_type)
    signed = storage.signed_upload_url(user_storage(caller.access_token), buckets.RECORDINGS, path)
    logger.info("recording consent given", extra={"interview_id": interview_id})
    return RecordingUpload(upload_url=signed["upload_url"], token=signed["token"], path=path, consent_given_at=consented)


def review(caller: Caller, interview_id: str) -> RecordingReview:
    """A signed link to the interview's recording for staff of an organization that sees the
    candidate (others get NotFound); RecordingNotReady while its content is being checked."""
    with user_transaction(caller.claims) as conn:
        found = rows.live_of_interview(conn, interview_id)
    if found is None:
        raise NotFound("The interview has no recording.")
    if not found.checked:
        raise RecordingNotReady()
    seconds = get_settings().recording_review_url_seconds
    url = storage.signed_url(user_storage(caller.access_token), buckets.RECORDINGS, found.storage_path, seconds)
    return RecordingReview(recording=found.recording, url=url, expires_in=seconds)


def withdraw(caller: Caller, interview_id: str) -> None:
    """The candidate withdraws consent: every recording of the interview (soft-deleted ones too)
    and every consent still waiting for its upload go, files first; the rows' deletion commits
    only once Storage has removed the files."""
    with user_transaction(caller.claims) as conn:
        if not rows.owns_interview(conn, interview_id, caller.user_id):
            raise NotFound("The interview was not found.")
    with service_transaction() as conn:
        paths = rows.withdraw(conn, interview_id, caller.user_id)
        storage.remove_many(service_client(), buckets.RECORDINGS, paths)
    logger.info("recording consent withdrawn", extra={"interview_id": interview_id, "paths": len(paths)})


def check_upload(path: str) -> dict[str, Any]:
    """recording.check: keep an uploaded object only when a consented recording row points at it
    and its first bytes are the container the row declares; otherwise remove the object (and the
    row). Idempotent: a checked recording is left alone, a vanished object takes its row along."""
    head = storage.read_head(service_client(), buckets.RECORDINGS, path, HEAD_BYTES)
    with service_transaction() as conn:
        found = rows.uploaded(conn, path)
        if head is None:
            if found is not None:
                rows.delete(conn, found.id)
            return {"outcome": "gone"}
        if found is None:
            storage.remove(service_client(), buckets.RECORDINGS, path)
            logger.warning("recording upload removed: no consent for it")
            return {"outcome": "removed", "reason": "no consent"}
        if found.checked:
            return {"outcome": "already checked", "recording_id": found.id}
        if detect_type(head) != found.mime_type:
            rows.delete(conn, found.id)
            storage.remove(service_client(), buckets.RECORDINGS, path)  # the row's deletion commits only once the file is gone
            logger.warning("recording discarded: its content is not the declared video type", extra={"recording_id": found.id})
            return {"outcome": "removed", "reason": "content", "recording_id": found.id}
        rows.mark_checked(conn, found.id)
    return {"outcome": "checked", "recording_id": found.id}


def usage(caller: Caller) -> StorageUsage:
    """Per bucket, the files of the candidates the admin's organization sees, and their 30-day growth."""
    with user_transaction(caller.claims) as conn:
        return StorageUsage(buckets=storage_usage.of_organization(conn))
