"""Resumes: upload (direct or by signed URL), listing, reading with parsed data and feedback,
download links, deletion, the active version, and recruiter re-parsing. Files are stored through
Storage as the candidate, so Storage RLS applies and the upload trigger creates the row. Keys are
built from a storage-safe form of the file name; the name itself is recorded for the trigger, so
`résumé [final].pdf` is stored under `.../resume_final.pdf` and listed as `résumé [final].pdf`."""

from __future__ import annotations

import uuid

from shared import buckets, rate_limit, storage
from shared.auth import Caller
from shared.db import Connection, service_transaction, user_transaction
from shared.errors import NotFound
from shared.forms import UploadedFile
from shared.logs import logger
from shared.models.resumes import DownloadUrl, ReparseQueued, Resume, ResumeDetail, UploadUrl, UploadUrlRequest
from shared.queue import enqueue, subject_key
from shared.repositories import resumes as rows
from shared.services.resume_files import ResumeFile, check_resume_bytes, check_resume_name, storage_path
from shared.settings import get_settings
from shared.supabase_clients import service_client, user_storage


def _new_path(caller: Caller, checked: ResumeFile) -> str:
    """A new object key for the caller's upload, built from a storage-safe form of the name, with
    the name itself recorded for the upload trigger to put on the resume row."""
    path = storage_path(caller.user_id, checked.file_name, uuid.uuid4().hex)
    with service_transaction() as conn:
        rows.name_upload(conn, path, caller.user_id, checked.file_name)
    return path


def _count_upload(caller: Caller) -> None:
    rate_limit.hit("resume.upload", caller.user_id, limit=get_settings().resume_uploads_per_hour, window_seconds=3600)


def upload(caller: Caller, file: UploadedFile) -> Resume:
    """Validate and store the file as the candidate; returns the resume the trigger created.
    Uploads (direct and by URL together) are limited per candidate per hour."""
    _count_upload(caller)
    checked = check_resume_bytes(file.file_name, file.content_type, file.data)
    path = _new_path(caller, checked)
    storage.upload(user_storage(caller.access_token), buckets.RESUMES, path, file.data, checked.content_type)
    with user_transaction(caller.claims) as conn:
        resume = rows.by_path(conn, path)
    if resume is None:  # the trigger creates the row in the storage insert's transaction
        raise NotFound("The resume was stored but its record is missing.")
    return resume


def upload_url(caller: Caller, request: UploadUrlRequest) -> UploadUrl:
    """A signed URL to PUT a large file to; the declared name, type and size are checked first
    (and the bucket's own size and type limits apply to the bytes; resume.process checks the
    content). Counts as an upload for the hourly limit."""
    _count_upload(caller)
    checked = check_resume_name(request.file_name, request.content_type, request.file_size)
    signed = storage.signed_upload_url(user_storage(caller.access_token), buckets.RESUMES, _new_path(caller, checked))
    return UploadUrl.model_validate(signed)


def list_own(caller: Caller) -> list[Resume]:
    """The caller's resumes, newest first."""
    with user_transaction(caller.claims) as conn:
        return rows.of_candidate(conn, caller.user_id)


def _visible(conn: Connection, resume_id: str) -> rows.StoredResume:
    found = rows.find(conn, resume_id)
    if found is None:
        raise NotFound("The resume was not found.")
    return found


def get(caller: Caller, resume_id: str) -> ResumeDetail:
    """The resume with its parsed data and, when the caller may see it, its feedback."""
    with user_transaction(caller.claims) as conn:
        found = _visible(conn, resume_id)
        feedback = rows.feedback_summary(conn, resume_id)
    return ResumeDetail.model_validate({**found.resume.model_dump(), "candidate_id": found.candidate_id, "feedback": feedback})


def download_url(caller: Caller, resume_id: str) -> DownloadUrl:
    """A short-lived signed link to the stored file, served as an attachment (never rendered)."""
    with user_transaction(caller.claims) as conn:
        found = _visible(conn, resume_id)
    url = storage.signed_url(user_storage(caller.access_token), buckets.RESUMES, found.storage_path, buckets.RESUME_LINK_SECONDS, download=True)
    return DownloadUrl(url=url, expires_in=buckets.RESUME_LINK_SECONDS)


def delete(caller: Caller, resume_id: str) -> None:
    """Delete the row and the file together: the row is removed in a transaction that commits only
    after Storage has removed the object."""
    with user_transaction(caller.claims) as conn:
        path = rows.delete_owned(conn, resume_id, caller.user_id)
        if path is None:
            raise NotFound("The resume was not found.")
        storage.remove(user_storage(caller.access_token), buckets.RESUMES, path)


def activate(caller: Caller, resume_id: str) -> Resume:
    """Make this resume the active version (the one interviews and applications use)."""
    with user_transaction(caller.claims) as conn:
        if resume_id not in rows.lock_of_candidate(conn, caller.user_id):
            raise NotFound("The resume was not found.")
        return rows.make_active(conn, caller.user_id, resume_id)


def reparse(caller: Caller, resume_id: str) -> ReparseQueued:
    """Parse the stored file again (the old parsed data stays until it succeeds). While a parsing
    job for the resume is queued or running, that job is returned instead of a new one; each
    recruiter may ask RESUME_REPARSES_PER_HOUR times an hour."""
    with user_transaction(caller.claims) as conn:
        _visible(conn, resume_id)
    rate_limit.hit("resume.reparse", caller.user_id, limit=get_settings().resume_reparses_per_hour, window_seconds=3600)
    with service_transaction() as conn:
        job = enqueue(conn, "resume.process", {"resume_id": resume_id, "force": True}, dedupe_key=subject_key("resume.process", resume_id))
        if job.created:
            rows.mark_pending(conn, resume_id)
    return ReparseQueued(resume_id=uuid.UUID(resume_id), job_id=job.id, already_queued=not job.created)


def discard(resume_id: str, reason: str) -> bool:
    """Remove a resume whose stored bytes failed the upload checks (a direct Storage upload or an
    upload URL can store anything): the row and the object go together, and when it was the active
    version the candidate's newest remaining resume becomes active again. System work (service
    role); logged by id and reason only. False when the resume was already gone."""
    with service_transaction() as conn:
        owner = rows.owner_of(conn, resume_id)
        if owner is None:
            return False
        rows.lock_of_candidate(conn, owner)
        deleted = rows.delete(conn, resume_id)
        if deleted is None:
            return False
        if deleted.was_active:
            rows.activate_newest(conn, deleted.candidate_id)
        storage.remove(service_client(), buckets.RESUMES, deleted.storage_path)  # the deletion commits only once the object is gone
    logger.warning("resume discarded: its stored content failed the upload checks", extra={"resume_id": resume_id, "reason": reason})
    return True
