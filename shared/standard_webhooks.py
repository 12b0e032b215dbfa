"""Signing as the Standard Webhooks specification says (https://www.standardwebhooks.com/).

A secret is `whsec_` followed by the base64 of random bytes; the HMAC key is those bytes. A
message is signed as base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")) and sent in
`webhook-signature` as `v1,<signature>`; while a rotation overlaps, one space-separated `v1,`
entry per live secret, so a receiver holding either secret verifies the message."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64


class InvalidSecret(ValueError):
    """A secret that is not `whsec_` followed by base64."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a secret: its base64 part, decoded (the `whsec_` prefix is optional)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise InvalidSecret("a webhook secret is whsec_ followed by base64") from exc


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64 HMAC-SHA256>` entry of the signature header."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(signing_secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers of a message, signed with every given secret."""
    if not signing_secrets:
        raise InvalidSecret("a message needs at least one secret to be signed")
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, message_id, timestamp, body) for secret in signing_secrets),
    }
