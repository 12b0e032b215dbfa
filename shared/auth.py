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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Annotated, Any

import jwt
from aws_lambda_powertools.event_handler import Request
from aws_lambda_powertools.event_handler.depends import Depends

from shared import roles
from shared.db import one, user_transaction
from shared.errors import AccountDisabled, Forbidden, Unauthorized
from shared.settings import get_settings

ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
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
def _jwks_client() -> jwt.PyJWKClient:
    """The project's published keys, fetched again after 10 minutes, or sooner when a token names a
    kid they lack (a rotation), at most once per cooldown (so forged kids cannot flood Supabase)."""
    settings = get_settings()
    url = settings.supabase_url.rstrip("/") + "/auth/v1/.well-known/jwks.json"
    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=600, timeout=5, cooldown_duration=settings.supabase_jwks_refresh_cooldown_s)


def verify_access_token(token: str) -> dict[str, Any]:
    """Verified claims of a Supabase user access token; Unauthorized for anything else."""
    try:
        header = jwt.get_unverified_header(token)
        algorithm = header.get("alg")
        key: Any
        if algorithm == "HS256":
            key = get_settings().supabase_jwt_secret.get_secret_value()
            if not key:
                raise Unauthorized("Token verification is not configured.")
        elif algorithm in ASYMMETRIC_ALGORITHMS and header.get("kid"):
            key = _jwks_client().get_signing_key(header["kid"]).key
        else:
            raise Unauthorized("The access token is not valid.")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[str(algorithm)],
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
