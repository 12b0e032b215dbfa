"""Outbound webhooks, as their organization's admins manage them: register (URL checked against
SSRF, secret generated here, shown once, stored sealed), list, change, delete, rotate the secret
with an overlap, read the delivery log, send a delivery again, and send a ping.

Authority comes from rows: every use case first reads the webhook (or, to create one, the caller's
admin role and organization) under the caller's RLS in the same transaction, then writes as the
service role, since clients have no insert or update grant on webhooks (their URLs must pass the
SSRF check, which only this code can make)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared import safe_http, secret_box, standard_webhooks
from shared.auth import Caller
from shared.db import Connection, become_service, service_transaction, user_transaction
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.models.webhooks import (
    PING,
    Delivery,
    DeliveryPage,
    SecretRotated,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookUpdate,
)
from shared.repositories import webhook_deliveries as deliveries
from shared.repositories import webhooks as rows
from shared.services import webhook_delivery
from shared.settings import get_settings


class WebhookUrlRefused(ValidationFailed):
    """The webhook URL is not allowed: it must be https and resolve to a public internet address."""

    code = "WEBHOOK_URL_REFUSED"


class DeliveryPending(Conflict):
    """The delivery is still being attempted; it can be sent again once it has been delivered or has failed."""

    code = "DELIVERY_PENDING"


class WebhookInactive(Conflict):
    """The webhook is switched off; switch it on before sending deliveries again."""

    code = "WEBHOOK_INACTIVE"


def _vetted(url: str) -> str:
    """The URL, when the SSRF guard allows it now (the delivery checks it again each time)."""
    try:
        return safe_http.vet(url, allow_loopback=get_settings().webhook_allow_loopback).url
    except safe_http.UrlRefused as exc:
        raise WebhookUrlRefused(str(exc), details=[{"loc": ["url"], "type": "url_refused", "msg": str(exc)}]) from exc


def _found(webhook: Webhook | None) -> Webhook:
    if webhook is None:
        raise NotFound("The webhook was not found.")
    return webhook


def _readable(conn: Connection, webhook_id: str) -> Webhook:
    """The webhook as the caller's RLS shows it (admins of its organization), or NotFound."""
    return _found(rows.find(conn, webhook_id))


def list_webhooks(caller: Caller) -> list[Webhook]:
    """The organization's webhooks (never their secrets)."""
    with user_transaction(caller.claims) as conn:
        return rows.list_all(conn)


def get(caller: Caller, webhook_id: str) -> Webhook:
    with user_transaction(caller.claims) as conn:
        return _readable(conn, webhook_id)


def create(caller: Caller, request: WebhookCreate) -> WebhookCreated:
    """A webhook of the caller's organization with a new secret, returned this once."""
    url = _vetted(request.url)
    secret = standard_webhooks.new_secret()
    with user_transaction(caller.claims) as conn:
        if caller.organization_id is None or not rows.administers(conn, caller.organization_id):
            raise Forbidden("Only admins can do this.")
        become_service(conn)
        webhook_id = rows.insert(conn, caller.organization_id, url, list(request.event_types), request.active, caller.user_id)
        rows.add_secret(conn, webhook_id, secret_box.seal(secret, webhook_id))
        return WebhookCreated(webhook=_readable(conn, webhook_id), secret=secret)


def update(caller: Caller, webhook_id: str, change: WebhookUpdate) -> Webhook:
    """Change the URL (checked again), the events or the active flag."""
    values = change.model_dump(exclude_unset=True)
    if not values:
        raise ValidationFailed("Nothing to change.")
    if "url" in values:
        values["url"] = _vetted(values["url"])
    if "active" in values:
        values["is_active"] = values.pop("active")
    with user_transaction(caller.claims) as conn:
        _readable(conn, webhook_id)
        become_service(conn)
        rows.update(conn, webhook_id, values)
        return _readable(conn, webhook_id)


def delete(caller: Caller, webhook_id: str) -> None:
    """Delete the webhook with its secrets and delivery log."""
    with user_transaction(caller.claims) as conn:
        if not rows.delete(conn, webhook_id):
            raise NotFound("The webhook was not found.")


def rotate_secret(caller: Caller, webhook_id: str, overlap_hours: int | None) -> SecretRotated:
    """A new secret, returned this once; the previous one keeps signing for `overlap_hours`
    (WEBHOOK_SECRET_OVERLAP_HOURS by default), so receivers can switch without losing events."""
    overlap = get_settings().webhook_secret_overlap_hours if overlap_hours is None else overlap_hours
    secret = standard_webhooks.new_secret()
    with user_transaction(caller.claims) as conn:
        _readable(conn, webhook_id)
        become_service(conn)
        rows.lock(conn, webhook_id)
        previous_expires_at = rows.retire_current_secret(conn, webhook_id, overlap)
        rows.add_secret(conn, webhook_id, secret_box.seal(secret, webhook_id))
        return SecretRotated(webhook=_readable(conn, webhook_id), secret=secret, previous_secret_expires_at=previous_expires_at)


def delivery_log(caller: Caller, webhook_id: str, status: str | None, before: str | None, limit: int) -> DeliveryPage:
    """The webhook's deliveries, newest first, each with its attempts."""
    with user_transaction(caller.claims) as conn:
        _readable(conn, webhook_id)
        found = deliveries.page(conn, webhook_id, status, before, limit + 1)
    items = found[:limit]
    return DeliveryPage(items=items, next_before=items[-1].id if len(found) > limit else None)


def redeliver(caller: Caller, webhook_id: str, delivery_id: str) -> Delivery:
    """Send a delivered or failed delivery again, as a new delivery with the same message id (so
    receivers that already have it can tell), queued now."""
    with user_transaction(caller.claims) as conn:
        webhook = _readable(conn, webhook_id)
        original = deliveries.find(conn, webhook_id, delivery_id)
        if original is None:
            raise NotFound("The delivery was not found.")
        if original.status == "pending":
            raise DeliveryPending()
        if not webhook.active:
            raise WebhookInactive()
        become_service(conn)
        copy_id = deliveries.insert(conn, webhook_id, original.event_type, original.payload, copy_of=delivery_id)
        webhook_delivery.queue(conn, copy_id)
        return _delivery(conn, webhook_id, copy_id)


def ping(caller: Caller, webhook_id: str) -> Delivery:
    """Send a webhook.ping event now (once, not retried, whether or not the webhook is on) and
    return its delivery with the receiver's answer."""
    with user_transaction(caller.claims) as conn:
        _readable(conn, webhook_id)
        become_service(conn)
        envelope = {"type": PING, "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "data": {"webhook_id": webhook_id}}
        delivery_id = deliveries.insert(conn, webhook_id, PING, envelope)
    webhook_delivery.deliver(delivery_id, retry=False)
    with service_transaction() as conn:
        return _delivery(conn, webhook_id, delivery_id)


def _delivery(conn: Connection, webhook_id: str, delivery_id: str) -> Delivery:
    found = deliveries.find(conn, webhook_id, delivery_id)
    if found is None:
        raise NotFound("The delivery was not found.")
    return found
