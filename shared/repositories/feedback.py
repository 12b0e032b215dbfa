"""Resume feedback rows: the approval queue (and its dashboard figures), a candidate's history,
reads, content edits, approval and the auto-send claim."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from shared.db import Connection, one
from shared.models.feedback import Feedback, PendingFeedback

COLUMNS = (
    "f.id, f.resume_id, f.candidate_id, f.feedback_content, f.identified_gaps, f.recommended_resources, f.status,"
    " f.generated_at, f.auto_send_at, f.approved_at, f.approved_by, f.sent_at"
)
JSON_COLUMNS = frozenset({"identified_gaps", "recommended_resources"})


class FeedbackEmail(NamedTuple):
    """What the feedback email needs."""

    email: str
    full_name: str
    feedback_content: str
    identified_gaps: list[str]
    recommended_resources: list[dict[str, Any]]


def pending(conn: Connection, limit: int) -> list[PendingFeedback]:
    """Feedback awaiting approval that the connection's role may see, oldest first."""
    rows = conn.execute(
        f"select {COLUMNS}, c.full_name as candidate_name from public.resume_feedback f"
        " join public.candidates c on c.id = f.candidate_id"
        " where f.status = 'pending_approval' order by f.generated_at, f.id limit %s",
        [limit],
    ).fetchall()
    return [PendingFeedback.model_validate({**row, "candidate": {"id": row["candidate_id"], "full_name": row["candidate_name"]}}) for row in rows]


class QueuedFeedback(NamedTuple):
    id: str
    resume_id: str
    candidate_id: str
    full_name: str
    email: str
    generated_at: datetime
    auto_send_at: datetime


class Queue(NamedTuple):
    """The organization's approval queue: its size, oldest, how many the sweep sends within the
    hour, and the oldest items."""

    awaiting: int
    oldest_generated_at: datetime | None
    oldest_waiting_seconds: int | None
    due_within_hour: int
    oldest: list[QueuedFeedback]


def queue(conn: Connection, organization_id: str, limit: int) -> Queue:
    """Feedback awaiting approval of the organization's candidates: the figures (an index-only count
    under the tenancy policy) and the oldest `limit` items. `due_within_hour` counts what
    send-due-feedback (claim_due: pending and auto_send_at reached) will have sent an hour from now."""
    figures = one(
        conn.execute(
            "select count(*) as awaiting, min(generated_at) as oldest, extract(epoch from now() - min(generated_at))::integer as oldest_seconds,"
            " count(*) filter (where auto_send_at <= now() + interval '1 hour') as due"
            " from public.resume_feedback where status = 'pending_approval'"
        )
    )
    rows = conn.execute(
        "select f.id, f.resume_id, f.candidate_id, o.full_name, o.email, f.generated_at, f.auto_send_at"
        " from (select f.id, f.resume_id, f.candidate_id, f.generated_at, f.auto_send_at from public.resume_feedback f"
        "       where f.status = 'pending_approval' order by f.generated_at, f.id limit %(limit)s) f"
        " join lateral (select o.full_name, o.email from public.organization_candidates o"
        "       where o.organization_id = %(organization)s and o.candidate_id = f.candidate_id) o on true"
        " order by f.generated_at, f.id",
        {"organization": organization_id, "limit": limit},
    ).fetchall()
    items = [
        QueuedFeedback(
            id=str(row["id"]),
            resume_id=str(row["resume_id"]),
            candidate_id=str(row["candidate_id"]),
            full_name=row["full_name"],
            email=row["email"],
            generated_at=row["generated_at"],
            auto_send_at=row["auto_send_at"],
        )
        for row in rows
    ]
    return Queue(
        awaiting=int(figures["awaiting"]),
        oldest_generated_at=figures["oldest"],
        oldest_waiting_seconds=figures["oldest_seconds"],
        due_within_hour=int(figures["due"]),
        oldest=items,
    )


def of_candidate(conn: Connection, candidate_id: str) -> list[Feedback]:
    """A candidate's feedback history that the connection's role sees, newest first."""
    rows = conn.execute(
        f"select {COLUMNS} from public.resume_feedback f where f.candidate_id = %s order by f.generated_at desc, f.id", [candidate_id]
    ).fetchall()
    return [Feedback.model_validate(row) for row in rows]


def find(conn: Connection, feedback_id: str) -> Feedback | None:
    row = conn.execute(f"select {COLUMNS} from public.resume_feedback f where f.id = %s", [feedback_id]).fetchone()
    return Feedback.model_validate(row) if row else None


def lock_for_change(conn: Connection, feedback_id: str) -> str | None:
    """Lock the row for an edit or approval (the update policy decides who may); its status, or None."""
    row = conn.execute("select status from public.resume_feedback where id = %s for update", [feedback_id]).fetchone()
    return str(row["status"]) if row else None


def update_content(conn: Connection, feedback_id: str, values: dict[str, Any]) -> None:
    """Write the editable content columns given in `values`."""
    encoded = {column: json.dumps(value) if column in JSON_COLUMNS else value for column, value in values.items()}
    assignments = ", ".join(f"{column} = %s" for column in encoded)
    conn.execute(f"update public.resume_feedback set {assignments} where id = %s", [*encoded.values(), feedback_id])


def mark_approved(conn: Connection, feedback_id: str, approver_id: str | None) -> None:
    """Approved now, by `approver_id` (None when sent automatically). Service role only."""
    conn.execute(
        "update public.resume_feedback set status = 'approved', approved_at = now(), approved_by = %s where id = %s",
        [approver_id, feedback_id],
    )


def claim_due(conn: Connection, now: datetime | None, limit: int) -> list[str]:
    """Ids of pending feedback past auto_send_at (as of `now`, default the database clock), locked
    with SKIP LOCKED so concurrent sweeps never take the same row."""
    rows = conn.execute(
        "select id from public.resume_feedback where status = 'pending_approval' and auto_send_at <= coalesce(%s, now())"
        " order by auto_send_at limit %s for update skip locked",
        [now, limit],
    ).fetchall()
    return [str(row["id"]) for row in rows]


def email_details(conn: Connection, feedback_id: str) -> FeedbackEmail | None:
    row = conn.execute(
        "select f.feedback_content, f.identified_gaps, f.recommended_resources, c.email, c.full_name"
        " from public.resume_feedback f join public.candidates c on c.id = f.candidate_id where f.id = %s",
        [feedback_id],
    ).fetchone()
    if row is None:
        return None
    return FeedbackEmail(
        email=row["email"],
        full_name=row["full_name"],
        feedback_content=row["feedback_content"],
        identified_gaps=list(row["identified_gaps"] or []),
        recommended_resources=list(row["recommended_resources"] or []),
    )


def mark_sent(conn: Connection, feedback_id: str) -> None:
    """Its email was delivered (a feedback already marked sent stays as it is)."""
    conn.execute("update public.resume_feedback set status = 'sent', sent_at = now() where id = %s and status <> 'sent'", [feedback_id])


def mark_failed(conn: Connection, feedback_id: str) -> None:
    """Its email could not be delivered (unless it was sent after all)."""
    conn.execute("update public.resume_feedback set status = 'failed' where id = %s and status <> 'sent'", [feedback_id])
