"""The one verifier of Supabase access tokens, and the caller it yields to routes.

Tokens are checked for signature (the project's HS256 secret, or the asymmetric signing keys
published at `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`, cached), expiry with a small
leeway, and audience "authenticated". The role comes from `app_metadata.role`, which only the
server can set; user_metadata is never consulted.

Routes never authenticate by hand: a route declares the caller it needs with one of the
annotated types at the end of this module (`AnyCaller`, `Candidate`, `Staff`, `Manager`,
`Admin`), a Powertools `Depends()` that verifies the bearer token once per request, checks the
role and leaves the caller in the request context. The OpenAPI document reads the same
declaration (the dependency's `caller_roles` attribute, read by shared.http) to mark the route
with the bearer scheme and its 401/403 answers.

A token can be an hour old, so authority does not come from it alone: for staff routes and for
every state-changing request the caller's state is read from the database (`access.caller_state()`):
the token's session must still exist (logout, a role change or deactivation end it) and staff
power is the active `recruiters` row's role and organization. The hot candidate paths (a turn, a
start) declare `CandidateCheckedInRead` instead: their service reads `access.caller_state()` in
the same round trip as everything else it reads and refuses an ended session with
`confirm_session`, rather than paying a transaction of its own (four round trips) first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Request
from aws_lambda_powertools.event_handler.depends import Depends

from shared import roles
from shared.db import one, user_transaction
from shared.errors import AccountDisabled, Forbidden, Unauthorized
from shared.settings import get_settings

if TYPE_CHECKING:
    from jwt import PyJWKClient

ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
AUDIENCE = "authenticated"
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
INVALID_TOKEN = "The access token is not valid."
LEEWAY_SECONDS = 30
CALLER_CONTEXT_KEY = "caller"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_ENDED = "The session has ended; sign in again."


@dataclass(frozen=True)
class Caller:
    """The verified caller of a request; `access_token` is kept for Storage calls made as them."""

    user_id: str
    role: str
    claims: dict[str, Any]
    access_token: str
    organization_id: str | None = None
    checked_in_database: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role in roles.STAFF

    @property
    def can_manage(self) -> bool:
        return self.role in roles.CAN_MANAGE


@lru_cache
def _jwks_client() -> PyJWKClient:
    """The project's published keys, fetched again after 10 minutes, or sooner when a token names a
    kid they lack (a rotation), at most once per cooldown (so forged kids cannot flood Supabase).
    PyJWT (and the cryptography it loads) is imported here, by the first asymmetric token."""
    import jwt

    settings = get_settings()
    url = settings.supabase_url.rstrip("/") + "/auth/v1/.well-known/jwks.json"
    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=600, timeout=5, cooldown_duration=settings.supabase_jwks_refresh_cooldown_s)


def _b64url_decode(segment: str) -> bytes:
    """One segment of a compact JWS: unpadded base64url, nothing else."""
    if not BASE64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise Unauthorized(INVALID_TOKEN)
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # ValueError: also UnicodeDecodeError
        raise Unauthorized(INVALID_TOKEN) from exc
    if not isinstance(value, dict):
        raise Unauthorized(INVALID_TOKEN)
    return value


def _check_hs256_signature(signing_input: bytes, signature: bytes) -> None:
    secret = get_settings().supabase_jwt_secret.get_secret_value()
    if not secret:
        raise Unauthorized("Token verification is not configured.")
    expected = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise Unauthorized(INVALID_TOKEN)


def _asymmetric_verified_payload(token: str, algorithm: str, kid: str) -> bytes:
    """The payload of a token signed with one of the project's published keys (PyJWT verifies)."""
    import jwt

    try:
        key = _jwks_client().get_signing_key(kid).key
        payload: bytes = jwt.api_jws.decode_complete(token, key, algorithms=[algorithm])["payload"]
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthorized(INVALID_TOKEN) from exc
    return payload


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None and name not in claims:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Unauthorized(INVALID_TOKEN)
    return float(value)


def _check_claims(claims: Mapping[str, Any], now: float) -> None:
    """A user access token's claims: not expired (with leeway), not issued or valid only in the
    future, a string subject, audience "authenticated" and the `authenticated` database role."""
    expires = _numeric_date(claims, "exp")
    if expires is None:
        raise Unauthorized(INVALID_TOKEN)
    for name in ("iat", "nbf"):
        starts = _numeric_date(claims, name)
        if starts is not None and starts > now + LEEWAY_SECONDS:
            raise Unauthorized(INVALID_TOKEN)
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise Unauthorized(INVALID_TOKEN)
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or not all(isinstance(item, str) for item in audiences) or AUDIENCE not in audiences:
        raise Unauthorized(INVALID_TOKEN)
    if claims.get("role") != "authenticated":
        raise Unauthorized(INVALID_TOKEN)
    if expires <= now - LEEWAY_SECONDS:
        raise Unauthorized("The access token has expired.")


def verify_access_token(token: str) -> dict[str, Any]:
    """Verified claims of a Supabase user access token; Unauthorized for anything else.

    A token is a compact JWS (header.payload.signature). HS256 tokens (the project's shared
    secret) are checked here with the standard library; ES256/RS256 tokens naming a `kid` by
    PyJWT against the published keys. Any other algorithm (`none`, HS512, a kid-less asymmetric
    token) is refused before a key is chosen, so a token cannot pick its own verification."""
    segments = token.split(".")
    if len(segments) != 3:
        raise Unauthorized(INVALID_TOKEN)
    header_bytes, payload_bytes, signature = (_b64url_decode(segment) for segment in segments)
    header = _json_object(header_bytes)
    algorithm, kid = header.get("alg"), header.get("kid")
    if "crit" in header or header.get("b64", True) is not True or not isinstance(kid, str | None):
        raise Unauthorized(INVALID_TOKEN)  # no critical extensions are supported, nor detached or unencoded payloads
    if algorithm == "HS256":
        _check_hs256_signature(f"{segments[0]}.{segments[1]}".encode("ascii"), signature)
        payload = payload_bytes
    elif algorithm in ASYMMETRIC_ALGORITHMS and kid:
        payload = _asymmetric_verified_payload(token, algorithm, kid)
    else:
        raise Unauthorized(INVALID_TOKEN)
    claims = _json_object(payload)
    _check_claims(claims, time.time())
    return claims


def bearer_token(headers: Mapping[str, str]) -> str:
    """The bearer token of a request's (lower-cased) headers, or Unauthorized."""
    header = headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    return token.strip()


def caller_from_token(token: str) -> Caller:
    """Verify an access token and return its caller."""
    claims = verify_access_token(token)
    role = (claims.get("app_metadata") or {}).get("role") or roles.CANDIDATE
    return Caller(user_id=str(claims["sub"]), role=str(role), claims=claims, access_token=token)


def checked_in_database(caller: Caller) -> Caller:
    """The caller with their session verified and their staff role and organization read from the
    database; Unauthorized when the session has ended, AccountDisabled for deactivated staff."""
    if caller.checked_in_database:
        return caller
    with user_transaction(caller.claims) as conn:
        state = one(conn.execute("select session_active, staff_role, organization_id from access.caller_state()"))
    if not state["session_active"]:
        raise Unauthorized(SESSION_ENDED)
    if caller.role == roles.CANDIDATE:
        role = roles.CANDIDATE
    elif state["staff_role"] is None:
        raise AccountDisabled()
    else:
        role = state["staff_role"]
    organization = str(state["organization_id"]) if state["organization_id"] else None
    return replace(caller, role=role, organization_id=organization, checked_in_database=True)


def authenticated(request: Request) -> Caller:
    """Dependency: the request's verified caller, whatever their role (kept in the request
    context); for a state-changing request, also checked in the database."""
    caller = caller_from_token(bearer_token(request.headers))
    if request.method.upper() not in SAFE_METHODS:
        caller = checked_in_database(caller)
    request.context[CALLER_CONTEXT_KEY] = caller
    return caller


def _with_roles(accepted: frozenset[str], message: str) -> Callable[..., Caller]:
    staff_only = not (accepted & roles.CANDIDATES)

    def dependency(request: Request, caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
        if staff_only and caller.role != roles.CANDIDATE:
            caller = checked_in_database(caller)  # staff power is the recruiters row's, not the token's
        if caller.role not in accepted:
            raise Forbidden(message)
        request.context[CALLER_CONTEXT_KEY] = caller
        return caller

    dependency.caller_roles = accepted  # type: ignore[attr-defined]  # read by the OpenAPI builder
    return dependency


authenticated.caller_roles = None  # type: ignore[attr-defined]  # any role


def _candidate_checked_in_read(request: Request) -> Caller:
    """Dependency of the hot candidate paths: the verified candidate, whose session the service
    checks inside its own first database read (`confirm_session`). Staff tokens take the usual
    path (checked in the database, then refused)."""
    caller = caller_from_token(bearer_token(request.headers))
    if caller.role != roles.CANDIDATE:
        caller = checked_in_database(caller)
    if caller.role not in roles.CANDIDATES:
        raise Forbidden("Only candidates can do this.")
    request.context[CALLER_CONTEXT_KEY] = caller
    return caller


_candidate_checked_in_read.caller_roles = roles.CANDIDATES  # type: ignore[attr-defined]  # read by the OpenAPI builder


def confirm_session(caller: Caller, session_active: bool) -> None:
    """Refuse a caller whose session ended (read by the service with `access.caller_state()`)."""
    if not session_active and not caller.checked_in_database:
        raise Unauthorized(SESSION_ENDED)


def maybe_authenticated(request: Request) -> Caller | None:
    """Dependency of public routes that show more to a signed-in caller: the verified caller when
    the request carries a bearer token (an invalid one is still a 401), otherwise None."""
    if not request.headers.get("authorization"):
        return None
    return authenticated(request)


AnyCaller = Annotated[Caller, Depends(authenticated)]
MaybeCaller = Annotated[Caller | None, Depends(maybe_authenticated)]
Candidate = Annotated[Caller, Depends(_with_roles(roles.CANDIDATES, "Only candidates can do this."))]
CandidateCheckedInRead = Annotated[Caller, Depends(_candidate_checked_in_read)]
Staff = Annotated[Caller, Depends(_with_roles(roles.STAFF, "Only recruiters can do this."))]
Manager = Annotated[Caller, Depends(_with_roles(roles.CAN_MANAGE, "Only recruiters and admins can do this."))]
Admin = Annotated[Caller, Depends(_with_roles(roles.ADMIN, "Only admins can do this."))]
