"""GoTrue's endpoints as supabase-py calls them (paths under /auth/v1)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from local.supabase_standin import db, hooks
from local.supabase_standin.config import get_config
from local.supabase_standin.errors import API_VERSION_HEADER, AuthApiError
from local.supabase_standin.tokens import InvalidToken, Principal, decode, mint_access_token, new_refresh_token, principal_from, signing_keys

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 6  # GoTrue's default; the product enforces its own stronger policy before calling
USER_COLUMNS = (
    "id, aud, role, email, phone, email_confirmed_at, confirmed_at, last_sign_in_at, raw_app_meta_data,"
    " raw_user_meta_data, created_at, updated_at, banned_until, is_anonymous"
)


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(json.loads(json.dumps(data, default=_iso)), status_code=status, headers=API_VERSION_HEADER)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


async def read_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise AuthApiError(400, "bad_json", "Could not parse request body as JSON") from exc
    if not isinstance(data, dict):
        raise AuthApiError(400, "bad_json", "Request body must be a JSON object")
    return data


def user_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "aud": row["aud"] or "authenticated",
        "role": row["role"] or "authenticated",
        "email": row["email"],
        "phone": row["phone"] or "",
        "email_confirmed_at": row["email_confirmed_at"],
        "confirmed_at": row["confirmed_at"],
        "last_sign_in_at": row["last_sign_in_at"],
        "app_metadata": row["raw_app_meta_data"] or {},
        "user_metadata": row["raw_user_meta_data"] or {},
        "identities": [],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "banned_until": row["banned_until"],
        "is_anonymous": row["is_anonymous"],
    }


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(get_config().bcrypt_rounds)).decode()


def _check_password(password: Any) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AuthApiError(422, "weak_password", f"Password should be at least {MIN_PASSWORD} characters.", weak_password={"reasons": ["length"]})
    if len(password.encode()) > 72:
        raise AuthApiError(400, "validation_failed", "Password cannot be longer than 72 characters")
    return password


def _check_email(email: Any) -> str:
    if not isinstance(email, str) or not EMAIL.match(email.strip()):
        raise AuthApiError(400, "validation_failed", "Unable to validate email address: invalid format")
    return email.strip().lower()


def _is_banned(row: dict[str, Any]) -> bool:
    return row["banned_until"] is not None and row["banned_until"] > datetime.now(UTC)


def _ban_until(duration: Any) -> datetime | None:
    if duration in (None, "", "none"):
        return None
    match = re.fullmatch(r"(\d+)(h|m|s)", str(duration))
    if not match:
        raise AuthApiError(400, "validation_failed", "invalid format for ban duration")
    seconds = int(match.group(1)) * {"h": 3600, "m": 60, "s": 1}[match.group(2)]
    return datetime.now(UTC) + timedelta(seconds=seconds)


def _require_service(request: Request) -> None:
    try:
        principal = principal_from(request)
    except InvalidToken as exc:
        raise AuthApiError(401, "no_authorization", "This endpoint requires a valid Bearer token") from exc
    if principal.role != "service_role":
        raise AuthApiError(403, "not_admin", "User not allowed")


def _require_user(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise AuthApiError(401, "no_authorization", "This endpoint requires a valid Bearer token")
    try:
        claims = decode(header[7:].strip())
    except InvalidToken as exc:
        raise AuthApiError(403, "bad_jwt", "invalid JWT: unable to parse or verify signature") from exc
    if claims.get("role") != "authenticated" or not claims.get("sub"):
        raise AuthApiError(403, "bad_jwt", "invalid claim: missing sub claim")
    return Principal(role="authenticated", claims=claims)


def _create_user(conn, email: str, password: str, user_metadata: dict, app_metadata: dict, confirmed: bool) -> dict[str, Any]:
    if conn.execute("select 1 from auth.users where lower(email) = %s", [email]).fetchone():
        raise AuthApiError(422, "email_exists", "A user with this email address has already been registered")
    return conn.execute(
        f"insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)"
        f" values (%s, 'authenticated', 'authenticated', %s, %s, case when %s then now() end, %s, %s) returning {USER_COLUMNS}",
        [str(uuid.uuid4()), email, _hash(password), confirmed, json.dumps(app_metadata), json.dumps(user_metadata)],
    ).fetchone()


def _issue_session(conn, user: dict[str, Any], session_id: str | None = None, parent: str | None = None) -> dict[str, Any]:
    if session_id is None:
        session_id = str(uuid.uuid4())
        conn.execute("insert into auth.sessions (id, user_id) values (%s, %s)", [session_id, user["id"]])
    refresh = new_refresh_token()
    conn.execute(
        "insert into auth.refresh_tokens (token, user_id, session_id, parent) values (%s, %s, %s, %s)",
        [refresh, user["id"], session_id, parent],
    )
    user = conn.execute(f"update auth.users set last_sign_in_at = now() where id = %s returning {USER_COLUMNS}", [user["id"]]).fetchone()
    access, expires_at = mint_access_token(user, session_id)
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": get_config().access_token_ttl,
        "expires_at": expires_at,
        "refresh_token": refresh,
        "user": user_json(user),
    }


def signup(request: Request, body: dict[str, Any]) -> Response:
    config = get_config()
    if not config.enable_signup:
        raise AuthApiError(422, "signup_disabled", "Signups not allowed for this instance")
    if not config.email_provider_enabled:
        raise AuthApiError(422, "email_provider_disabled", "Email signups are disabled")
    email, password = _check_email(body.get("email")), _check_password(body.get("password"))
    metadata = body.get("data") if isinstance(body.get("data"), dict) else {}
    with db.admin() as conn:
        try:
            user = _create_user(conn, email, password, metadata, {"provider": "email", "providers": ["email"]}, confirmed=True)
        except AuthApiError as exc:
            if exc.code == "email_exists":
                raise AuthApiError(422, "user_already_exists", "User already registered") from exc
            raise
        return _json(_issue_session(conn, user))


def password_grant(body: dict[str, Any]) -> Response:
    """GoTrue's ResourceOwnerPasswordGrant, step by step: find the user, refuse a banned one, check
    the password, then (when configured) the password verification attempt hook, which may reject
    even a right password; only then wrong passwords and unconfirmed emails are refused. The hook
    runs in a transaction of its own, so what it counts stays counted when the grant fails."""
    config = get_config()
    if not config.email_provider_enabled:
        raise AuthApiError(422, "email_provider_disabled", "Email logins are disabled")
    email = str(body.get("email") or "").strip().lower()
    with db.admin() as conn:
        row = conn.execute(f"select {USER_COLUMNS}, encrypted_password from auth.users where lower(email) = %s", [email]).fetchone()
    if row is None or not row["encrypted_password"]:
        raise AuthApiError(400, "invalid_credentials", "Invalid login credentials")
    if _is_banned(row):
        raise AuthApiError(400, "user_banned", "User is banned")
    valid = bcrypt.checkpw(str(body.get("password") or "").encode(), row["encrypted_password"].encode())
    if config.password_verification_hook:
        hooks.password_verification_attempt(config.password_verification_hook, row["id"], valid)
    if not valid:
        raise AuthApiError(400, "invalid_credentials", "Invalid login credentials")
    if row["email_confirmed_at"] is None:
        raise AuthApiError(400, "email_not_confirmed", "Email not confirmed")
    with db.admin() as conn:
        return _json(_issue_session(conn, row))


def token(request: Request, body: dict[str, Any]) -> Response:
    grant = request.query_params.get("grant_type")
    if grant == "password":
        return password_grant(body)
    with db.admin() as conn:
        if grant == "refresh_token":
            presented = str(body.get("refresh_token") or "")
            found = conn.execute(
                "select t.id, t.user_id, t.session_id, t.revoked from auth.refresh_tokens t where t.token = %s for update", [presented]
            ).fetchone()
            if found is None or found["revoked"]:
                raise AuthApiError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
            user = conn.execute(f"select {USER_COLUMNS} from auth.users where id = %s", [found["user_id"]]).fetchone()
            if user is None:
                raise AuthApiError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
            if _is_banned(user):
                raise AuthApiError(400, "user_banned", "User is banned")
            conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() where id = %s", [found["id"]])
            return _json(_issue_session(conn, user, session_id=str(found["session_id"]), parent=presented))
    raise AuthApiError(400, "validation_failed", "unsupported_grant_type")


def get_user(request: Request, body: dict[str, Any]) -> Response:
    principal = _require_user(request)
    with db.admin() as conn:
        row = conn.execute(f"select {USER_COLUMNS} from auth.users where id = %s", [principal.user_id]).fetchone()
    if row is None:
        raise AuthApiError(403, "user_not_found", "User from sub claim in JWT does not exist")
    return _json(user_json(row))


def update_user(request: Request, body: dict[str, Any]) -> Response:
    principal = _require_user(request)
    with db.admin() as conn:
        if isinstance(body.get("data"), dict):
            conn.execute(
                "update auth.users set raw_user_meta_data = raw_user_meta_data || %s, updated_at = now() where id = %s",
                [json.dumps(body["data"]), principal.user_id],
            )
        if body.get("password"):
            conn.execute(
                "update auth.users set encrypted_password = %s, updated_at = now() where id = %s",
                [_hash(_check_password(body["password"])), principal.user_id],
            )
        row = conn.execute(f"select {USER_COLUMNS} from auth.users where id = %s", [principal.user_id]).fetchone()
    return _json(user_json(row))


def logout(request: Request, body: dict[str, Any]) -> Response:
    principal = _require_user(request)
    scope = request.query_params.get("scope", "global")
    # As GoTrue: logging out deletes the sessions (their refresh tokens go with them), so a
    # product that checks the token's session_id sees the logout at once.
    with db.admin() as conn:
        if scope == "local":
            conn.execute("delete from auth.sessions where id = %s and user_id = %s", [principal.claims.get("session_id"), principal.user_id])
        elif scope == "others":
            conn.execute(
                "delete from auth.sessions where user_id = %s and id is distinct from %s",
                [principal.user_id, principal.claims.get("session_id")],
            )
        else:
            conn.execute("delete from auth.sessions where user_id = %s", [principal.user_id])
    return Response(status_code=204, headers=API_VERSION_HEADER)


def admin_create_user(request: Request, body: dict[str, Any]) -> Response:
    _require_service(request)
    email = _check_email(body.get("email"))
    password = _check_password(body.get("password") or uuid.uuid4().hex)
    app_metadata = {"provider": "email", "providers": ["email"], **(body.get("app_metadata") or {})}
    with db.admin() as conn:
        user = _create_user(conn, email, password, body.get("user_metadata") or {}, app_metadata, bool(body.get("email_confirm")))
        if body.get("ban_duration"):
            user = conn.execute(
                f"update auth.users set banned_until = %s where id = %s returning {USER_COLUMNS}", [_ban_until(body["ban_duration"]), user["id"]]
            ).fetchone()
    return _json(user_json(user))


def _user_or_404(conn, user_id: str) -> dict[str, Any]:
    try:
        uuid.UUID(user_id)
    except ValueError as exc:
        raise AuthApiError(404, "user_not_found", "User not found") from exc
    row = conn.execute(f"select {USER_COLUMNS} from auth.users where id = %s", [user_id]).fetchone()
    if row is None:
        raise AuthApiError(404, "user_not_found", "User not found")
    return row


def admin_get_user(request: Request, body: dict[str, Any]) -> Response:
    _require_service(request)
    with db.admin() as conn:
        return _json(user_json(_user_or_404(conn, request.path_params["user_id"])))


def admin_update_user(request: Request, body: dict[str, Any]) -> Response:
    _require_service(request)
    user_id = request.path_params["user_id"]
    with db.admin() as conn:
        _user_or_404(conn, user_id)
        if "email" in body:
            conn.execute("update auth.users set email = %s where id = %s", [_check_email(body["email"]), user_id])
        if body.get("password"):
            conn.execute("update auth.users set encrypted_password = %s where id = %s", [_hash(_check_password(body["password"])), user_id])
        if isinstance(body.get("app_metadata"), dict):
            conn.execute(
                "update auth.users set raw_app_meta_data = raw_app_meta_data || %s where id = %s", [json.dumps(body["app_metadata"]), user_id]
            )
        if isinstance(body.get("user_metadata"), dict):
            conn.execute(
                "update auth.users set raw_user_meta_data = raw_user_meta_data || %s where id = %s", [json.dumps(body["user_metadata"]), user_id]
            )
        if body.get("email_confirm"):
            conn.execute("update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = %s", [user_id])
        if "ban_duration" in body:
            banned_until = _ban_until(body["ban_duration"])
            conn.execute("update auth.users set banned_until = %s where id = %s", [banned_until, user_id])
            if banned_until is not None:
                conn.execute("update auth.refresh_tokens set revoked = true where user_id = %s", [user_id])
        row = conn.execute(f"update auth.users set updated_at = now() where id = %s returning {USER_COLUMNS}", [user_id]).fetchone()
    return _json(user_json(row))


def admin_delete_user(request: Request, body: dict[str, Any]) -> Response:
    _require_service(request)
    with db.admin() as conn:
        _user_or_404(conn, request.path_params["user_id"])
        conn.execute("delete from auth.users where id = %s", [request.path_params["user_id"]])
    return _json({})


def admin_list_users(request: Request, body: dict[str, Any]) -> Response:
    _require_service(request)
    page = max(1, int(request.query_params.get("page") or 1))
    per_page = min(1000, max(1, int(request.query_params.get("per_page") or 50)))
    with db.admin() as conn:
        rows = conn.execute(
            f"select {USER_COLUMNS} from auth.users order by created_at, id limit %s offset %s", [per_page, (page - 1) * per_page]
        ).fetchall()
        total = conn.execute("select count(*) as n from auth.users").fetchone()["n"]
    return JSONResponse(
        json.loads(json.dumps({"users": [user_json(r) for r in rows], "aud": "authenticated"}, default=_iso)),
        headers={**API_VERSION_HEADER, "X-Total-Count": str(total)},
    )


def settings(request: Request, body: dict[str, Any]) -> Response:
    config = get_config()
    return _json(
        {
            "external": {"email": config.email_provider_enabled},
            "disable_signup": not config.enable_signup,
            "mailer_autoconfirm": True,
            "phone_autoconfirm": False,
        }
    )


def health(request: Request, body: dict[str, Any]) -> Response:
    return _json({"version": "standin", "name": "GoTrue", "description": "local Supabase Auth stand-in"})


def jwks(request: Request, body: dict[str, Any]) -> Response:
    return JSONResponse({"keys": signing_keys().published()}, headers={"Cache-Control": "public, max-age=600"})


def endpoint(func: Callable[[Request, dict[str, Any]], Response]) -> Callable[[Request], Awaitable[Response]]:
    """Read the JSON body on the event loop, then run the blocking work (bcrypt, SQL) in a thread."""

    async def run(request: Request) -> Response:
        body = await read_json(request) if request.method in {"POST", "PUT", "PATCH", "DELETE"} else {}
        return await run_in_threadpool(func, request, body)

    return run


routes = [
    Route("/signup", endpoint(signup), methods=["POST"]),
    Route("/token", endpoint(token), methods=["POST"]),
    Route("/user", endpoint(get_user), methods=["GET"]),
    Route("/user", endpoint(update_user), methods=["PUT"]),
    Route("/logout", endpoint(logout), methods=["POST"]),
    Route("/admin/users", endpoint(admin_create_user), methods=["POST"]),
    Route("/admin/users", endpoint(admin_list_users), methods=["GET"]),
    Route("/admin/users/{user_id}", endpoint(admin_get_user), methods=["GET"]),
    Route("/admin/users/{user_id}", endpoint(admin_update_user), methods=["PUT"]),
    Route("/admin/users/{user_id}", endpoint(admin_delete_user), methods=["DELETE"]),
    Route("/settings", endpoint(settings), methods=["GET"]),
    Route("/health", endpoint(health), methods=["GET"]),
    Route("/.well-known/jwks.json", endpoint(jwks), methods=["GET"]),
]
