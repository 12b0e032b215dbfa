"""Outbound webhooks: what admins register, the secret shown once, and the delivery log."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, ConfigDict, Field, field_validator

from shared.models.base import Model
from shared.safe_http import MAX_URL_LENGTH, check_syntax

EventType = Literal["interview.completed", "assessment.ready", "application.status_changed"]
PING = "webhook.ping"
DeliveryStatus = Literal["pending", "delivered", "failed"]


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


WebhookUrl = Annotated[
    str,
    Field(min_length=1, max_length=MAX_URL_LENGTH, description="Where events are POSTed: https, resolving to a public address."),
    AfterValidator(check_syntax),
]
EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=10), AfterValidator(_distinct)]


class WebhookCreate(Model):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    event_types: EventTypes
    active: bool = True


class WebhookUpdate(Model):
    """Any of the fields; turning a webhook back on clears its failure count."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    active: bool | None = None

    @field_validator("url", "event_types", "active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("Leave the field out to keep it; it cannot be null.")
        return value


class Webhook(Model):
    id: UUID
    url: str
    event_types: list[str]
    active: bool
    consecutive_failures: int = Field(description="Deliveries that failed in a row (each after a day of retries); a success resets it.")
    disabled_at: datetime | None = Field(description="When repeated failures disabled the webhook; null otherwise.")
    disabled_reason: str | None
    last_triggered_at: datetime | None = Field(description="The last delivery attempt.")
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation: until when the previous secret also signs (deliveries carry both signatures until then)."
    )
    created_at: datetime
    updated_at: datetime


class WebhookResult(Model):
    webhook: Webhook


class WebhookList(Model):
    items: list[Webhook]


class WebhookCreated(Model):
    webhook: Webhook
    secret: str = Field(description="The signing secret (whsec_...), shown only now: store it with the receiver.")


class SecretRotated(Model):
    webhook: Webhook
    secret: str = Field(description="The new signing secret (whsec_...), shown only now.")
    previous_secret_expires_at: datetime | None = Field(description="Until when the previous secret also signs; null if there was none.")


class DeliveryAttempt(Model):
    attempt: int
    attempted_at: datetime
    response_status: int | None = Field(description="The receiver's HTTP status; null when none came (timeout, refused connection).")
    latency_ms: int | None
    error: str | None


class Delivery(Model):
    id: UUID
    webhook_id: UUID
    message_id: str = Field(description="The webhook-id header: the same for every attempt and for a manual redelivery.")
    event_type: str
    payload: dict[str, Any] = Field(description="The event envelope as sent: {type, created_at, data}.")
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    latency_ms: int | None
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When the next retry is due; null when none is scheduled.")
    delivered_at: datetime | None
    redelivery_of: UUID | None
    attempt_log: list[DeliveryAttempt]


class DeliveryResult(Model):
    delivery: Delivery


class DeliveryPage(Model):
    items: list[Delivery]
    next_before: UUID | None = Field(description="Pass as `before` for the next (older) page; null on the last.")
