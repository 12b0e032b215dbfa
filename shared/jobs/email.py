"""email.send: deliver one outbox message (5 attempts with backoff; then the message is failed)."""

from __future__ import annotations

from typing import Any

from shared.db import service_transaction
from shared.queue import job_handler
from shared.services import outbox


def _dead(payload: dict[str, Any], error: BaseException) -> None:
    with service_transaction() as conn:
        outbox.mark_failed(conn, payload["outbox_id"], str(error) or type(error).__name__)


@job_handler("email.send", policy=outbox.SEND_POLICY, on_dead=_dead, expected_seconds=outbox.SEND_EXPECTED_SECONDS)
def send_email(payload: dict[str, Any]) -> dict[str, Any]:
    with service_transaction() as conn:
        outbox.count_attempt(conn, payload["outbox_id"])
    with service_transaction() as conn:
        return outbox.deliver(conn, payload["outbox_id"])
