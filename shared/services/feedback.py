"""Resume feedback: the recruiter queue, edits while pending, approval (queues the email), and
the auto-send of feedback nobody acted on within FEEDBACK_AUTO_SEND_HOURS."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import DictRow

from shared.auth import Caller
from shared.db import become_service, service_transaction, user_transaction
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.models.feedback import Feedback, FeedbackEdit, PendingFeedback
from shared.services.outbox import queue_email

FEEDBACK_COLUMNS = (
    "f.id, f.resume_id, f.candidate_id, f.feedback_content, f.identified_gaps, f.recommended_resources, f.status,"
    " f.generated_at, f.auto_send_at, f.approved_at, f.approved_by, f.sent_at"
)


def pending(caller: Caller, limit: int = 50) -> list[PendingFeedback]:
    """Feedback awaiting approval, oldest first, with the candidate's name."""
    with user_transaction(caller.claims) as conn:
        rows = conn.execute(
            f"select {FEEDBACK_COLUMNS}, c.full_name as candidate_name from public.resume_feedback f"
            " join public.candidates c on c.id = f.candidate_id"
            " where f.status = 'pending_approval' order by f.generated_at, f.id limit %s",
            [limit],
        ).fetchall()
    return [PendingFeedback.model_validate({**row, "candidate": {"id": row["candidate_id"], "full_name": row["candidate_name"]}}) for row in rows]


def _read(conn: psycopg.Connection[DictRow], feedback_id: str) -> Feedback:
    row = conn.execute(f"select {FEEDBACK_COLUMNS} from public.resume_feedback f where f.id = %s", [feedback_id]).fetchone()
    if row is None:
        raise NotFound("The feedback was not found.")
    return Feedback.model_validate(row)


def get(caller: Caller, feedback_id: str) -> Feedback:
    """Staff see any feedback; a candidate sees their own once it was sent (RLS)."""
    with user_transaction(caller.claims) as conn:
        return _read(conn, feedback_id)


def _locked_pending(conn: psycopg.Connection[DictRow], feedback_id: str) -> DictRow:
    row = conn.execute("select id, status from public.resume_feedback where id = %s for update", [feedback_id]).fetchone()
    if row is None:
        raise NotFound("The feedback was not found.")
    if row["status"] != "pending_approval":
        raise Conflict(f"The feedback is already {row['status'].replace('_', ' ')}.", details={"status": row["status"]})
    return row


def edit(caller: Caller, feedback_id: str, change: FeedbackEdit) -> Feedback:
    """Change the draft while it awaits approval."""
    values = change.model_dump(exclude_none=True)
    if not values:
        raise ValidationFailed("Nothing to change.")
    with user_transaction(caller.claims) as conn:
        _locked_pending(conn, feedback_id)
        values = {key: value if key == "feedback_content" else json.dumps(value) for key, value in values.items()}
        assignments = ", ".join(f"{column} = %s" for column in values)
        conn.execute(f"update public.resume_feedback set {assignments} where id = %s", [*values.values(), feedback_id])
        return _read(conn, feedback_id)


def approve(caller: Caller, feedback_id: str) -> Feedback:
    """Approve (who and when) and queue the email, in one transaction. The row is locked under the
    caller's RLS, whose update policy decides who may manage it; the workflow columns are then
    written as service_role, the only role the database lets change them."""
    with user_transaction(caller.claims) as conn:
        _locked_pending(conn, feedback_id)
        become_service(conn)
        conn.execute(
            "update public.resume_feedback set status = 'approved', approved_at = now(), approved_by = %s where id = %s",
            [caller.user_id, feedback_id],
        )
        approved = _read(conn, feedback_id)
        _queue_feedback_email(conn, feedback_id)
    return approved


def send_due(now: datetime | None = None, limit: int = 200) -> int:
    """Approve and queue every pending feedback past its auto_send_at (as of `now`, default the
    database clock). Safe to run concurrently: rows are claimed with SKIP LOCKED."""
    with service_transaction() as conn:
        rows = conn.execute(
            "select id from public.resume_feedback where status = 'pending_approval' and auto_send_at <= coalesce(%s, now())"
            " order by auto_send_at limit %s for update skip locked",
            [now, limit],
        ).fetchall()
        for row in rows:
            conn.execute("update public.resume_feedback set status = 'approved', approved_at = now() where id = %s", [row["id"]])
            _queue_feedback_email(conn, str(row["id"]))
    return len(rows)


def _queue_feedback_email(conn: psycopg.Connection[DictRow], feedback_id: str) -> None:
    row = conn.execute(
        "select f.feedback_content, f.identified_gaps, f.recommended_resources, c.email, c.full_name"
        " from public.resume_feedback f join public.candidates c on c.id = f.candidate_id where f.id = %s",
        [feedback_id],
    ).fetchone()
    if row is None:
        raise NotFound("The feedback was not found.")
    queue_email(conn, row["email"], "Feedback on your resume", _email_text(row), related_type="resume_feedback", related_id=feedback_id)


def _email_text(row: dict[str, Any]) -> str:
    lines = [f"Hi {row['full_name'].split()[0]},", "", row["feedback_content"].strip()]
    if row["identified_gaps"]:
        lines += ["", "Areas to strengthen:", *[f"- {gap}" for gap in row["identified_gaps"]]]
    if row["recommended_resources"]:
        lines += ["", "Recommended resources:", *[f"- {r['title']}: {r['url']}" for r in row["recommended_resources"]]]
    lines += ["", "Good luck with your applications,", "The Teamified team"]
    return "\n".join(lines)
