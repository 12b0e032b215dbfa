"""The email outbox: messages are written to Postgres in the transaction that decides to send
them, and the email.send job delivers them with retries, so nothing is lost or sent twice."""

from __future__ import annotations

from typing import Any

from shared.db import Connection, one
from shared.email import EmailDeliveryFailed, EmailMessage, get_backend
from shared.queue import PermanentJobError, RetryPolicy, enqueue, subject_key

SEND_ATTEMPTS = 5
SEND_POLICY = RetryPolicy(base_seconds=30, max_seconds=1800)
SEND_EXPECTED_SECONDS = 20.0  # two short transactions and one SES call (5 s connect + 10 s read timeouts)


def queue_email(conn: Connection, to: str, subject: str, text: str, related_type: str | None = None, related_id: str | None = None) -> str:
    """Store a message and queue its delivery, inside the caller's (service-role) transaction."""
    outbox_id = one(
        conn.execute(
            "insert into private.email_outbox (to_address, subject, body_text, related_type, related_id) values (%s, %s, %s, %s, %s) returning id",
            [to, subject, text, related_type, related_id],
        )
    )["id"]
    enqueue(conn, "email.send", {"outbox_id": str(outbox_id)}, dedupe_key=subject_key("email.send", outbox_id), max_attempts=SEND_ATTEMPTS)
    return str(outbox_id)


def deliver(conn: Connection, outbox_id: str) -> dict[str, Any]:
    """Send one queued message (idempotent: a sent message is not sent again)."""
    row = conn.execute("select * from private.email_outbox where id = %s for update", [outbox_id]).fetchone()
    if row is None:
        raise PermanentJobError("outbox message not found")
    if row["status"] == "sent":
        return {"outbox_id": outbox_id, "already_sent": True}
    if row["body_text"] is None:
        raise PermanentJobError("the message body was removed by retention before it could be sent")
    try:
        message_id = get_backend().send(EmailMessage(to=row["to_address"], subject=row["subject"], text=row["body_text"], html=row["body_html"]))
    except EmailDeliveryFailed as exc:
        if exc.permanent:
            raise PermanentJobError(exc.message) from exc
        raise
    conn.execute(
        "update private.email_outbox set status = 'sent', provider_message_id = %s, sent_at = now(), last_error = null where id = %s",
        [message_id, outbox_id],
    )
    if row["related_type"] == "resume_feedback":
        conn.execute("update public.resume_feedback set status = 'sent', sent_at = now() where id = %s and status <> 'sent'", [row["related_id"]])
    return {"outbox_id": outbox_id, "provider_message_id": message_id}


def count_attempt(conn: Connection, outbox_id: str) -> None:
    """Recorded in its own transaction before sending, so failed attempts are counted too."""
    conn.execute("update private.email_outbox set attempts = attempts + 1 where id = %s and status = 'queued'", [outbox_id])


def mark_failed(conn: Connection, outbox_id: str, reason: str) -> None:
    row = conn.execute(
        "update private.email_outbox set status = 'failed', last_error = %s where id = %s and status <> 'sent' returning related_type, related_id",
        [reason[:500], outbox_id],
    ).fetchone()
    if row and row["related_type"] == "resume_feedback":
        conn.execute("update public.resume_feedback set status = 'failed' where id = %s and status <> 'sent'", [row["related_id"]])
