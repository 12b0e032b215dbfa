"""webhooks: an organization's admins register outbound webhooks (signed as Standard Webhooks
says), rotate their secrets, read the delivery log, send deliveries again and ping receivers."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.auth import Admin
from shared.errors import NotFound
from shared.http import Envelope, create_app, make_handler, no_content, ok, raises
from shared.models import webhooks as m
from shared.secret_box import SecretBoxNotConfigured
from shared.services import webhooks
from shared.services.webhooks import DeliveryPending, WebhookInactive, WebhookUrlRefused

app = create_app()


@app.get("/")
def list_webhooks(caller: Admin) -> Envelope[m.WebhookList]:
    """The organization's webhooks (admins)."""
    return ok(m.WebhookList(items=webhooks.list_webhooks(caller)))


@app.post("/", status_code=201)
@raises(WebhookUrlRefused, SecretBoxNotConfigured)
def create(request: m.WebhookCreate, caller: Admin) -> Envelope[m.WebhookCreated]:
    """Register a webhook; its signing secret is in this answer only (admins)

    The URL must be https and resolve to a public internet address (checked now and before every
    delivery). Deliveries carry the Standard Webhooks headers webhook-id, webhook-timestamp and
    webhook-signature (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`)."""
    return ok(webhooks.create(caller, request))


@app.get("/<webhook_id>")
@raises(NotFound)
def get_webhook(webhook_id: UUID, caller: Admin) -> Envelope[m.WebhookResult]:
    """One webhook (admins of its organization)."""
    return ok(m.WebhookResult(webhook=webhooks.get(caller, str(webhook_id))))


@app.patch("/<webhook_id>")
@raises(NotFound, WebhookUrlRefused)
def update(webhook_id: UUID, change: m.WebhookUpdate, caller: Admin) -> Envelope[m.WebhookResult]:
    """Change the URL, the event types or the active flag; switching on clears the failure count (admins)."""
    return ok(m.WebhookResult(webhook=webhooks.update(caller, str(webhook_id), change)))


@app.delete("/<webhook_id>", status_code=204)
@raises(NotFound)
def delete(webhook_id: UUID, caller: Admin) -> Response[None]:
    """Delete a webhook with its secrets and delivery log (admins)."""
    webhooks.delete(caller, str(webhook_id))
    return no_content()


@app.post("/<webhook_id>/rotate-secret")
@raises(NotFound, SecretBoxNotConfigured)
def rotate_secret(
    webhook_id: UUID,
    caller: Admin,
    overlap_hours: Annotated[
        int | None, Query(ge=0, le=168, description="How long the previous secret keeps signing (default WEBHOOK_SECRET_OVERLAP_HOURS, 24).")
    ] = None,
) -> Envelope[m.SecretRotated]:
    """A new signing secret, in this answer only; the previous one also signs until the overlap ends (admins)."""
    return ok(webhooks.rotate_secret(caller, str(webhook_id), overlap_hours))


@app.post("/<webhook_id>/test")
@raises(NotFound)
def test(webhook_id: UUID, caller: Admin) -> Envelope[m.DeliveryResult]:
    """Send a webhook.ping event now, once, and answer with its delivery (receiver status, latency) (admins)."""
    return ok(m.DeliveryResult(delivery=webhooks.ping(caller, str(webhook_id))))


@app.get("/<webhook_id>/deliveries")
@raises(NotFound)
def deliveries(
    webhook_id: UUID,
    caller: Admin,
    status: Annotated[m.DeliveryStatus | None, Query(description="Only deliveries in this state.")] = None,
    before: Annotated[UUID | None, Query(description="Only deliveries older than this one (the previous page's next_before).")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Envelope[m.DeliveryPage]:
    """The delivery log, newest first: status, attempts with the receiver's answers, latency, next attempt (admins)."""
    return ok(webhooks.delivery_log(caller, str(webhook_id), status, str(before) if before else None, limit))


@app.post("/<webhook_id>/deliveries/<delivery_id>/redeliver", status_code=202)
@raises(NotFound, DeliveryPending, WebhookInactive)
def redeliver(webhook_id: UUID, delivery_id: UUID, caller: Admin) -> Envelope[m.DeliveryResult]:
    """Send a delivered or failed delivery again, with the same webhook-id; queued now (admins)."""
    return ok(m.DeliveryResult(delivery=webhooks.redeliver(caller, str(webhook_id), str(delivery_id))))


handler = make_handler(app)
