"""Webhook delivery rows and their attempts: the delivery log admins read (under RLS) and the
delivery job's bookkeeping (as the service role): start an attempt, record its answer, schedule
the retry, or settle the delivery as delivered or failed."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from shared.db import Connection, one
from shared.models.webhooks import Delivery

COLUMNS = (
    "d.id, d.webhook_id, 'msg_' || replace(d.message_id::text, '-', '') as message_id, d.event_type, d.payload, d.status, d.attempts,"
    " d.response_status, d.latency_ms, d.last_error, d.created_at, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.redelivery_of,"
    " coalesce((select json_agg(json_build_object('attempt', a.attempt, 'attempted_at', a.attempted_at, 'response_status', a.response_status,"
    "                                             'latency_ms', a.latency_ms, 'error', a.error) order by a.attempt)"
    "             from public.webhook_delivery_attempts a where a.delivery_id = d.id), '[]') as attempt_log"
)


class Pending(NamedTuple):
    """A delivery about to be attempted: what to send, and to which webhook."""

    webhook_id: str
    message_id: str
    event_type: str
    payload: dict[str, Any]
    status: str
    attempts: int


def insert(
    conn: Connection,
    webhook_id: str,
    event_type: str,
    payload: dict[str, Any],
    *,
    copy_of: str | None = None,
) -> str:
    """A pending delivery; a copy (a redelivery) keeps the original's message id and envelope."""
    if copy_of is not None:
        row = one(
            conn.execute(
                "insert into public.webhook_deliveries (webhook_id, event_type, payload, message_id, redelivery_of)"
                " select webhook_id, event_type, payload, message_id, id from public.webhook_deliveries where id = %s returning id",
                [copy_of],
            )
        )
    else:
        row = one(
            conn.execute(
                "insert into public.webhook_deliveries (webhook_id, event_type, payload) values (%s, %s, %s::jsonb) returning id",
                [webhook_id, event_type, json.dumps(payload)],
            )
        )
    return str(row["id"])


def find(conn: Connection, webhook_id: str, delivery_id: str) -> Delivery | None:
    row = conn.execute(
        f"select {COLUMNS} from public.webhook_deliveries d where d.id = %s and d.webhook_id = %s", [delivery_id, webhook_id]
    ).fetchone()
    return Delivery.model_validate(row) if row else None


def page(conn: Connection, webhook_id: str, status: str | None, before: str | None, limit: int) -> list[Delivery]:
    """Up to `limit` deliveries of the webhook, newest first, older than delivery `before` if given."""
    where = ["d.webhook_id = %(webhook_id)s"]
    if status is not None:
        where.append("d.status = %(status)s")
    if before is not None:
        where.append("(d.created_at, d.id) < (select b.created_at, b.id from public.webhook_deliveries b where b.id = %(before)s)")
    rows = conn.execute(
        f"select {COLUMNS} from public.webhook_deliveries d where {' and '.join(where)} order by d.created_at desc, d.id desc limit %(limit)s",
        {"webhook_id": webhook_id, "status": status, "before": before, "limit": limit},
    ).fetchall()
    return [Delivery.model_validate(row) for row in rows]


def lock(conn: Connection, delivery_id: str) -> Pending | None:
    """The delivery, locked until the transaction ends; None when it no longer exists."""
    row = conn.execute(
        "select webhook_id, 'msg_' || replace(message_id::text, '-', '') as message_id, event_type, payload, status, attempts"
        " from public.webhook_deliveries where id = %s for update",
        [delivery_id],
    ).fetchone()
    if row is None:
        return None
    return Pending(**{**row, "webhook_id": str(row["webhook_id"])})


def start_attempt(conn: Connection, delivery_id: str) -> int:
    """Count the attempt about to be made (before sending, so a crash mid-send still counts); its number."""
    row = one(
        conn.execute(
            "update public.webhook_deliveries set attempts = attempts + 1, last_attempt_at = now(), next_attempt_at = null"
            " where id = %s returning attempts",
            [delivery_id],
        )
    )
    return int(row["attempts"])


def record_attempt(conn: Connection, delivery_id: str, attempt: int, response_status: int | None, latency_ms: int | None, error: str | None) -> None:
    """The attempt's answer, once (a second run of the same attempt keeps the first record)."""
    conn.execute(
        "insert into public.webhook_delivery_attempts (delivery_id, attempt, response_status, latency_ms, error)"
        " values (%s, %s, %s, %s, %s) on conflict (delivery_id, attempt) do nothing",
        [delivery_id, attempt, response_status, latency_ms, error[:500] if error else None],
    )


def settle(
    conn: Connection,
    delivery_id: str,
    status: str,
    response_status: int | None,
    latency_ms: int | None,
    error: str | None,
    retry_in_seconds: int | None = None,
) -> None:
    """The delivery's state after an attempt: delivered, failed, or still pending with its next
    attempt `retry_in_seconds` from now."""
    conn.execute(
        "update public.webhook_deliveries set status = %(status)s, response_status = %(response_status)s, latency_ms = %(latency_ms)s,"
        " last_error = %(error)s, delivered_at = case when %(status)s = 'delivered' then now() end,"
        " next_attempt_at = case when %(retry)s::integer is not null then now() + make_interval(secs => %(retry)s::integer) end"
        " where id = %(id)s",
        {
            "id": delivery_id,
            "status": status,
            "response_status": response_status,
            "latency_ms": latency_ms,
            "error": error[:500] if error else None,
            "retry": retry_in_seconds,
        },
    )
