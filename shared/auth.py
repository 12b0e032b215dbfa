"""The one verifier of Supabase access tokens, and the caller it yields.

Tokens are checked for signature (the project's HS256 secret, or the asymmetric signing keys
published at `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`, cached), expiry with a small
leeway, and audience "authenticated". The role comes from `app_metadata.role`, which only the
server can set; user_metadata is never consulted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent

from shared.errors import Forbidden, Unauthorized
from shared.settings import get_settings

ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
LEEWAY_SECONDS = 30
STAFF_ROLES = frozenset({"recruiter", "admin", "viewer"})


@dataclass(frozen=True)
class Caller:
    """The verified caller of a request."""

    user_id: str
    role: str
    claims: dict[str, Any]

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@lru_cache
def _jwks_client() -> jwt.PyJWKClient:
    url = get_settings().supabase_url.rstrip("/") + "/auth/v1/.well-known/jwks.json"
    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=600, timeout=5)


def verify_access_token(token: str) -> dict[str, Any]:
    """Verified claims of a Supabase user access token; Unauthorized for anything else."""
    try:
        header = jwt.get_unverified_header(token)
        algorithm = header.get("alg")
        if algorithm == "HS256":
            key: Any = get_settings().supabase_jwt_secret.get_secret_value()
            if not key:
                raise Unauthorized("Token verification is not configured.")
        elif algorithm in ASYMMETRIC_ALGORITHMS and header.get("kid"):
            key = _jwks_client().get_signing_key(header["kid"]).key
        else:
            raise Unauthorized("The access token is not valid.")
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience="authenticated",
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The access token has expired.") from exc
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthorized("The access token is not valid.") from exc
    if claims.get("role") != "authenticated":
        raise Unauthorized("The access token is not valid.")
    return claims


def bearer_token(event: LambdaFunctionUrlEvent) -> str:
    """The bearer token of the request, or Unauthorized."""
    header = event.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    return token.strip()


def authenticate(event: LambdaFunctionUrlEvent) -> Caller:
    """Verify the request's bearer token and return the caller."""
    claims = verify_access_token(bearer_token(event))
    role = (claims.get("app_metadata") or {}).get("role") or "candidate"
    return Caller(user_id=str(claims["sub"]), role=str(role), claims=claims)


def require_role(caller: Caller, *roles: str) -> Caller:
    """Forbidden unless the caller has one of `roles`."""
    if caller.role not in roles:
        raise Forbidden()
    return caller
