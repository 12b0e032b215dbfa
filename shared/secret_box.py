"""Sealing small secrets at rest (webhook signing secrets) with AES-256-GCM under the application
keys of WEBHOOK_SECRET_KEYS: the first key seals, every listed key unseals, so a key is rotated by
putting a new one first (secrets sealed under the old one still open while it stays listed).

A sealed value is `nonce || ciphertext || tag` and is bound to a context (the webhook's id) as
associated data: a sealed secret copied onto another webhook's row does not open. The key that
sealed it is named by a fingerprint stored next to it, never by the key itself. cryptography is
imported by the first seal or unseal, not by the functions' import (bench/cold_start.py)."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from shared.errors import ServiceUnavailable
from shared.settings import get_settings

NONCE_BYTES = 12


class SecretBoxNotConfigured(ServiceUnavailable):
    """Secrets cannot be stored right now: the encryption key is not configured."""

    code = "SECRETS_UNAVAILABLE"


class SecretUnreadable(Exception):
    """A sealed secret that none of the configured keys opens (its key was removed, or the row was tampered with)."""


@dataclass(frozen=True)
class Sealed:
    data: bytes
    key_id: str


def key_id(key: bytes) -> str:
    """A short fingerprint naming a key (a hash of it: it reveals nothing usable about the key)."""
    return hashlib.sha256(b"teamified-secret-box:" + key).hexdigest()[:16]


def _keys() -> list[bytes]:
    listed = get_settings().webhook_secret_keys.get_secret_value()
    keys = [base64.b64decode(part.strip()) for part in listed.split(",") if part.strip()]
    if not keys:
        raise SecretBoxNotConfigured()
    return keys


def seal(plaintext: str, context: str) -> Sealed:
    """`plaintext` encrypted under the current key, bound to `context`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    data = nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return Sealed(data=data, key_id=key_id(key))


def unseal(sealed: Sealed, context: str) -> str:
    """The plaintext of a value sealed for `context`; SecretUnreadable when no configured key opens it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    for key in _keys():
        if key_id(key) != sealed.key_id:
            continue
        nonce, ciphertext = sealed.data[:NONCE_BYTES], sealed.data[NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, context.encode()).decode()
        except InvalidTag as exc:
            raise SecretUnreadable("the sealed secret does not open under its key (tampered, or sealed for another row)") from exc
    raise SecretUnreadable("the key that sealed this secret is no longer configured")
