"""Who is calling, and the tokens the stand-in signs.

API keys (anon / service_role) are HS256 JWTs signed with the project's JWT secret, as in
Supabase's local setup (hosted projects keep these legacy keys next to the new opaque ones).
User access tokens are HS256 with the same secret too, unless `STANDIN_JWT_SIGNING=ES256`: then
they are signed as new hosted projects sign them, ES256 with the signing key's `kid` in the
header, and the public keys are served at `/auth/v1/.well-known/jwks.json`.

The signing keys live in a file in the format of GoTrue's `GOTRUE_JWT_KEYS` and of the Supabase
CLI's `[auth] signing_keys_path` (what `supabase gen signing-key --algorithm ES256` writes): a JSON
array of JWKs, where the one key whose `key_ops` include "sign" signs and every key verifies (a
verify-only entry may be public). The file is created with one new key on first use (mode 0600)
and read again whenever it changes, so rotating a key is editing the file.

Tokens are verified as GoTrue verifies them: one with a `kid` by that key only (an unknown kid is
refused), one without a `kid` by the JWT secret, and only if it is HS256. Signed-URL tokens stay
HS256 with the JWT secret whatever the mode, as storage-api signs them.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from starlette.requests import Request

from local.supabase_standin.config import get_config


@dataclass(frozen=True)
class Principal:
    role: str  # anon, authenticated, service_role
    claims: dict[str, Any]

    @property
    def user_id(self) -> str | None:
        return self.claims.get("sub")


class InvalidToken(Exception):
    """A token that is missing, forged, expired or of the wrong kind."""


@dataclass(frozen=True)
class SigningKeys:
    """The asymmetric keys of the project: the one that signs, and every public key by kid."""

    signing_kid: str | None = None
    signing_key: ec.EllipticCurvePrivateKey | None = None
    verifying: dict[str, ec.EllipticCurvePublicKey] = field(default_factory=dict)

    def published(self) -> list[dict[str, Any]]:
        """The public keys as GoTrue's JWKS endpoint serves them (use "sig", key_ops ["verify"])."""
        return [
            {**ECAlgorithm.to_jwk(key, as_dict=True), "kid": kid, "alg": "ES256", "use": "sig", "key_ops": ["verify"]}
            for kid, key in self.verifying.items()
        ]


NO_SIGNING_KEYS = SigningKeys()


def new_signing_jwk() -> dict[str, Any]:
    """A private ES256 JWK able to sign, shaped as `supabase gen signing-key --algorithm ES256` makes it."""
    private = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    return {"kid": str(uuid.uuid4()), "use": "sig", "key_ops": ["sign", "verify"], "alg": "ES256", "ext": True, **private}


def write_signing_keys(path: Path, jwks: list[dict[str, Any]]) -> None:
    """Replace the signing keys file at once (readers never see half of it), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        json.dump(jwks, out, indent=2)
    os.replace(partial, path)


def parse_signing_keys(jwks: Any) -> SigningKeys:
    """The keys of a signing keys file; ValueError unless every key is a P-256 ES256 JWK with a kid
    and exactly one of them (a private one) signs, as GoTrue requires."""
    if not isinstance(jwks, list) or not jwks:
        raise ValueError("the signing keys file must hold a non-empty JSON array of JWKs")
    verifying: dict[str, ec.EllipticCurvePublicKey] = {}
    signers: list[tuple[str, ec.EllipticCurvePrivateKey]] = []
    for jwk in jwks:
        if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or jwk.get("alg", "ES256") != "ES256":
            raise ValueError("signing keys must be EC P-256 (ES256) JWKs")
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid or kid in verifying:
            raise ValueError("every signing key needs its own kid")
        try:
            key = ECAlgorithm.from_jwk(jwk)
        except jwt.PyJWTError as exc:
            raise ValueError(f"signing key {kid}: {exc}") from exc
        if isinstance(key, ec.EllipticCurvePrivateKey):
            verifying[kid] = key.public_key()
            if "sign" in (jwk.get("key_ops") or []):
                signers.append((kid, key))
        else:
            verifying[kid] = key
    if len(signers) != 1:
        raise ValueError(f"exactly one private key must have 'sign' in its key_ops; found {len(signers)}")
    (signing_kid, signing_key), *_ = signers
    return SigningKeys(signing_kid=signing_kid, signing_key=signing_key, verifying=verifying)


class _KeysFile:
    """The signing keys file, created on first use and parsed again when it changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[Any, ...] | None = None
        self._keys = NO_SIGNING_KEYS

    def keys(self, path: Path) -> SigningKeys:
        with self._lock:
            if not path.exists():
                write_signing_keys(path, [new_signing_jwk()])
            stat = path.stat()
            version = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if version != self._version:
                try:
                    self._keys = parse_signing_keys(json.loads(path.read_text()))
                except ValueError as exc:  # json.JSONDecodeError included
                    raise ValueError(f"{path}: {exc}") from exc
                self._version = version
            return self._keys


_keys_file = _KeysFile()


def signing_keys() -> SigningKeys:
    """The project's asymmetric keys: none in HS256 mode, else those of the signing keys file."""
    config = get_config()
    if config.jwt_signing == "HS256":
        return NO_SIGNING_KEYS
    return _keys_file.keys(config.signing_keys_path)


def _decode_with_secret(token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, get_config().jwt_secret, algorithms=["HS256"], options={"verify_aud": False})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc


def decode(token: str) -> dict[str, Any]:
    """The verified claims of an API key or a user access token (GoTrue's parseJWTClaims)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    kid = header.get("kid")
    if kid is None:
        if header.get("alg") != "HS256":
            raise InvalidToken(f"signing method {header.get('alg')} without a kid")
        return _decode_with_secret(token)
    key = signing_keys().verifying.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise InvalidToken(f"unrecognized JWT kid {kid}")
    try:
        return jwt.decode(token, key, algorithms=["ES256"], options={"verify_aud": False})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc


def principal_from(request: Request) -> Principal:
    """The bearer token if any, else the apikey header; anon when neither verifies to a role."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("apikey", "")
    if not token:
        raise InvalidToken("no token")
    claims = decode(token)
    role = claims.get("role")
    if role not in {"anon", "authenticated", "service_role"}:
        raise InvalidToken("unknown role")
    return Principal(role=role, claims=claims)


def mint_access_token(user: dict[str, Any], session_id: str) -> tuple[str, int]:
    """An access token with the claims GoTrue issues, signed as configured (HS256 with the JWT
    secret, or ES256 with the signing key and its kid); returns it and its expiry (epoch seconds)."""
    config = get_config()
    now = int(time.time())
    expires_at = now + config.access_token_ttl
    claims = {
        "iss": config.issuer,
        "sub": str(user["id"]),
        "aud": "authenticated",
        "exp": expires_at,
        "iat": now,
        "email": user["email"],
        "phone": user.get("phone") or "",
        "app_metadata": user["raw_app_meta_data"],
        "user_metadata": user["raw_user_meta_data"],
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": now}],
        "session_id": session_id,
        "is_anonymous": False,
    }
    keys = signing_keys()
    if keys.signing_key is not None:
        return jwt.encode(claims, keys.signing_key, algorithm="ES256", headers={"kid": keys.signing_kid}), expires_at
    return jwt.encode(claims, config.jwt_secret, algorithm="HS256"), expires_at


def new_refresh_token() -> str:
    return uuid.uuid4().hex[:12] + uuid.uuid4().hex
