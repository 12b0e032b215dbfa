"""Delivering webhook events (issue 19): one attempt at a time, signed as Standard Webhooks says,
sent only to the address the SSRF guard checked at that moment, retried with exponential backoff
and jitter for about a day, then failed; a webhook whose deliveries fail
WEBHOOK_DISABLE_AFTER_FAILURES times in a row is switched off and its organization's admins are
emailed through the outbox.

An attempt is three steps, so that no transaction stays open while a receiver answers: count the
attempt (locked, so two runs of one job cannot both count it), send, then record the answer and
settle the delivery. A job that runs twice may send twice; receivers deduplicate by webhook-id."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from shared import safe_http, secret_box, standard_webhooks
from shared.db import Connection, service_transaction
from shared.logs import logger
from shared.models.webhooks import PING
from shared.queue import RetryPolicy, enqueue, subject_key
from shared.repositories import webhook_deliveries as deliveries
from shared.repositories import webhooks as hooks
from shared.services import outbox
from shared.settings import get_settings

KIND = "webhook.deliver"
DELIVERY_ATTEMPTS = 12  # with the policy below: retries after ~1, 2, 4 ... 256 minutes, then 8 h twice: about 24.5 h in all
JOB_ATTEMPTS = DELIVERY_ATTEMPTS + 3  # runs lost to a crashed worker before attempting anything (the SQL trigger queues with 15 too)
RETRY_POLICY = RetryPolicy(base_seconds=60, max_seconds=8 * 3600, jitter=0.25)
EXPECTED_SECONDS = 25.0  # DNS, one POST of at most WEBHOOK_TIMEOUT_S (10 s), two short transactions


@dataclass(frozen=True)
class Attempt:
    """An attempt counted and ready to send."""

    delivery_id: str
    webhook_id: str
    organization_id: str
    url: str
    message_id: str
    body: bytes
    secrets: list[str]
    number: int
    is_ping: bool


@dataclass(frozen=True)
class Result:
    """What an attempt came to; `retry_in` seconds when another attempt is scheduled."""

    status: str  # delivered | failed | pending | skipped
    retry_in: int | None = None
    detail: str | None = None


def queue(conn: Connection, delivery_id: str) -> None:
    """Queue the delivery's job inside the caller's (service-role) transaction."""
    enqueue(conn, KIND, {"delivery_id": delivery_id}, dedupe_key=subject_key(KIND, delivery_id), max_attempts=JOB_ATTEMPTS)


def body_of(payload: dict[str, Any]) -> bytes:
    """The envelope as sent: type, created_at, data, in that order, compact JSON."""
    envelope = {"type": payload.get("type"), "created_at": payload.get("created_at"), "data": payload.get("data", {})}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def deliver(delivery_id: str, *, retry: bool = True) -> Result:
    """Make the delivery's next attempt. With `retry`, a failed attempt before the last is
    scheduled again (Result.retry_in); without, the first failure settles it as failed (pings)."""
    with service_transaction() as conn:
        attempt = _begin(conn, delivery_id)
    if isinstance(attempt, Result):
        return attempt
    outcome, permanent = _send(attempt)
    with service_transaction() as conn:
        return _settle(conn, attempt, outcome, retry=retry and not permanent)


def give_up(delivery_id: str, reason: str) -> None:
    """Settle a delivery still pending as failed (its job died without settling it)."""
    with service_transaction() as conn:
        pending = deliveries.lock(conn, delivery_id)
        if pending is None or pending.status != "pending":
            return
        deliveries.settle(conn, delivery_id, "failed", None, None, reason)
        if pending.event_type != PING:
            _count_failure(conn, pending.webhook_id, reason)


def _begin(conn: Connection, delivery_id: str) -> Attempt | Result:
    pending = deliveries.lock(conn, delivery_id)
    if pending is None:
        return Result("skipped", detail="the delivery no longer exists (its webhook was deleted)")
    if pending.status != "pending":
        return Result("skipped", detail=f"the delivery is already {pending.status}")
    destination = hooks.lock(conn, pending.webhook_id)
    if destination is None:
        return Result("skipped", detail="the webhook no longer exists")
    is_ping = pending.event_type == PING
    if not destination.active and not is_ping:
        deliveries.settle(conn, delivery_id, "failed", None, None, "not sent: the webhook is switched off")
        return Result("failed", detail="the webhook is switched off")
    try:
        signing = [secret_box.unseal(sealed, pending.webhook_id) for sealed in hooks.live_secrets(conn, pending.webhook_id)]
    except secret_box.SecretUnreadable:
        signing = []
    number = deliveries.start_attempt(conn, delivery_id)
    return Attempt(
        delivery_id=delivery_id,
        webhook_id=pending.webhook_id,
        organization_id=destination.organization_id,
        url=destination.url,
        message_id=pending.message_id,
        body=body_of(pending.payload),
        secrets=signing,
        number=number,
        is_ping=is_ping,
    )


def _send(attempt: Attempt) -> tuple[safe_http.Outcome, bool]:
    """The attempt's outcome, and whether retrying is pointless (the URL is refused, no secret)."""
    settings = get_settings()
    if not attempt.secrets:
        return safe_http.Outcome(status=None, latency_ms=0, error="not sent: the webhook has no readable signing secret"), True
    try:
        target = safe_http.vet(attempt.url, allow_loopback=settings.webhook_allow_loopback)
    except safe_http.UrlRefused as exc:
        return safe_http.Outcome(status=None, latency_ms=0, error=f"not sent: {exc}"), True
    headers = standard_webhooks.headers(attempt.secrets, attempt.message_id, int(time.time()), attempt.body)
    return safe_http.post(target, attempt.body, headers, settings.webhook_timeout_s), False


def _settle(conn: Connection, attempt: Attempt, outcome: safe_http.Outcome, *, retry: bool) -> Result:
    deliveries.record_attempt(conn, attempt.delivery_id, attempt.number, outcome.status, outcome.latency_ms, outcome.error)
    log = {"delivery_id": attempt.delivery_id, "webhook_id": attempt.webhook_id, "attempt": attempt.number, "response_status": outcome.status}
    if outcome.ok:
        deliveries.settle(conn, attempt.delivery_id, "delivered", outcome.status, outcome.latency_ms, None)
        if attempt.is_ping:
            hooks.touch(conn, attempt.webhook_id)
        else:
            hooks.record_success(conn, attempt.webhook_id)
        logger.info("webhook delivered", extra={**log, "latency_ms": outcome.latency_ms})
        return Result("delivered")
    if retry and attempt.number < DELIVERY_ATTEMPTS:
        delay = RETRY_POLICY.delay(attempt.number)
        deliveries.settle(conn, attempt.delivery_id, "pending", outcome.status, outcome.latency_ms, outcome.error, retry_in_seconds=delay)
        hooks.touch(conn, attempt.webhook_id)
        logger.info("webhook delivery failed; retry scheduled", extra={**log, "retry_in_s": delay})
        return Result("pending", retry_in=delay, detail=outcome.error)
    deliveries.settle(conn, attempt.delivery_id, "failed", outcome.status, outcome.latency_ms, outcome.error)
    if attempt.is_ping:
        hooks.touch(conn, attempt.webhook_id)
    else:
        _count_failure(conn, attempt.webhook_id, outcome.error or "failed")
    logger.warning("webhook delivery failed for good", extra=log)
    return Result("failed", detail=outcome.error)


def _count_failure(conn: Connection, webhook_id: str, last_error: str) -> None:
    """One more failed delivery in a row; at the threshold the webhook is switched off and its
    organization's admins are told."""
    failures = hooks.record_failure(conn, webhook_id)
    threshold = get_settings().webhook_disable_after_failures
    if failures < threshold:
        return
    destination = hooks.lock(conn, webhook_id)
    reason = f"{failures} deliveries in a row failed, each after about a day of retries; the last: {last_error}"
    if destination is None or not hooks.disable(conn, webhook_id, reason):
        return
    logger.warning("webhook disabled after repeated failures", extra={"webhook_id": webhook_id, "failures": failures})
    for address in hooks.admin_emails(conn, destination.organization_id):
        outbox.queue_email(
            conn,
            address,
            "A webhook was switched off after repeated failures",
            _disabled_text(destination.url, webhook_id, reason),
            "integration_webhook",
            webhook_id,
        )


def _disabled_text(url: str, webhook_id: str, reason: str) -> str:
    path = f"/webhooks/{webhook_id}"
    return (
        f"The webhook {url} of your organization has been switched off: {reason}.\n\n"
        f"No events are sent to it until it is switched on again. Fix the receiver, try it with POST {path}/test, "
        f'then switch the webhook on with PATCH {path} {{"active": true}}. '
        f"Failed deliveries can be sent again from its delivery log (GET {path}/deliveries, then POST {path}/deliveries/<id>/redeliver).\n"
    )
