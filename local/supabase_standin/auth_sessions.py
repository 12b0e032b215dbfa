"""GoTrue's sessions: the password and refresh-token grants of POST /token (internal/api/token.go,
internal/tokens/service.go), the check every authenticated endpoint makes on the access token
(requireAuthentication in internal/api/auth.go), and POST /logout (internal/api/logout.go)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from starlette.requests import Request
from starlette.responses import Response

from local.supabase_standin import db, hooks
from local.supabase_standin.auth_users import USER_COLUMNS, Row, find_user, find_user_by_email, is_banned, one_user_json, password_matches
from local.supabase_standin.config import get_config
from local.supabase_standin.errors import API_VERSION_HEADER, AuthApiError
from local.supabase_standin.gotrue_http import OAuthError, json_response
from local.supabase_standin.tokens import InvalidToken, decode, mint_access_token, new_refresh_token

BEARER = re.compile(r"^[Bb]earer (\S+)$")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
INVALID_LOGIN = "Invalid login credentials"
LOGOUT_SCOPES = {"", "global", "local", "others"}


@dataclass(frozen=True)
class Authenticated:
    """The caller of an authenticated endpoint: their user row, claims and session (if the token names one)."""

    user: Row
    claims: dict[str, Any]
    session_id: str | None


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def require_authentication(request: Request) -> Authenticated:
    """requireAuthentication: a verified bearer JWT whose user exists, whose session (when the token
    has a session_id) still exists, so signed-out tokens get 403 session_not_found, and whose user
    is not banned (403 user_banned, also for tokens issued before the ban)."""
    match = BEARER.match(request.headers.get("authorization", ""))
    if not match:
        raise AuthApiError(401, "no_authorization", "This endpoint requires a Bearer token")
    try:
        claims = decode(match.group(1))
    except InvalidToken as exc:
        raise AuthApiError(403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {exc}") from exc
    subject = claims.get("sub")
    if not subject:
        raise AuthApiError(403, "bad_jwt", "invalid claim: missing sub claim")
    if not _is_uuid(subject):
        raise AuthApiError(400, "bad_jwt", "invalid claim: sub claim must be a UUID")
    session_id = claims.get("session_id") or None
    if session_id == NIL_UUID:
        session_id = None
    if session_id is not None and not _is_uuid(session_id):
        raise AuthApiError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID")
    with db.admin() as conn:
        user = find_user(conn, subject)
        if user is None:
            raise AuthApiError(403, "user_not_found", "User from sub claim in JWT does not exist")
        if session_id is not None and conn.execute("select 1 from auth.sessions where id = %s", [session_id]).fetchone() is None:
            raise AuthApiError(403, "session_not_found", "Session from session_id claim in JWT does not exist")
    if is_banned(user):
        raise AuthApiError(403, "user_banned", "User is banned")
    return Authenticated(user=user, claims=claims, session_id=session_id)


def token_response(conn: psycopg.Connection, user: Row, session_id: str, refresh_token: str) -> dict[str, Any]:
    """AccessTokenResponse: a new access token for the session, the given refresh token, the user."""
    access, expires_at = mint_access_token(user, session_id)
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": get_config().access_token_ttl,
        "expires_at": expires_at,
        "refresh_token": refresh_token,
        "user": one_user_json(conn, user),
    }


def sign_in(conn: psycopg.Connection, user: Row) -> dict[str, Any]:
    """issueRefreshToken: a new session with its first refresh token; last_sign_in_at is set."""
    session_id = str(uuid.uuid4())
    conn.execute("insert into auth.sessions (id, user_id) values (%s, %s)", [session_id, user["id"]])
    refresh_token = new_refresh_token()
    conn.execute("insert into auth.refresh_tokens (token, user_id, session_id) values (%s, %s, %s)", [refresh_token, user["id"], session_id])
    user = conn.execute(f"update auth.users set last_sign_in_at = now() where id = %s returning {USER_COLUMNS}", [user["id"]]).fetchone()
    return token_response(conn, user, session_id, refresh_token)


def password_grant(body: dict[str, Any]) -> Response:
    """ResourceOwnerPasswordGrant, step by step: email or phone required; find the user, refuse a
    banned one before looking at the password (so a wrong password still says user_banned), check
    the password, then (when configured) the password verification attempt hook, which may reject
    even a right password; only then wrong passwords and unconfirmed emails are refused. The hook
    runs in a transaction of its own, so what it counts stays counted when the grant fails."""
    config = get_config()
    email, phone = str(body.get("email") or ""), str(body.get("phone") or "")
    if email and phone:
        raise AuthApiError(400, "validation_failed", "Only an email address or phone number should be provided on login.")
    if phone:
        raise AuthApiError(422, "phone_provider_disabled", "Phone logins are disabled")
    if not email:
        raise AuthApiError(400, "validation_failed", "missing email or phone")
    if not config.email_provider_enabled:
        raise AuthApiError(422, "email_provider_disabled", "Email logins are disabled")
    with db.admin() as conn:
        user = find_user_by_email(conn, email)
    if user is None or not user["encrypted_password"]:
        raise AuthApiError(400, "invalid_credentials", INVALID_LOGIN)
    if is_banned(user):
        raise AuthApiError(400, "user_banned", "User is banned")
    valid = password_matches(str(body.get("password") or ""), user["encrypted_password"])
    if config.password_verification_hook:
        hooks.password_verification_attempt(config.password_verification_hook, user["id"], valid)
    if not valid:
        raise AuthApiError(400, "invalid_credentials", INVALID_LOGIN)
    if user["email_confirmed_at"] is None:
        raise AuthApiError(400, "email_not_confirmed", "Email not confirmed")
    with db.admin() as conn:
        return json_response(sign_in(conn, user))


def refresh_grant(body: dict[str, Any]) -> Response:
    """RefreshTokenGrant (v1 refresh tokens). A used (revoked) token is still exchanged when it is
    the parent of the session's active token (the client lost the answer of its last refresh: the
    active token is returned, not a new one) or when it was revoked less than the reuse interval
    ago (a new token is swapped in). Otherwise the answer is 400 refresh_token_already_used and
    every refresh token of the session is revoked, which is committed although the grant fails."""
    presented = str(body.get("refresh_token") or "")
    if not presented:
        raise OAuthError("invalid_request", "refresh_token required")
    with db.admin() as conn:
        outcome = _rotate(conn, presented, get_config().refresh_token_reuse_interval)
    if isinstance(outcome, AuthApiError):
        raise outcome
    return json_response(outcome)


def _rotate(conn: psycopg.Connection, presented: str, reuse_interval: int) -> dict[str, Any] | AuthApiError:
    """The refresh grant's transaction; an error that must still commit is returned, not raised.
    The session row is locked before the token rows, so concurrent refreshes of one session queue."""
    found = conn.execute("select user_id, session_id from auth.refresh_tokens where token = %s", [presented]).fetchone()
    if found is None:
        raise AuthApiError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    user = find_user(conn, found["user_id"])
    if user is None:
        raise AuthApiError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    if is_banned(user):
        raise AuthApiError(400, "user_banned", "Invalid Refresh Token: User Banned")
    session = None
    if found["session_id"] is not None:
        session = conn.execute("select id, not_after from auth.sessions where id = %s for update", [found["session_id"]]).fetchone()
    if session is None:
        conn.execute("delete from auth.refresh_tokens where token = %s", [presented])
        return AuthApiError(400, "session_not_found", "Invalid Refresh Token: No Valid Session Found")
    if session["not_after"] is not None and session["not_after"] <= datetime.now(UTC):
        raise AuthApiError(400, "session_expired", "Invalid Refresh Token: Session Expired")
    session_id = str(session["id"])
    token = conn.execute(
        "select id, revoked, updated_at + make_interval(secs => %s) >= now() as reusable from auth.refresh_tokens where token = %s for update",
        [reuse_interval, presented],
    ).fetchone()
    if token is None:
        raise AuthApiError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    issued = None
    if token["revoked"]:
        active = conn.execute(
            "select token, parent from auth.refresh_tokens where session_id = %s and not revoked order by id desc limit 1", [session_id]
        ).fetchone()
        if active is not None and active["parent"] == presented:
            issued = active["token"]
        elif not token["reusable"]:
            conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = %s and not revoked", [session_id])
            return AuthApiError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
    if issued is None:
        conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() where id = %s", [token["id"]])
        issued = new_refresh_token()
        conn.execute(
            "insert into auth.refresh_tokens (token, user_id, session_id, parent) values (%s, %s, %s, %s)",
            [issued, user["id"], session_id, presented],
        )
    conn.execute("update auth.sessions set updated_at = now() where id = %s", [session_id])
    return token_response(conn, user, session_id, issued)


def logout(request: Request, body: dict[str, Any]) -> Response:
    """POST /logout?scope=global|local|others (after requireAuthentication): the sessions are
    deleted (their refresh tokens go with them), so a product that checks the token's session_id
    sees the logout at once; an unknown scope is 400 validation_failed."""
    caller = require_authentication(request)
    scope = request.query_params.get("scope", "")
    if scope not in LOGOUT_SCOPES:
        raise AuthApiError(400, "validation_failed", f'Unsupported logout scope "{scope}"')
    user_id = str(caller.user["id"])
    with db.admin() as conn:
        if caller.session_id is None:
            conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() where user_id = %s", [user_id])
        elif scope == "local":
            conn.execute("delete from auth.sessions where id = %s", [caller.session_id])
        elif scope == "others":
            conn.execute("delete from auth.sessions where user_id = %s and id <> %s", [user_id, caller.session_id])
        else:
            conn.execute("delete from auth.sessions where user_id = %s", [user_id])
    return Response(status_code=204, headers=API_VERSION_HEADER)
