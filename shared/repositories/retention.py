"""Retention's batch deletions: each a `private` SQL function taking (older_than, batch size) and
returning how many rows it removed."""

from __future__ import annotations

from datetime import timedelta

from shared.db import Connection, one

BATCH_FUNCTIONS = frozenset(
    {
        "delete_finished_jobs",
        "delete_old_outbox_messages",
        "clear_outbox_bodies",
        "delete_old_rate_limit_counters",
        "delete_old_login_failures",
        "delete_old_resume_upload_names",
        "delete_old_recording_consents",
        "delete_old_webhook_deliveries",
    }
)


def remove_batch(conn: Connection, function: str, older_than: timedelta, batch_size: int) -> int:
    """Run one batch of a retention function; the rows it removed."""
    if function not in BATCH_FUNCTIONS:
        raise ValueError(f"not a retention function: {function}")
    return int(one(conn.execute(f"select private.{function}(%s, %s) as n", [older_than, batch_size]))["n"])
