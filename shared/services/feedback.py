"""Resume feedback: the recruiter queue, edits while pending, approval (queues the email), and
the auto-send of feedback nobody acted on within FEEDBACK_AUTO_SEND_HOURS."""

from __future__ import annotations

from datetime import datetime

from shared.auth import Caller
from shared.db import Connection, become_service, service_transaction, user_transaction
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.models.feedback import Feedback, FeedbackEdit, PendingFeedback
from shared.repositories import feedback as rows
from shared.repositories.feedback import FeedbackEmail
from shared.services.outbox import queue_email


def pending(caller: Caller, limit: int = 50) -> list[PendingFeedback]:
    """Feedback awaiting approval, oldest first, with the candidate's name."""
    with user_transaction(caller.claims) as conn:
        return rows.pending(conn, limit)


def _found(feedback: Feedback | None) -> Feedback:
    if feedback is None:
        raise NotFound("The feedback was not found.")
    return feedback


def get(caller: Caller, feedback_id: str) -> Feedback:
    """Staff see their organization's feedback; a candidate sees their own once it was sent (RLS)."""
    with user_transaction(caller.claims) as conn:
        return _found(rows.find(conn, feedback_id))


def _lock_pending(conn: Connection, feedback_id: str) -> None:
    status = rows.lock_for_change(conn, feedback_id)
    if status is None:
        raise NotFound("The feedback was not found.")
    if status != "pending_approval":
        raise Conflict(f"The feedback is already {status.replace('_', ' ')}.", details={"status": status})


def edit(caller: Caller, feedback_id: str, change: FeedbackEdit) -> Feedback:
    """Change the draft while it awaits approval."""
    values = change.model_dump(mode="json", exclude_none=True)
    if not values:
        raise ValidationFailed("Nothing to change.")
    with user_transaction(caller.claims) as conn:
        _lock_pending(conn, feedback_id)
        rows.update_content(conn, feedback_id, values)
        return _found(rows.find(conn, feedback_id))


def approve(caller: Caller, feedback_id: str) -> Feedback:
    """Approve (who and when) and queue the email, in one transaction. The row is locked under the
    caller's RLS, whose update policy decides who may manage it; the workflow columns are then
    written as service_role, the only role the database lets change them."""
    with user_transaction(caller.claims) as conn:
        _lock_pending(conn, feedback_id)
        become_service(conn)
        rows.mark_approved(conn, feedback_id, caller.user_id)
        approved = _found(rows.find(conn, feedback_id))
        _queue_feedback_email(conn, feedback_id)
    return approved


def send_due(now: datetime | None = None, limit: int = 200) -> int:
    """Approve and queue every pending feedback past its auto_send_at (as of `now`, default the
    database clock). Safe to run concurrently: rows are claimed with SKIP LOCKED."""
    with service_transaction() as conn:
        due = rows.claim_due(conn, now, limit)
        for feedback_id in due:
            rows.mark_approved(conn, feedback_id, None)
            _queue_feedback_email(conn, feedback_id)
    return len(due)


def _queue_feedback_email(conn: Connection, feedback_id: str) -> None:
    details = rows.email_details(conn, feedback_id)
    if details is None:
        raise NotFound("The feedback was not found.")
    queue_email(conn, details.email, "Feedback on your resume", _email_text(details), related_type="resume_feedback", related_id=feedback_id)


def _email_text(details: FeedbackEmail) -> str:
    lines = [f"Hi {details.full_name.split()[0]},", "", details.feedback_content.strip()]
    if details.identified_gaps:
        lines += ["", "Areas to strengthen:", *[f"- {gap}" for gap in details.identified_gaps]]
    if details.recommended_resources:
        lines += ["", "Recommended resources:", *[f"- {r['title']}: {r['url']}" for r in details.recommended_resources]]
    lines += ["", "Good luck with your applications,", "The Teamified team"]
    return "\n".join(lines)
