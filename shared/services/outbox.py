"""The email outbox: messages are written to Postgres in the transaction that decides to send
them, and the email.send job delivers them with retries, so nothing is lost or sent twice."""

from __future__ import annotations

from typing import Any

from shared.db import Connection
from shared.email import EmailDeliveryFailed, EmailMessage, get_backend
from shared.queue import PermanentJobError, RetryPolicy, enqueue, subject_key
from shared.repositories import feedback as feedback_rows
from shared.repositories import outbox as rows

SEND_ATTEMPTS = 5
SEND_POLICY = RetryPolicy(base_seconds=30, max_seconds=1800)
SEND_EXPECTED_SECONDS = 20.0  # two short transactions and one SES call (5 s connect + 10 s read timeouts)


def queue_email(conn: Connection, to: str, subject: str, text: str, related_type: str | None = None, related_id: str | None = None) -> str:
    """Store a message and queue its delivery, inside the caller's (service-role) transaction."""
    outbox_id = rows.insert(conn, to, subject, text, related_type, related_id)
    enqueue(conn, "email.send", {"outbox_id": outbox_id}, dedupe_key=subject_key("email.send", outbox_id), max_attempts=SEND_ATTEMPTS)
    return outbox_id


def deliver(conn: Connection, outbox_id: str) -> dict[str, Any]:
    """Send one queued message (idempotent: a sent message is not sent again)."""
    message = rows.lock(conn, outbox_id)
    if message is None:
        raise PermanentJobError("outbox message not found")
    if message.status == "sent":
        return {"outbox_id": outbox_id, "already_sent": True}
    if message.body_text is None:
        raise PermanentJobError("the message body was removed by retention before it could be sent")
    try:
        message_id = get_backend().send(EmailMessage(to=message.to_address, subject=message.subject, text=message.body_text, html=message.body_html))
    except EmailDeliveryFailed as exc:
        if exc.permanent:
            raise PermanentJobError(exc.message) from exc
        raise
    rows.mark_sent(conn, outbox_id, message_id)
    if message.related_type == "resume_feedback" and message.related_id is not None:
        feedback_rows.mark_sent(conn, message.related_id)
    return {"outbox_id": outbox_id, "provider_message_id": message_id}


def count_attempt(conn: Connection, outbox_id: str) -> None:
    """Recorded in its own transaction before sending, so failed attempts are counted too."""
    rows.count_attempt(conn, outbox_id)


def mark_failed(conn: Connection, outbox_id: str, reason: str) -> None:
    related = rows.mark_failed(conn, outbox_id, reason)
    if related and related.type == "resume_feedback" and related.id is not None:
        feedback_rows.mark_failed(conn, related.id)
