"""webhook.deliver: one attempt of one webhook delivery. A failed attempt is retried when the
delivery says (exponential backoff with jitter over about a day, recorded on the delivery as its
next attempt); the last one settles the delivery as failed."""

from __future__ import annotations

from typing import Any

from shared.queue import PermanentJobError, RetryLater, job_handler
from shared.services import webhook_delivery


def _dead(payload: dict[str, Any], error: BaseException) -> None:
    if payload.get("delivery_id"):
        webhook_delivery.give_up(str(payload["delivery_id"]), "not sent: the delivery job failed repeatedly")


@job_handler(webhook_delivery.KIND, policy=webhook_delivery.RETRY_POLICY, on_dead=_dead, expected_seconds=webhook_delivery.EXPECTED_SECONDS)
def deliver_webhook(payload: dict[str, Any]) -> dict[str, Any]:
    delivery_id = payload.get("delivery_id")
    if not delivery_id:
        raise PermanentJobError("a webhook.deliver job without a delivery_id (queued in a shape no longer used)")
    result = webhook_delivery.deliver(str(delivery_id))
    if result.retry_in is not None:
        raise RetryLater(f"attempt failed ({result.detail}); retry scheduled", seconds=result.retry_in)
    return {"delivery_id": delivery_id, "status": result.status, "detail": result.detail}
