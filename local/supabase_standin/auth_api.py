"""GoTrue's endpoints as supabase-py calls them (paths under /auth/v1): sign-up, the token grants,
the user's own endpoints, logout, the admin user API, settings, health and the JWKS. The work is
in auth_sessions (grants, requireAuthentication, logout), auth_admin and auth_users."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from local.supabase_standin import auth_admin, auth_sessions, db
from local.supabase_standin.auth_users import (
    USER_COLUMNS,
    add_email_identity,
    check_email,
    check_password,
    confirm,
    create_email_user,
    find_user,
    hash_password,
    one_user_json,
    set_user_metadata,
)
from local.supabase_standin.config import get_config
from local.supabase_standin.errors import AuthApiError
from local.supabase_standin.gotrue_http import endpoint, json_response
from local.supabase_standin.tokens import signing_keys


def signup(request: Request, body: dict[str, Any]) -> Response:
    """Signup with auto-confirmation: the email identity carries the sign-up data, the user's
    metadata becomes that identity data (RemoveUnconfirmedIdentities), then User.Confirm adds
    `email_verified: true`; the answer is a session."""
    config = get_config()
    if not config.enable_signup:
        raise AuthApiError(422, "signup_disabled", "Signups not allowed for this instance")
    if not config.email_provider_enabled:
        raise AuthApiError(422, "email_provider_disabled", "Email signups are disabled")
    if body.get("phone") and not body.get("email"):
        raise AuthApiError(422, "phone_provider_disabled", "Phone signups are disabled")
    if not body.get("email") and not body.get("password"):  # GoTrue's anonymous sign-in shares /signup
        raise AuthApiError(422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled")
    email, password = check_email(body.get("email")), check_password(body.get("password"))
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    with db.admin() as conn:
        try:
            user = create_email_user(conn, email, hash_password(password), data)
        except AuthApiError as exc:
            if exc.code == "email_exists":
                raise AuthApiError(422, "user_already_exists", "User already registered") from exc
            raise
        user_id = str(user["id"])
        identity_data = add_email_identity(conn, user_id, email, extra=data)
        set_user_metadata(conn, user_id, identity_data)
        confirm(conn, user_id)
        return json_response(auth_sessions.sign_in(conn, find_user(conn, user_id)))


def token(request: Request, body: dict[str, Any]) -> Response:
    grant = request.query_params.get("grant_type")
    if grant == "password":
        return auth_sessions.password_grant(body)
    if grant == "refresh_token":
        return auth_sessions.refresh_grant(body)
    raise AuthApiError(400, "invalid_credentials", "unsupported_grant_type")


def get_user(request: Request, body: dict[str, Any]) -> Response:
    caller = auth_sessions.require_authentication(request)
    with db.admin() as conn:
        return json_response(one_user_json(conn, caller.user))


def update_user(request: Request, body: dict[str, Any]) -> Response:
    """UserUpdate for `data` (merged into user_metadata) and `password` (which logs the user out of
    every other session, as User.UpdatePassword does)."""
    caller = auth_sessions.require_authentication(request)
    user_id = str(caller.user["id"])
    password_hash = hash_password(check_password(body["password"])) if body.get("password") else None
    with db.admin() as conn:
        if isinstance(body.get("data"), dict):
            set_user_metadata(conn, user_id, body["data"])
        if password_hash is not None:
            conn.execute("update auth.users set encrypted_password = %s, updated_at = now() where id = %s", [password_hash, user_id])
            conn.execute("delete from auth.sessions where user_id = %s and id is distinct from %s", [user_id, caller.session_id])
        user = conn.execute(f"select {USER_COLUMNS} from auth.users where id = %s", [user_id]).fetchone()
        return json_response(one_user_json(conn, user))


def settings(request: Request, body: dict[str, Any]) -> Response:
    config = get_config()
    return json_response(
        {
            "external": {"email": config.email_provider_enabled},
            "disable_signup": not config.enable_signup,
            "mailer_autoconfirm": True,
            "phone_autoconfirm": False,
        }
    )


def health(request: Request, body: dict[str, Any]) -> Response:
    return json_response({"version": "standin", "name": "GoTrue", "description": "local Supabase Auth stand-in"})


def jwks(request: Request, body: dict[str, Any]) -> Response:
    return JSONResponse({"keys": signing_keys().published()}, headers={"Cache-Control": "public, max-age=600"})


routes = [
    Route("/signup", endpoint(signup), methods=["POST"]),
    Route("/token", endpoint(token), methods=["POST"]),
    Route("/user", endpoint(get_user), methods=["GET"]),
    Route("/user", endpoint(update_user), methods=["PUT"]),
    Route("/logout", endpoint(auth_sessions.logout), methods=["POST"]),
    Route("/admin/users", endpoint(auth_admin.admin_create_user), methods=["POST"]),
    Route("/admin/users", endpoint(auth_admin.admin_list_users), methods=["GET"]),
    Route("/admin/users/{user_id}", endpoint(auth_admin.admin_get_user), methods=["GET"]),
    Route("/admin/users/{user_id}", endpoint(auth_admin.admin_update_user), methods=["PUT"]),
    Route("/admin/users/{user_id}", endpoint(auth_admin.admin_delete_user), methods=["DELETE"]),
    Route("/settings", endpoint(settings), methods=["GET"]),
    Route("/health", endpoint(health), methods=["GET"]),
    Route("/.well-known/jwks.json", endpoint(jwks), methods=["GET"]),
]
