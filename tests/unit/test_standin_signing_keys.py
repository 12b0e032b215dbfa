"""The stand-in's asymmetric signing keys (local/supabase_standin/tokens.py): the key file rules of
GoTrue's GOTRUE_JWT_KEYS, and which tokens verify in ES256 mode."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from local.supabase_standin import tokens
from local.supabase_standin.config import get_config

SECRET = "standin-unit-test-secret-long-enough-for-hs256-0123456789"


def public_only(jwk: dict) -> dict:
    return {key: value for key, value in jwk.items() if key != "d"} | {"key_ops": ["verify"]}


def test_a_generated_key_signs_and_is_published_without_its_private_part():
    jwk = tokens.new_signing_jwk()
    keys = tokens.parse_signing_keys([jwk])
    assert keys.signing_kid == jwk["kid"]
    assert keys.published() == [
        {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"], "kid": jwk["kid"], "alg": "ES256", "use": "sig", "key_ops": ["verify"]}
    ]


def test_previous_keys_verify_without_signing_even_when_only_public():
    current, previous = tokens.new_signing_jwk(), tokens.new_signing_jwk()
    keys = tokens.parse_signing_keys([current, public_only(previous)])
    assert keys.signing_kid == current["kid"] and set(keys.verifying) == {current["kid"], previous["kid"]}


@pytest.mark.parametrize(
    "make_file",
    [
        lambda: [],  # no key at all
        lambda: [tokens.new_signing_jwk(), tokens.new_signing_jwk()],  # GoTrue: "multiple signing keys detected"
        lambda: [public_only(tokens.new_signing_jwk())],  # GoTrue: "no signing key detected"
        lambda: [{**tokens.new_signing_jwk(), "crv": "P-384"}],  # not ES256
        lambda: [{"kty": "oct", "k": "c2VjcmV0", "kid": "hmac", "key_ops": ["sign", "verify"]}],  # a shared secret
        lambda: [{key: value for key, value in tokens.new_signing_jwk().items() if key != "kid"}],  # no kid
        lambda: [(jwk := tokens.new_signing_jwk()), public_only(jwk)],  # the same kid twice
        lambda: {"keys": [tokens.new_signing_jwk()]},  # a JWKS object, not GoTrue's array
    ],
)
def test_key_files_gotrue_would_refuse_are_refused(make_file):
    with pytest.raises(ValueError):
        tokens.parse_signing_keys(make_file())


@pytest.fixture
def es256_mode(tmp_path, monkeypatch):
    keys_path = tmp_path / "keys" / "signing_keys.json"
    for name, value in {
        "DATABASE_URL": "postgresql://unused",
        "SUPABASE_JWT_SECRET": SECRET,
        "STORAGE_DIR": str(tmp_path / "storage"),
        "STANDIN_JWT_SIGNING": "es256",
        "STANDIN_SIGNING_KEYS_PATH": str(keys_path),
    }.items():
        monkeypatch.setenv(name, value)
    get_config.cache_clear()
    yield keys_path
    get_config.cache_clear()


def user() -> dict:
    return {"id": uuid.uuid4(), "email": "u@example.com", "raw_app_meta_data": {}, "raw_user_meta_data": {}}


def test_in_es256_mode_the_key_file_is_created_private_and_access_tokens_carry_its_kid(es256_mode):
    token, _ = tokens.mint_access_token(user(), str(uuid.uuid4()))
    (jwk,) = tokens.parse_signing_keys(json.loads(es256_mode.read_text())).published()
    assert es256_mode.stat().st_mode & 0o777 == 0o600
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": jwk["kid"], "typ": "JWT"}
    assert tokens.decode(token)["role"] == "authenticated"


def test_in_es256_mode_api_keys_stay_hs256_and_foreign_tokens_are_refused(es256_mode):
    token, _ = tokens.mint_access_token(user(), str(uuid.uuid4()))
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    assert tokens.decode(jwt.encode({"role": "service_role", "iss": "supabase-demo"}, SECRET, algorithm="HS256"))["role"] == "service_role"
    other = ec.generate_private_key(ec.SECP256R1())
    for foreign in (
        jwt.encode(claims, other, algorithm="ES256", headers={"kid": kid}),  # another key, same kid
        jwt.encode(claims, other, algorithm="ES256", headers={"kid": "unknown"}),
        jwt.encode(claims, other, algorithm="ES256"),  # asymmetric without a kid
        jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "unknown"}),  # GoTrue: an unknown kid is refused
        jwt.encode(claims, SECRET * 2, algorithm="HS512"),  # an algorithm GoTrue does not accept here
    ):
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(foreign)


def test_signed_url_tokens_stay_hs256_with_the_jwt_secret(es256_mode):
    """storage-api signs object URLs with the project's JWT secret, not with the Auth signing key."""
    from starlette.requests import Request

    from local.supabase_standin.storage import signed
    from local.supabase_standin.storage.errors import StorageError

    def request_with(token: str) -> Request:
        return Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": f"token={token}".encode()})

    token = signed._sign({"url": "resumes/a/cv.pdf", "scope": "download"}, 60)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert signed._verify(request_with(token), "resumes", "a/cv.pdf", "download")["url"] == "resumes/a/cv.pdf"
    keys = tokens.signing_keys()
    now = int(time.time())
    es256_signed = jwt.encode(
        {"url": "resumes/a/cv.pdf", "scope": "download", "iat": now, "exp": now + 60},
        keys.signing_key,
        algorithm="ES256",
        headers={"kid": keys.signing_kid},
    )
    with pytest.raises(StorageError):
        signed._verify(request_with(es256_signed), "resumes", "a/cv.pdf", "download")


def test_a_rotation_written_to_the_key_file_is_read_at_the_next_token(es256_mode):
    first, _ = tokens.mint_access_token(user(), str(uuid.uuid4()))
    rotated = tokens.new_signing_jwk()
    old = json.loads(es256_mode.read_text())
    tokens.write_signing_keys(es256_mode, [rotated, *({**key, "key_ops": ["verify"]} for key in old)])
    second, _ = tokens.mint_access_token(user(), str(uuid.uuid4()))
    assert jwt.get_unverified_header(second)["kid"] == rotated["kid"]
    assert tokens.decode(first) and tokens.decode(second)


def test_an_unknown_signing_mode_is_refused(es256_mode, monkeypatch):
    monkeypatch.setenv("STANDIN_JWT_SIGNING", "RS512")
    get_config.cache_clear()
    with pytest.raises(ValueError):
        get_config()
