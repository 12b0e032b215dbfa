"""Signing as the Standard Webhooks specification says, checked against its published test vector
(standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py, test_sign_function),
and the example receiver of docs/webhooks.md verifying what the signer produces."""

from __future__ import annotations

import base64

import pytest

from examples.webhook_receiver import InvalidSignature, verify
from shared import standard_webhooks

VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_matches_the_specifications_test_vector():
    assert standard_webhooks.signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_secret_prefix_is_optional_for_the_key():
    assert standard_webhooks.signature(VECTOR_SECRET.removeprefix("whsec_"), VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_example_receiver_verifies_the_test_vector():
    headers = {"webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TIMESTAMP), "webhook-signature": VECTOR_SIGNATURE}
    assert verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP) == {"test": 2432232314}


def test_while_a_rotation_overlaps_each_secret_signs_and_either_verifies():
    old, new = standard_webhooks.new_secret(), standard_webhooks.new_secret()
    headers = standard_webhooks.headers([new, old], "msg_1", 1_700_000_000, b'{"a":1}')
    assert headers["webhook-signature"].count("v1,") == 2 and headers["webhook-id"] == "msg_1"
    for secret in (old, new):
        assert verify(secret, headers, b'{"a":1}', now=1_700_000_000) == {"a": 1}
    with pytest.raises(InvalidSignature):
        verify(standard_webhooks.new_secret(), headers, b'{"a":1}', now=1_700_000_000)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"body": b'{"a":2}'}, "a changed body"),
        ({"now": 1_700_000_000 + 301}, "a message older than the 5-minute tolerance"),
        ({"now": 1_700_000_000 - 301}, "a timestamp from the future"),
        ({"headers": {"webhook-id": "msg_other"}}, "another message id"),
        ({"headers": {"webhook-timestamp": "1700000001"}}, "another timestamp"),
        ({"headers": {"webhook-signature": ""}}, "no signature"),
    ],
)
def test_the_example_receiver_refuses_what_was_not_signed(change, why):
    secret = standard_webhooks.new_secret()
    body, now = b'{"a":1}', 1_700_000_000
    headers = standard_webhooks.headers([secret], "msg_1", now, body)
    with pytest.raises(InvalidSignature):
        verify(secret, {**headers, **change.get("headers", {})}, change.get("body", body), now=change.get("now", now))


def test_new_secrets_are_whsec_and_32_random_bytes():
    secret = standard_webhooks.new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != standard_webhooks.new_secret()


def test_a_secret_that_is_not_base64_is_refused():
    with pytest.raises(standard_webhooks.InvalidSecret):
        standard_webhooks.secret_key("whsec_not base64!")
