"""The candidate's privacy rights. Export: everything the platform holds about the caller, read
as the caller (row-level security keeps anybody else's data out), with signed links to their
files. Erasure, after the password is checked again: the rows (private.erase_candidate: cascades,
what no foreign key reaches, anonymous counts for the organizations, a log without personal data),
then every file of theirs in every bucket, then the Auth user. Each step is repeatable, so a
failure part-way leaves an account that can sign in and erase again. Only erasure calls Auth, so
its client library is imported there."""

from __future__ import annotations

from datetime import UTC, datetime

from shared import buckets, lockout, storage
from shared.auth import Caller
from shared.db import service_transaction, user_transaction
from shared.errors import NotFound, ReauthenticationFailed, ServiceUnavailable
from shared.logs import logger
from shared.models.privacy import AccountErased, DataExport, ErasureRequest, ExportedRecording
from shared.repositories import applications as application_rows
from shared.repositories import privacy as rows
from shared.repositories import recordings as recording_rows
from shared.settings import get_settings
from shared.supabase_clients import anon_auth_client, service_client, user_storage


def export(caller: Caller) -> DataExport:
    """All of the caller's data as one document: profile, resumes with parsed data, the feedback
    sent to them, applications with their status history (without recruiters' notes), interviews
    with transcripts and the candidate view of their assessments, and recordings; files as signed
    links valid for PRIVACY_EXPORT_URL_SECONDS."""
    with user_transaction(caller.claims) as conn:
        profile = rows.profile(conn, caller.user_id)
        if profile is None:
            raise NotFound("The account profile was not found.")
        resumes = rows.resumes(conn, caller.user_id)
        feedback = rows.feedback(conn, caller.user_id)
        applications = rows.applications(conn, caller.user_id)
        history = rows.application_history(conn)
        interviews = rows.interviews(conn, caller.user_id)
        messages = rows.messages(conn, caller.user_id)
        assessments = rows.assessments(conn)
        recordings = recording_rows.of_candidate(conn, caller.user_id)
    with service_transaction() as conn:  # a closed posting stays part of the applications read above
        postings = application_rows.postings(conn, sorted({str(row["job_posting_id"]) for row in applications}))

    seconds = get_settings().privacy_export_url_seconds
    files = user_storage(caller.access_token)
    resume_urls = storage.signed_urls(files, buckets.RESUMES, [path for _, path in resumes], seconds, download=True)
    audio_paths = sorted({path for entries in messages.values() for _, path in entries if path})
    audio_urls = storage.signed_urls(files, buckets.AUDIO, audio_paths, seconds, download=True)
    recording_urls = storage.signed_urls(files, buckets.RECORDINGS, [item.storage_path for item in recordings], seconds, download=True)

    return DataExport(
        exported_at=datetime.now(UTC),
        links_expire_in=seconds,
        profile=profile,
        resumes=[resume.model_copy(update={"download_url": resume_urls.get(path)}) for resume, path in resumes],
        feedback=feedback,
        applications=[
            rows.as_exported_application(row, postings[str(row["job_posting_id"])], history.get(str(row["id"]), [])) for row in applications
        ],
        interviews=[
            interview.model_copy(
                update={
                    "transcript": [
                        message.model_copy(update={"audio_url": audio_urls.get(path) if path else None})
                        for message, path in messages.get(str(interview.id), [])
                    ],
                    "assessment": assessments.get(str(interview.id)),
                }
            )
            for interview in interviews
        ],
        recordings=[
            ExportedRecording.model_validate({**item.recording.model_dump(), "download_url": recording_urls.get(item.storage_path)})
            for item in recordings
        ],
    )


def _reauthenticate(caller: Caller, email: str, password: str) -> None:
    """The caller's password, checked by Supabase Auth's password grant: the lockout hook counts a
    wrong one like a failed login and refuses while the account is locked."""
    from supabase_auth.errors import AuthApiError, AuthError

    try:
        response = anon_auth_client().sign_in_with_password({"email": email, "password": password})
    except AuthApiError as exc:
        if lockout.is_lock_rejection(exc.code, exc.message):
            raise lockout.account_locked(email) from exc
        if exc.code in {"invalid_credentials", "invalid_grant", "validation_failed"}:
            raise ReauthenticationFailed() from exc
        raise ServiceUnavailable("The account service is unavailable.") from exc
    except AuthError as exc:
        raise ServiceUnavailable("The account service is unavailable.") from exc
    if response.user is None or str(response.user.id) != caller.user_id:
        raise ReauthenticationFailed()


def erase(caller: Caller, request: ErasureRequest) -> AccountErased:
    """Erase the caller's account once their password is confirmed: rows, files in every bucket,
    the Auth user. Logged by a hash of the account id only."""
    with user_transaction(caller.claims) as conn:
        email = rows.email_of(conn, caller.user_id)
    if email is None:
        raise NotFound("The account profile was not found.")
    _reauthenticate(caller, email, request.password)
    with service_transaction() as conn:
        subject_hash = rows.erase(conn, caller.user_id)
    with service_transaction() as conn:
        files = rows.files_of(conn, caller.user_id)
    removed = sum(storage.remove_many(service_client(), bucket, paths) for bucket, paths in files.items())
    _delete_auth_user(caller.user_id)
    with service_transaction() as conn:
        rows.complete_erasure(conn, subject_hash, removed)
    logger.info("account erased", extra={"subject_hash": subject_hash, "files_removed": removed})
    return AccountErased(erased_at=datetime.now(UTC), files_removed=removed)


def _delete_auth_user(user_id: str) -> None:
    from supabase_auth.errors import AuthApiError, AuthError

    try:
        service_client().auth.admin.delete_user(user_id, should_soft_delete=False)
    except AuthApiError as exc:
        if exc.status == 404 or exc.code == "user_not_found":
            return
        raise ServiceUnavailable("The account service is unavailable.") from exc
    except AuthError as exc:
        raise ServiceUnavailable("The account service is unavailable.") from exc
