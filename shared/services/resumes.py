"""Resumes: upload (direct or by signed URL), listing, reading with parsed data and feedback,
download links, deletion, the active version, and recruiter re-parsing. Files are stored through
Storage as the candidate, so Storage RLS applies and the upload trigger creates the row."""

from __future__ import annotations

import uuid

import psycopg
from psycopg.rows import DictRow

from shared import storage
from shared.auth import Caller
from shared.db import service_transaction, user_transaction
from shared.errors import NotFound
from shared.forms import UploadedFile
from shared.models.feedback import FeedbackSummary
from shared.models.resumes import DownloadUrl, ReparseQueued, Resume, ResumeDetail, UploadUrl, UploadUrlRequest
from shared.queue import enqueue
from shared.services.resume_files import check_resume_bytes, check_resume_name
from shared.supabase_clients import user_client

BUCKET = "resumes"
DOWNLOAD_URL_SECONDS = 300
RESUME_COLUMNS = "id, file_name, file_size, mime_type, parsing_status, parsing_error, parsed_data, uploaded_at, parsed_at, is_active"


def _new_path(caller: Caller, file_name: str) -> str:
    # <candidate id>/<random folder>/<name>: the owner folder is what Storage RLS checks, the
    # random folder keeps versions with the same name apart, and the last segment stays readable.
    return f"{caller.user_id}/{uuid.uuid4().hex}/{file_name}"


def upload(caller: Caller, file: UploadedFile) -> Resume:
    """Validate and store the file as the candidate; returns the resume the trigger created."""
    checked = check_resume_bytes(file.file_name, file.content_type, file.data)
    path = _new_path(caller, checked.file_name)
    storage.upload(user_client(caller.access_token), BUCKET, path, file.data, checked.content_type)
    with user_transaction(caller.claims) as conn:
        row = conn.execute(f"select {RESUME_COLUMNS} from public.resumes where storage_path = %s", [path]).fetchone()
    if row is None:  # the trigger creates the row in the storage insert's transaction
        raise NotFound("The resume was stored but its record is missing.")
    return Resume.model_validate(row)


def upload_url(caller: Caller, request: UploadUrlRequest) -> UploadUrl:
    """A signed URL to PUT a large file to; the declared name, type and size are checked first
    (and the bucket's own size and type limits apply to the bytes)."""
    checked = check_resume_name(request.file_name, request.content_type, request.file_size)
    signed = storage.signed_upload_url(user_client(caller.access_token), BUCKET, _new_path(caller, checked.file_name))
    return UploadUrl.model_validate(signed)


def list_own(caller: Caller) -> list[Resume]:
    """The caller's resumes, newest first."""
    with user_transaction(caller.claims) as conn:
        rows = conn.execute(
            f"select {RESUME_COLUMNS} from public.resumes where candidate_id = %s order by uploaded_at desc", [caller.user_id]
        ).fetchall()
    return [Resume.model_validate(row) for row in rows]


def _visible(conn: psycopg.Connection[DictRow], resume_id: str) -> DictRow:
    row = conn.execute(f"select {RESUME_COLUMNS}, candidate_id, storage_path from public.resumes where id = %s", [resume_id]).fetchone()
    if row is None:
        raise NotFound("The resume was not found.")
    return row


def get(caller: Caller, resume_id: str) -> ResumeDetail:
    """The resume with its parsed data and, when the caller may see it, its feedback."""
    with user_transaction(caller.claims) as conn:
        row = _visible(conn, resume_id)
        feedback = conn.execute(
            "select id, feedback_content, identified_gaps, recommended_resources, status, generated_at, sent_at"
            " from public.resume_feedback where resume_id = %s",
            [resume_id],
        ).fetchone()
    summary = FeedbackSummary.model_validate(feedback) if feedback else None
    return ResumeDetail.model_validate({**row, "feedback": summary})


def download_url(caller: Caller, resume_id: str) -> DownloadUrl:
    """A short-lived signed link to the stored file."""
    with user_transaction(caller.claims) as conn:
        row = _visible(conn, resume_id)
    url = storage.signed_url(user_client(caller.access_token), BUCKET, row["storage_path"], DOWNLOAD_URL_SECONDS)
    return DownloadUrl(url=url, expires_in=DOWNLOAD_URL_SECONDS)


def delete(caller: Caller, resume_id: str) -> None:
    """Delete the row and the file together: the row is removed in a transaction that commits only
    after Storage has removed the object."""
    with user_transaction(caller.claims) as conn:
        row = conn.execute(
            "delete from public.resumes where id = %s and candidate_id = %s returning storage_path", [resume_id, caller.user_id]
        ).fetchone()
        if row is None:
            raise NotFound("The resume was not found.")
        storage.remove(user_client(caller.access_token), BUCKET, row["storage_path"])


def activate(caller: Caller, resume_id: str) -> Resume:
    """Make this resume the active version (the one interviews and applications use)."""
    with user_transaction(caller.claims) as conn:
        if conn.execute("select 1 from public.resumes where id = %s and candidate_id = %s", [resume_id, caller.user_id]).fetchone() is None:
            raise NotFound("The resume was not found.")
        conn.execute("update public.resumes set is_active = false where candidate_id = %s and is_active and id <> %s", [caller.user_id, resume_id])
        row = conn.execute(f"update public.resumes set is_active = true where id = %s returning {RESUME_COLUMNS}", [resume_id]).fetchone()
    return Resume.model_validate(row)


def reparse(caller: Caller, resume_id: str) -> ReparseQueued:
    """Parse the stored file again (a fresh job; the old parsed data stays until it succeeds)."""
    with user_transaction(caller.claims) as conn:
        _visible(conn, resume_id)
    with service_transaction() as conn:
        conn.execute("update public.resumes set parsing_status = 'pending', parsing_error = null where id = %s", [resume_id])
        job_id = enqueue(conn, "resume.process", {"resume_id": resume_id, "force": True}, dedupe_key=f"resume.process:{resume_id}:{uuid.uuid4().hex}")
    return ReparseQueued(resume_id=uuid.UUID(resume_id), job_id=job_id)
