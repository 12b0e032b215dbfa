"""Structured JSON logging (Powertools Logger) shared by every function.

Every line carries the request id as `correlation_id`. Never log PII: emails, names, passwords,
tokens, transcripts or resume text; the redaction filter below is a safety net, not a licence.
"""

from __future__ import annotations

import logging

from aws_lambda_powertools import Logger

PII_KEYS = frozenset(
    {
        "email",
        "password",
        "full_name",
        "name",
        "phone",
        "token",
        "access_token",
        "refresh_token",
        "authorization",
        "transcript",
        "text",
        "resume_text",
        "content_text",
        "feedback_content",
    }
)


class RedactPii(logging.Filter):
    """Masks values of well-known PII keys passed as `extra`."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key in PII_KEYS:
            if key in record.__dict__:
                setattr(record, key, "[redacted]")
        return True


logger = Logger(service="teamified")
logger.addFilter(RedactPii())
