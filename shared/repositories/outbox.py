"""Email outbox rows: a queued message, its delivery lock, attempts, and its sent or failed state."""

from __future__ import annotations

from typing import NamedTuple

from shared.db import Connection, one


class OutboxMessage(NamedTuple):
    """A stored message; the body is None once retention removed it."""

    status: str
    to_address: str
    subject: str
    body_text: str | None
    body_html: str | None
    related_type: str | None
    related_id: str | None


class Related(NamedTuple):
    """What a message was sent about, e.g. ("resume_feedback", <feedback id>)."""

    type: str | None
    id: str | None


def insert(conn: Connection, to: str, subject: str, text: str, related_type: str | None, related_id: str | None) -> str:
    """Store a queued message; its id."""
    row = one(
        conn.execute(
            "insert into private.email_outbox (to_address, subject, body_text, related_type, related_id) values (%s, %s, %s, %s, %s) returning id",
            [to, subject, text, related_type, related_id],
        )
    )
    return str(row["id"])


def lock(conn: Connection, outbox_id: str) -> OutboxMessage | None:
    """The message, locked for delivery."""
    row = conn.execute(
        "select status, to_address, subject, body_text, body_html, related_type, related_id from private.email_outbox where id = %s for update",
        [outbox_id],
    ).fetchone()
    if row is None:
        return None
    return OutboxMessage(**{**row, "related_id": str(row["related_id"]) if row["related_id"] is not None else None})


def mark_sent(conn: Connection, outbox_id: str, provider_message_id: str) -> None:
    conn.execute(
        "update private.email_outbox set status = 'sent', provider_message_id = %s, sent_at = now(), last_error = null where id = %s",
        [provider_message_id, outbox_id],
    )


def count_attempt(conn: Connection, outbox_id: str) -> None:
    conn.execute("update private.email_outbox set attempts = attempts + 1 where id = %s and status = 'queued'", [outbox_id])


def mark_failed(conn: Connection, outbox_id: str, reason: str) -> Related | None:
    """Failed with `reason` (cut to 500 characters) unless already sent; what it was about, or None."""
    row = conn.execute(
        "update private.email_outbox set status = 'failed', last_error = %s where id = %s and status <> 'sent' returning related_type, related_id",
        [reason[:500], outbox_id],
    ).fetchone()
    if row is None:
        return None
    return Related(type=row["related_type"], id=str(row["related_id"]) if row["related_id"] is not None else None)
