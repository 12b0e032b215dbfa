"""A candidate's data for the export (read as the candidate, under RLS) and the erasure of their
account (the private.erase_candidate function, the files they own in every bucket, the log)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from shared.db import Connection, one
from shared.models.applications import PostingSummary
from shared.models.assessments import CandidateAssessment
from shared.models.privacy import (
    ExportedApplication,
    ExportedApplicationEvent,
    ExportedFeedback,
    ExportedInterview,
    ExportedMessage,
    ExportedProfile,
    ExportedResume,
)
from shared.repositories.assessments import CANDIDATE_VIEW_COLUMNS


def profile(conn: Connection, candidate_id: str) -> ExportedProfile | None:
    row = conn.execute(
        "select id, email, full_name, phone, status, created_at, updated_at from public.candidates where id = %s", [candidate_id]
    ).fetchone()
    return ExportedProfile.model_validate(row) if row else None


def email_of(conn: Connection, candidate_id: str) -> str | None:
    row = conn.execute("select email from public.candidates where id = %s", [candidate_id]).fetchone()
    return str(row["email"]) if row else None


def resumes(conn: Connection, candidate_id: str) -> list[tuple[ExportedResume, str]]:
    """The candidate's resumes, oldest first, each with its object key."""
    rows = conn.execute(
        "select id, file_name, file_size, mime_type, parsing_status, parsing_error, parsed_data, uploaded_at, parsed_at, is_active, storage_path"
        " from public.resumes where candidate_id = %s order by uploaded_at, id",
        [candidate_id],
    ).fetchall()
    return [(ExportedResume.model_validate({**row, "download_url": None}), row["storage_path"]) for row in rows]


def feedback(conn: Connection, candidate_id: str) -> list[ExportedFeedback]:
    """Feedback the candidate may read (what was sent to them)."""
    rows = conn.execute(
        "select id, resume_id, feedback_content, identified_gaps, recommended_resources, generated_at, sent_at"
        " from public.resume_feedback where candidate_id = %s order by generated_at, id",
        [candidate_id],
    ).fetchall()
    return [ExportedFeedback.model_validate(row) for row in rows]


def applications(conn: Connection, candidate_id: str) -> list[dict[str, Any]]:
    """The candidate's application rows, oldest first (posting titles are added by the caller)."""
    return conn.execute(
        "select id, job_posting_id, status, cover_note, interview_id, created_at, status_changed_at"
        " from public.applications where candidate_id = %s order by created_at, id",
        [candidate_id],
    ).fetchall()


def application_history(conn: Connection) -> dict[str, list[ExportedApplicationEvent]]:
    """The caller's application events by application, through the view without notes."""
    events: dict[str, list[ExportedApplicationEvent]] = defaultdict(list)
    rows = conn.execute("select application_id, from_status, to_status, created_at from public.candidate_application_events order by created_at, id")
    for row in rows:
        events[str(row["application_id"])].append(ExportedApplicationEvent.model_validate(row))
    return events


def as_exported_application(row: dict[str, Any], posting: PostingSummary, history: list[ExportedApplicationEvent]) -> ExportedApplication:
    """An application row with its posting's title and company and its history."""
    return ExportedApplication.model_validate({**row, "job_title": posting.title, "company": posting.company, "history": history})


def interviews(conn: Connection, candidate_id: str) -> list[ExportedInterview]:
    """The candidate's interviews, oldest first, without transcripts or assessments yet."""
    rows = conn.execute(
        "select id, job_posting_id, role_type, mode, status, started_at, completed_at, duration_seconds, created_at"
        " from public.interviews where candidate_id = %s order by created_at, id",
        [candidate_id],
    ).fetchall()
    return [ExportedInterview.model_validate({**row, "transcript": [], "assessment": None}) for row in rows]


def messages(conn: Connection, candidate_id: str) -> dict[str, list[tuple[ExportedMessage, str | None]]]:
    """Every message of the candidate's interviews by interview, in order, with its audio key."""
    found: dict[str, list[tuple[ExportedMessage, str | None]]] = defaultdict(list)
    rows = conn.execute(
        "select m.interview_id, m.sequence_number, m.message_type, m.content_text, m.response_time_seconds::float8 as response_time_seconds,"
        " m.audio_duration_seconds::float8 as audio_duration_seconds, m.content_audio_url, m.created_at"
        " from public.interview_messages m join public.interviews i on i.id = m.interview_id"
        " where i.candidate_id = %s order by m.interview_id, m.sequence_number",
        [candidate_id],
    )
    for row in rows:
        message = ExportedMessage(
            sequence_number=row["sequence_number"],
            speaker="interviewer" if row["message_type"] == "ai_question" else "candidate",
            text=row["content_text"],
            response_time_seconds=row["response_time_seconds"],
            audio_duration_seconds=row["audio_duration_seconds"],
            audio_url=None,
            at=row["created_at"],
        )
        found[str(row["interview_id"])].append((message, row["content_audio_url"]))
    return found


def assessments(conn: Connection) -> dict[str, CandidateAssessment]:
    """The candidate view of the caller's current assessments, by interview."""
    rows = conn.execute(f"select {CANDIDATE_VIEW_COLUMNS} from public.candidate_assessments").fetchall()
    return {str(row["interview_id"]): CandidateAssessment.model_validate(row) for row in rows}


def erase(conn: Connection, candidate_id: str) -> str:
    """Delete every row of the candidate and log the erasure; the log's subject hash (service role)."""
    return str(one(conn.execute("select private.erase_candidate(%s) as subject_hash", [candidate_id]))["subject_hash"])


def files_of(conn: Connection, account_id: str) -> dict[str, list[str]]:
    """Object keys per bucket of every file that is the account's: under its own folder in any
    bucket, or uploaded by it (service role)."""
    files: dict[str, list[str]] = defaultdict(list)
    rows = conn.execute(
        "select bucket_id, name from storage.objects where split_part(name, '/', 1) = %(id)s or owner = %(id)s::uuid or owner_id = %(id)s"
        " order by bucket_id, name",
        {"id": account_id},
    )
    for row in rows:
        files[row["bucket_id"]].append(row["name"])
    return files


def complete_erasure(conn: Connection, subject_hash: str, files_removed: int) -> None:
    conn.execute("select private.complete_erasure(%s, %s)", [subject_hash, files_removed])
