"""Outgoing email backends: `ses` (AWS SES through boto3) in production and `log` locally (logs
that a message went out, without any address or content, and leaves it in the outbox).
The outbox and its retries live in shared/services/outbox.py; this module only delivers.
boto3 is imported when the SES backend is built (the first send), not with this module: most
functions that can queue an email never send one themselves (run-jobs does)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from shared.errors import UpstreamFailed
from shared.logs import logger
from shared.settings import get_settings

if TYPE_CHECKING:  # the boto3 stubs are a development dependency only
    from mypy_boto3_sesv2.type_defs import BodyTypeDef


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str | None = None


class EmailDeliveryFailed(UpstreamFailed):
    """The email could not be delivered."""

    code = "EMAIL_DELIVERY_FAILED"

    def __init__(self, message: str | None = None, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class EmailBackend(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Deliver the message; returns the provider's message id."""


class LogBackend:
    """Local default: records the send in the logs, never the address or the content."""

    def send(self, message: EmailMessage) -> str:
        message_id = "log-" + hashlib.sha256(f"{message.to}|{message.subject}|{message.text}".encode()).hexdigest()[:16]
        logger.info("email delivered to log backend", extra={"provider_message_id": message_id, "chars": len(message.text)})
        return message_id


class SesBackend:
    """AWS SES (v2 API) with explicit timeouts; botocore retries are the outbox's job."""

    PERMANENT_ERRORS = frozenset({"MessageRejected", "MailFromDomainNotVerifiedException", "BadRequestException", "NotFoundException"})

    def __init__(self, sender: str, region: str, endpoint_url: str | None = None):
        import boto3
        from botocore.config import Config

        self.sender = sender
        self.client = boto3.client(
            "sesv2",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1}),
        )

    def send(self, message: EmailMessage) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        body: BodyTypeDef = {"Text": {"Data": message.text, "Charset": "UTF-8"}}
        if message.html:
            body["Html"] = {"Data": message.html, "Charset": "UTF-8"}
        try:
            response = self.client.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [message.to]},
                Content={"Simple": {"Subject": {"Data": message.subject, "Charset": "UTF-8"}, "Body": body}},
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise EmailDeliveryFailed(f"SES refused the message ({code}).", permanent=code in self.PERMANENT_ERRORS) from exc
        except BotoCoreError as exc:
            raise EmailDeliveryFailed("SES could not be reached.") from exc
        return response["MessageId"]


@lru_cache
def get_backend() -> EmailBackend:
    """The configured backend, built once per cold start."""
    settings = get_settings()
    if settings.email_backend == "ses":
        return SesBackend(settings.email_sender, settings.aws_region, settings.ses_endpoint_url)
    return LogBackend()
