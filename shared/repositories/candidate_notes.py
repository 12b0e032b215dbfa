"""Candidate note rows: an organization's notes on a candidate, newest first, and a new note. The
policies keep them to the organization that wrote them and let only its recruiters and admins
write, in their own name, about candidates the organization sees."""

from __future__ import annotations

from typing import Any

from psycopg import errors as pg

from shared.db import Connection, one
from shared.errors import Forbidden
from shared.models.recruiter import Note, NoteAuthor

COLUMNS = "n.id, n.candidate_id, n.author_id, r.full_name as author_name, n.body, n.created_at"


def _note(row: dict[str, Any]) -> Note:
    author = NoteAuthor(id=row["author_id"], full_name=row["author_name"]) if row["author_id"] and row["author_name"] else None
    return Note(id=row["id"], candidate_id=row["candidate_id"], author=author, body=row["body"], created_at=row["created_at"])


def of_candidate(conn: Connection, organization_id: str, candidate_id: str, limit: int) -> list[Note]:
    rows = conn.execute(
        f"select {COLUMNS} from public.candidate_notes n left join public.recruiters r on r.id = n.author_id"
        " where n.organization_id = %s and n.candidate_id = %s order by n.created_at desc, n.id desc limit %s",
        [organization_id, candidate_id, limit],
    ).fetchall()
    return [_note(row) for row in rows]


def insert(conn: Connection, organization_id: str, candidate_id: str, author_id: str, body: str) -> Note:
    """A new note by `author_id` (the insert policy checks that it is the caller, a manager of
    `organization_id`, writing about one of its candidates); Forbidden when it refuses."""
    try:
        with conn.transaction():
            cursor = conn.execute(
                "with n as (insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, %s)"
                " returning id, candidate_id, author_id, body, created_at)"
                " select n.id, n.candidate_id, n.author_id, r.full_name as author_name, n.body, n.created_at"
                " from n left join public.recruiters r on r.id = n.author_id",
                [organization_id, candidate_id, author_id, body],
            )
            return _note(one(cursor))
    except pg.InsufficientPrivilege as exc:
        raise Forbidden("Only recruiters and admins of the candidate's organization can write notes.") from exc
