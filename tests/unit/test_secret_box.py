"""Webhook secrets are sealed at rest with AES-256-GCM under WEBHOOK_SECRET_KEYS, bound to their
webhook, and still open after the key is rotated while the old key stays listed."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from shared import secret_box
from shared.settings import Settings, get_settings

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()


@pytest.fixture
def keys(monkeypatch):
    def use(value: str) -> None:
        monkeypatch.setenv("WEBHOOK_SECRET_KEYS", value)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_a_sealed_secret_opens_for_its_webhook_only(keys):
    keys(KEY_A)
    sealed = secret_box.seal("whsec_abc", "webhook-1")
    assert b"whsec_abc" not in sealed.data
    assert secret_box.unseal(sealed, "webhook-1") == "whsec_abc"
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.unseal(sealed, "webhook-2")  # copied onto another webhook's row


def test_sealing_twice_gives_different_ciphertexts(keys):
    keys(KEY_A)
    assert secret_box.seal("whsec_abc", "w").data != secret_box.seal("whsec_abc", "w").data


def test_after_a_key_rotation_old_secrets_still_open_and_new_ones_use_the_new_key(keys):
    keys(KEY_A)
    old = secret_box.seal("whsec_old", "w")
    keys(f"{KEY_B},{KEY_A}")
    new = secret_box.seal("whsec_new", "w")
    assert new.key_id != old.key_id
    assert secret_box.unseal(old, "w") == "whsec_old" and secret_box.unseal(new, "w") == "whsec_new"
    keys(KEY_B)
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.unseal(old, "w")  # its key is no longer listed


def test_a_tampered_ciphertext_does_not_open(keys):
    keys(KEY_A)
    sealed = secret_box.seal("whsec_abc", "w")
    flipped = secret_box.Sealed(data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]), key_id=sealed.key_id)
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.unseal(flipped, "w")


def test_without_a_key_nothing_is_sealed_and_the_api_answers_503(keys):
    keys("")
    with pytest.raises(secret_box.SecretBoxNotConfigured) as refused:
        secret_box.seal("whsec_abc", "w")
    assert refused.value.status_code == 503


@pytest.mark.parametrize(
    "value",
    [
        base64.b64encode(b"short").decode(),  # not 32 bytes
        "not base64!",
        f"{KEY_A},{base64.b64encode(bytes(range(16))).decode()}",  # the second key is AES-128
    ],
)
def test_settings_refuse_keys_that_are_not_32_bytes_of_base64(value):
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET_KEYS"):
        Settings(webhook_secret_keys=value)


def test_loopback_receivers_are_off_unless_configured(monkeypatch):
    monkeypatch.delenv("WEBHOOK_ALLOW_LOOPBACK", raising=False)
    assert Settings().webhook_allow_loopback is False
