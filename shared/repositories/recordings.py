"""Interview recording rows: consents for uploads to come, the live recording of an interview,
withdrawal, the content check's reads and writes, and the retention sweep's batches."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from shared.db import Connection, one
from shared.models.media import Recording

COLUMNS = "id, interview_id, mime_type, size_bytes, consent_given_at, created_at"


class StoredRecording(NamedTuple):
    """A recording with where it is stored and whether its content was checked."""

    recording: Recording
    storage_path: str
    checked: bool


class UploadedRecording(NamedTuple):
    """What the content check needs of a recording row."""

    id: str
    mime_type: str
    checked: bool


class StoredFile(NamedTuple):
    id: str
    storage_path: str


def _stored(row: dict[str, object]) -> StoredRecording:
    checked = row["content_checked_at"] is not None
    return StoredRecording(recording=Recording.model_validate(row), storage_path=str(row["storage_path"]), checked=checked)


def owns_interview(conn: Connection, interview_id: str, candidate_id: str) -> bool:
    """Whether the interview is the candidate's own (as the connection's role sees it)."""
    found = conn.execute("select 1 from public.interviews where id = %s and candidate_id = %s", [interview_id, candidate_id]).fetchone()
    return found is not None


def record_consent(conn: Connection, storage_path: str, candidate_id: str, interview_id: str, mime_type: str) -> datetime:
    """Record the candidate's consent for an upload to `storage_path`; the upload trigger turns it
    into the recording row (service role: private.recording_consents)."""
    row = one(
        conn.execute(
            "insert into private.recording_consents (storage_path, candidate_id, interview_id, mime_type) values (%s, %s, %s, %s)"
            " returning consent_given_at",
            [storage_path, candidate_id, interview_id, mime_type],
        )
    )
    consented: datetime = row["consent_given_at"]
    return consented


def live_of_interview(conn: Connection, interview_id: str) -> StoredRecording | None:
    """The interview's live (not soft-deleted) recording, as the connection's role sees it."""
    row = conn.execute(
        f"select {COLUMNS}, storage_path, content_checked_at from public.video_recordings where interview_id = %s and soft_deleted_at is null",
        [interview_id],
    ).fetchone()
    return _stored(row) if row else None


def of_candidate(conn: Connection, candidate_id: str) -> list[StoredRecording]:
    """The candidate's live recordings, newest first (as the connection's role sees them)."""
    rows = conn.execute(
        f"select {COLUMNS}, storage_path, content_checked_at from public.video_recordings where candidate_id = %s"
        " and soft_deleted_at is null order by created_at desc, id",
        [candidate_id],
    ).fetchall()
    return [_stored(row) for row in rows]


def withdraw(conn: Connection, interview_id: str, candidate_id: str) -> list[str]:
    """Delete the candidate's recordings of the interview (soft-deleted ones too) and the consents
    still waiting for an upload; the object keys to remove (service role)."""
    recordings = conn.execute(
        "delete from public.video_recordings where interview_id = %s and candidate_id = %s returning storage_path", [interview_id, candidate_id]
    ).fetchall()
    consents = conn.execute(
        "delete from private.recording_consents where interview_id = %s and candidate_id = %s returning storage_path", [interview_id, candidate_id]
    ).fetchall()
    return [row["storage_path"] for row in [*recordings, *consents]]


def uploaded(conn: Connection, storage_path: str) -> UploadedRecording | None:
    """The recording row of an uploaded object, if the upload had one (service role)."""
    row = conn.execute(
        "select id, mime_type, content_checked_at from public.video_recordings where storage_path = %s for update", [storage_path]
    ).fetchone()
    if row is None:
        return None
    return UploadedRecording(id=str(row["id"]), mime_type=row["mime_type"], checked=row["content_checked_at"] is not None)


def mark_checked(conn: Connection, recording_id: str) -> None:
    conn.execute("update public.video_recordings set content_checked_at = now() where id = %s", [recording_id])


def delete(conn: Connection, recording_id: str) -> None:
    conn.execute("delete from public.video_recordings where id = %s", [recording_id])


def soft_delete_old(conn: Connection, older_than: timedelta, hard_after: timedelta, limit: int) -> int:
    """Hide up to `limit` live recordings uploaded more than `older_than` ago, to be hard-deleted
    `hard_after` later; how many (rows another transaction holds are left for the next run)."""
    row = one(
        conn.execute(
            "with doomed as (select id from public.video_recordings where soft_deleted_at is null and created_at < now() - %s"
            "  order by created_at limit %s for update skip locked),"
            " hidden as (update public.video_recordings v set soft_deleted_at = now(), hard_delete_after = now() + %s"
            "  from doomed d where v.id = d.id returning 1)"
            " select count(*)::integer as n from hidden",
            [older_than, limit, hard_after],
        )
    )
    return int(row["n"])


def due_for_purge(conn: Connection, limit: int) -> list[StoredFile]:
    """Up to `limit` soft-deleted recordings past their hard-delete time, locked until the
    transaction ends (skipping rows another transaction holds)."""
    rows = conn.execute(
        "select id, storage_path from public.video_recordings where soft_deleted_at is not null and hard_delete_after <= now()"
        " order by hard_delete_after limit %s for update skip locked",
        [limit],
    ).fetchall()
    return [StoredFile(id=str(row["id"]), storage_path=row["storage_path"]) for row in rows]


def delete_many(conn: Connection, recording_ids: list[str]) -> int:
    return conn.execute("delete from public.video_recordings where id = any(%s::uuid[])", [recording_ids]).rowcount
