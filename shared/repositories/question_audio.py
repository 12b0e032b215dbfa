"""Question audio (the spoken AI questions in the audio bucket) for the retention sweep: the
questions of finished interviews that still point at a file, and clearing that pointer."""

from __future__ import annotations

from datetime import timedelta

from shared.db import Connection
from shared.repositories.recordings import StoredFile


def expired(conn: Connection, finished_before: timedelta, limit: int) -> list[StoredFile]:
    """Up to `limit` questions with audio of interviews completed or abandoned more than
    `finished_before` ago, locked until the transaction ends (skipping rows held elsewhere)."""
    rows = conn.execute(
        "select m.id, m.content_audio_url from public.interview_messages m join public.interviews i on i.id = m.interview_id"
        " where m.message_type = 'ai_question' and m.content_audio_url is not null"
        " and i.status in ('completed', 'abandoned') and coalesce(i.completed_at, i.last_activity_at) < now() - %s"
        " order by m.interview_id, m.sequence_number limit %s for update of m skip locked",
        [finished_before, limit],
    ).fetchall()
    return [StoredFile(id=str(row["id"]), storage_path=row["content_audio_url"]) for row in rows]


def clear(conn: Connection, message_ids: list[str]) -> int:
    """Forget the questions' audio files (the text stays)."""
    return conn.execute("update public.interview_messages set content_audio_url = null where id = any(%s::uuid[])", [message_ids]).rowcount
