"""Who is calling: API keys (anon / service_role JWTs), user access tokens and signed-URL tokens,
all HS256 with the project's JWT secret, as in Supabase's local setup."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
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


def decode(token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, get_config().jwt_secret, algorithms=["HS256"], options={"verify_aud": False})
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
    """An access token with the claims GoTrue issues; returns it and its expiry (epoch seconds)."""
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
    return jwt.encode(claims, config.jwt_secret, algorithm="HS256"), expires_at


def new_refresh_token() -> str:
    return uuid.uuid4().hex[:12] + uuid.uuid4().hex


def sign_object_url(bucket: str, name: str, expires_in: int, scope: str = "download", **extra: Any) -> str:
    now = int(time.time())
    claims = {"url": f"{bucket}/{name}", "scope": scope, "iat": now, "exp": now + expires_in, **extra}
    return jwt.encode(claims, get_config().jwt_secret, algorithm="HS256")


def verify_object_url(token: str, bucket: str, name: str, scope: str) -> dict[str, Any]:
    claims = decode(token)
    if claims.get("url") != f"{bucket}/{name}" or claims.get("scope", "download") != scope:
        raise InvalidToken("signature does not match this object")
    return claims
