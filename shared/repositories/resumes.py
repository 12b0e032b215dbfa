"""Resume rows: reads by id, path or owner, the feedback summary shown with a resume, deletion,
the active version and parsing status, and the names recorded for uploads to come."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from shared.db import Connection, one
from shared.models.feedback import FeedbackSummary
from shared.models.resumes import Resume

COLUMNS = "id, file_name, file_size, mime_type, parsing_status, parsing_error, parsed_data, uploaded_at, parsed_at, is_active"


class StoredResume(NamedTuple):
    """A resume with where it is stored and whose it is."""

    resume: Resume
    candidate_id: str
    storage_path: str


class FailedResume(NamedTuple):
    """A resume whose parsing failed, with its candidate, for the recruiter dashboard."""

    id: str
    candidate_id: str
    full_name: str
    email: str
    file_name: str
    parsing_error: str | None
    uploaded_at: datetime


class DeletedResume(NamedTuple):
    candidate_id: str
    storage_path: str
    was_active: bool


def name_upload(conn: Connection, storage_path: str, candidate_id: str, file_name: str) -> None:
    """Record the name the candidate gave the file about to be uploaded to `storage_path`; the
    upload trigger moves it into the resume row (service role: private.resume_upload_names)."""
    conn.execute(
        "insert into private.resume_upload_names (storage_path, candidate_id, file_name) values (%s, %s, %s)",
        [storage_path, candidate_id, file_name],
    )


def by_path(conn: Connection, storage_path: str) -> Resume | None:
    row = conn.execute(f"select {COLUMNS} from public.resumes where storage_path = %s", [storage_path]).fetchone()
    return Resume.model_validate(row) if row else None


def of_candidate(conn: Connection, candidate_id: str) -> list[Resume]:
    """A candidate's resumes, newest first."""
    rows = conn.execute(f"select {COLUMNS} from public.resumes where candidate_id = %s order by uploaded_at desc", [candidate_id]).fetchall()
    return [Resume.model_validate(row) for row in rows]


def find(conn: Connection, resume_id: str) -> StoredResume | None:
    row = conn.execute(f"select {COLUMNS}, candidate_id, storage_path from public.resumes where id = %s", [resume_id]).fetchone()
    if row is None:
        return None
    return StoredResume(resume=Resume.model_validate(row), candidate_id=str(row["candidate_id"]), storage_path=row["storage_path"])


def stored_of_candidate(conn: Connection, candidate_id: str) -> list[StoredResume]:
    """A candidate's resumes with their storage paths, newest first (as the connection's role sees them)."""
    rows = conn.execute(
        f"select {COLUMNS}, candidate_id, storage_path from public.resumes where candidate_id = %s order by uploaded_at desc, id",
        [candidate_id],
    ).fetchall()
    return [StoredResume(resume=Resume.model_validate(row), candidate_id=str(row["candidate_id"]), storage_path=row["storage_path"]) for row in rows]


def failed(conn: Connection, organization_id: str, limit: int) -> tuple[list[FailedResume], int]:
    """The organization's candidates' resumes whose parsing failed, newest first, and how many there are
    (an index-only count under the tenancy policy)."""
    rows = conn.execute(
        "select r.id, r.candidate_id, o.full_name, o.email, r.file_name, r.parsing_error, r.uploaded_at"
        " from (select r.id, r.candidate_id, r.file_name, r.parsing_error, r.uploaded_at from public.resumes r"
        "       where r.parsing_status = 'failed' order by r.uploaded_at desc, r.id limit %(limit)s) r"
        " join lateral (select o.full_name, o.email from public.organization_candidates o"
        "       where o.organization_id = %(organization)s and o.candidate_id = r.candidate_id) o on true"
        " order by r.uploaded_at desc, r.id",
        {"organization": organization_id, "limit": limit},
    ).fetchall()
    total = one(conn.execute("select count(*) as n from public.resumes where parsing_status = 'failed'"))["n"]
    items = [
        FailedResume(
            id=str(row["id"]),
            candidate_id=str(row["candidate_id"]),
            full_name=row["full_name"],
            email=row["email"],
            file_name=row["file_name"],
            parsing_error=row["parsing_error"],
            uploaded_at=row["uploaded_at"],
        )
        for row in rows
    ]
    return items, int(total)


def feedback_summary(conn: Connection, resume_id: str) -> FeedbackSummary | None:
    row = conn.execute(
        "select id, feedback_content, identified_gaps, recommended_resources, status, generated_at, sent_at"
        " from public.resume_feedback where resume_id = %s",
        [resume_id],
    ).fetchone()
    return FeedbackSummary.model_validate(row) if row else None


def delete_owned(conn: Connection, resume_id: str, candidate_id: str) -> str | None:
    """Delete the candidate's resume row; its storage path, or None when there was none."""
    row = conn.execute("delete from public.resumes where id = %s and candidate_id = %s returning storage_path", [resume_id, candidate_id]).fetchone()
    return str(row["storage_path"]) if row else None


def lock_of_candidate(conn: Connection, candidate_id: str) -> list[str]:
    """Lock every resume of the candidate, always in id order, so activations (and discards) of
    the same candidate run one after the other instead of racing on the one-active index or
    deadlocking; returns the ids."""
    rows = conn.execute("select id from public.resumes where candidate_id = %s order by id for update", [candidate_id]).fetchall()
    return [str(row["id"]) for row in rows]


def make_active(conn: Connection, candidate_id: str, resume_id: str) -> Resume:
    """The one active version of the candidate (call with the candidate's resumes locked)."""
    conn.execute("update public.resumes set is_active = false where candidate_id = %s and is_active and id <> %s", [candidate_id, resume_id])
    row = conn.execute(f"update public.resumes set is_active = true where id = %s returning {COLUMNS}", [resume_id]).fetchone()
    return Resume.model_validate(row)


def mark_pending(conn: Connection, resume_id: str) -> None:
    conn.execute("update public.resumes set parsing_status = 'pending', parsing_error = null where id = %s", [resume_id])


def owner_of(conn: Connection, resume_id: str) -> str | None:
    row = conn.execute("select candidate_id from public.resumes where id = %s", [resume_id]).fetchone()
    return str(row["candidate_id"]) if row else None


def delete(conn: Connection, resume_id: str) -> DeletedResume | None:
    row = conn.execute("delete from public.resumes where id = %s returning candidate_id, storage_path, is_active", [resume_id]).fetchone()
    if row is None:
        return None
    return DeletedResume(candidate_id=str(row["candidate_id"]), storage_path=row["storage_path"], was_active=bool(row["is_active"]))


def activate_newest(conn: Connection, candidate_id: str) -> None:
    """Make the candidate's newest resume the active one (after the active one was removed)."""
    conn.execute(
        "update public.resumes set is_active = true where id ="
        " (select id from public.resumes where candidate_id = %s order by uploaded_at desc, id desc limit 1)",
        [candidate_id],
    )
