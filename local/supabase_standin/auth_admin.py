"""GoTrue's admin user API (internal/api/admin.go) for callers whose JWT role is an admin role:
create, get, update (email, password, metadata, confirmation, role, ban), delete (hard or soft)
and the paginated, filtered list."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import psycopg
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from local.supabase_standin import db
from local.supabase_standin.auth_users import (
    USER_COLUMNS,
    Row,
    add_email_identity,
    ban,
    change_email,
    check_email,
    check_password,
    confirm,
    create_email_user,
    email_taken,
    find_user,
    hash_password,
    one_user_json,
    set_app_metadata,
    set_user_metadata,
    soft_delete,
    users_json,
)
from local.supabase_standin.durations import DurationError, parse_duration
from local.supabase_standin.errors import AuthApiError
from local.supabase_standin.gotrue_http import json_response
from local.supabase_standin.tokens import InvalidToken, decode

ADMIN_ROLES = frozenset({"service_role", "supabase_admin"})  # GOTRUE_JWT_ADMIN_ROLES' default
BEARER = re.compile(r"^[Bb]earer (\S+)$")
BCRYPT_HASH = re.compile(r"^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$")
DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 1000
LIST_PATH = "/admin/users"  # the path GoTrue sees behind the API gateway, used in its Link header


def require_admin(request: Request) -> None:
    """requireAdminCredentials: a bearer JWT (401 no_authorization), verified (403 bad_jwt), whose
    role is an admin role (403 not_admin)."""
    match = BEARER.match(request.headers.get("authorization", ""))
    if not match:
        raise AuthApiError(401, "no_authorization", "This endpoint requires a Bearer token")
    try:
        claims = decode(match.group(1))
    except InvalidToken as exc:
        raise AuthApiError(403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {exc}") from exc
    if claims.get("role") not in ADMIN_ROLES:
        raise AuthApiError(403, "not_admin", "User not allowed")


def _ban_duration(value: Any) -> timedelta | None:
    """`ban_duration`: empty leaves the ban alone, "none" lifts it, else Go's time.ParseDuration."""
    if value in (None, ""):
        return None
    if value == "none":
        return timedelta(0)
    try:
        return parse_duration(str(value))
    except DurationError as exc:
        raise AuthApiError(400, "validation_failed", f"invalid format for ban duration: {exc}") from exc


def _user_or_404(conn: psycopg.Connection, user_id: str) -> Row:
    """loadUser: 404 validation_failed for a malformed id, 404 user_not_found for an unknown one."""
    try:
        uuid.UUID(user_id)
    except ValueError as exc:
        raise AuthApiError(404, "validation_failed", "user_id must be an UUID") from exc
    user = find_user(conn, user_id)
    if user is None:
        raise AuthApiError(404, "user_not_found", "User not found")
    return user


def _new_user_id(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        parsed = uuid.UUID(str(value))
    except ValueError as exc:
        raise AuthApiError(400, "validation_failed", "ID must conform to the uuid v4 format") from exc
    if parsed.int == 0:
        raise AuthApiError(400, "validation_failed", "ID cannot be a nil uuid")
    return str(parsed)


def _password_hash(body: dict[str, Any]) -> str:
    password, given_hash = body.get("password"), body.get("password_hash")
    if password is not None and given_hash:
        raise AuthApiError(400, "validation_failed", "Only a password or a password hash should be provided")
    if given_hash:
        if not BCRYPT_HASH.match(str(given_hash)):
            raise AuthApiError(500, "unexpected_failure", "Error creating user")
        return str(given_hash)
    return hash_password(check_password(password) if password else secrets.token_urlsafe(48))


def admin_create_user(request: Request, body: dict[str, Any]) -> Response:
    """adminUserCreate: the user and its email identity, role, app_metadata merged over the email
    provider's, confirmation (which writes `email_verified: true` into user_metadata), ban."""
    require_admin(request)
    if not body.get("email"):
        if body.get("phone"):
            raise AuthApiError(400, "validation_failed", "Phone users are not implemented by the local stand-in")
        raise AuthApiError(400, "validation_failed", "Cannot create a user without either an email or phone")
    email = check_email(body["email"])
    user_id = _new_user_id(body.get("id"))
    banned_for = _ban_duration(body.get("ban_duration"))
    password_hash = _password_hash(body)
    metadata = body.get("user_metadata") if isinstance(body.get("user_metadata"), dict) else {}
    with db.admin() as conn:
        user = create_email_user(conn, email, password_hash, metadata, user_id, role=str(body.get("role") or "authenticated"))
        user_id = str(user["id"])
        add_email_identity(conn, user_id, email)
        if isinstance(body.get("app_metadata"), dict):
            set_app_metadata(conn, user_id, body["app_metadata"])
        if body.get("email_confirm") is True:
            confirm(conn, user_id)
        if banned_for is not None:
            ban(conn, user_id, banned_for)
        return json_response(one_user_json(conn, find_user(conn, user_id)))


def admin_get_user(request: Request, body: dict[str, Any]) -> Response:
    require_admin(request)
    with db.admin() as conn:
        return json_response(one_user_json(conn, _user_or_404(conn, request.path_params["user_id"])))


def admin_update_user(request: Request, body: dict[str, Any]) -> Response:
    """adminUserUpdate: a password change logs the user out of every session (User.UpdatePassword);
    a ban leaves the sessions alone, so they work again once the ban is lifted. GoTrue does not
    check that a new email is free here (unlike PUT /user): the unique index refuses it and the
    answer is 500 unexpected_failure "Error updating user" (supabase/auth#2014 proposes 422
    email_exists and is not merged); nothing is changed."""
    require_admin(request)
    email = check_email(body["email"]) if body.get("email") else None
    banned_for = _ban_duration(body.get("ban_duration"))
    password = body.get("password")
    password_hash = hash_password(check_password(password)) if password is not None else None
    with db.admin() as conn:
        user_id = str(_user_or_404(conn, request.path_params["user_id"])["id"])
        if email is not None and email_taken(conn, email, other_than=user_id):
            raise AuthApiError(500, "unexpected_failure", "Error updating user")
        if body.get("role"):
            conn.execute("update auth.users set role = %s where id = %s", [str(body["role"]).strip(), user_id])
        if body.get("email_confirm") is True:
            confirm(conn, user_id)
        if password_hash is not None:
            conn.execute("update auth.users set encrypted_password = %s where id = %s", [password_hash, user_id])
            conn.execute("delete from auth.sessions where user_id = %s", [user_id])
        if email is not None:
            change_email(conn, user_id, email, verified=body.get("email_confirm") is True)
        if isinstance(body.get("app_metadata"), dict):
            set_app_metadata(conn, user_id, body["app_metadata"])
        if isinstance(body.get("user_metadata"), dict):
            set_user_metadata(conn, user_id, body["user_metadata"])
        if banned_for is not None:
            ban(conn, user_id, banned_for)
        user = conn.execute(f"update auth.users set updated_at = now() where id = %s returning {USER_COLUMNS}", [user_id]).fetchone()
        return json_response(one_user_json(conn, user))


def admin_delete_user(request: Request, body: dict[str, Any]) -> Response:
    """adminUserDelete: a hard delete by default; `should_soft_delete: true` keeps the row with
    deleted_at set and the email, phone, password and metadata wiped (the user can no longer sign
    in, their sessions are gone); soft deleting twice changes nothing."""
    require_admin(request)
    soft = body.get("should_soft_delete", False)
    if not isinstance(soft, bool):
        raise AuthApiError(400, "bad_json", "Could not parse request body as JSON: should_soft_delete must be a boolean")
    with db.admin() as conn:
        user = _user_or_404(conn, request.path_params["user_id"])
        if not soft:
            conn.execute("delete from auth.users where id = %s", [user["id"]])
        elif user["deleted_at"] is None:
            soft_delete(conn, user)
    return json_response({})


def _page_number(params: QueryParams, name: str, default: int, maximum: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit():
        raise AuthApiError(400, "validation_failed", f'Bad Pagination Parameters: strconv.ParseUint: parsing "{raw}": invalid syntax')
    value = int(raw)
    if value == 0:
        raise AuthApiError(400, "validation_failed", f"Bad Pagination Parameters: {name} must be greater than 0")
    if value > maximum:
        raise AuthApiError(400, "validation_failed", f"Bad Pagination Parameters: {name} must not exceed {maximum}")
    return value


def _sort_direction(params: QueryParams) -> str:
    """GoTrue's sort parameter for users: `created_at` with an optional asc/desc (desc default)."""
    direction = "desc"
    for value in params.getlist("sort"):
        field, _, wanted = value.partition(" ")
        if field != "created_at":
            raise AuthApiError(400, "validation_failed", f"Bad Sort Parameters: bad field for sort '{field}'")
        if wanted and wanted.upper() not in {"ASC", "DESC"}:
            raise AuthApiError(400, "validation_failed", f"Bad Sort Parameters: bad direction for sort '{wanted}', only 'asc' and 'desc' allowed")
        direction = wanted.lower() or "desc"
    return direction


def _page_link(params: QueryParams, page: int) -> str:
    """The request's URL with another page, as Go's url.Values.Encode writes it (keys sorted)."""
    items = [(key, value) for key, value in params.multi_items() if key != "page"] + [("page", str(page))]
    return f"{LIST_PATH}?{urlencode(sorted(items, key=lambda item: item[0]))}"


def admin_list_users(request: Request, body: dict[str, Any]) -> Response:
    """adminUsers: newest first (sort=created_at asc|desc), `filter` matching the email (LIKE) or
    user_metadata.full_name (ILIKE), `page`/`per_page` (50 by default, at most 1000), and the
    pagination headers: `Link` with rel="next" (when there is a next page) and rel="last", and
    `X-Total-Count`."""
    require_admin(request)
    params = request.query_params
    page = _page_number(params, "page", 1, 2**31 - 1)
    per_page = _page_number(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    direction = _sort_direction(params)
    where, values = "aud = 'authenticated'", {"limit": per_page, "offset": (page - 1) * per_page}
    if params.get("filter"):
        where += " and (email like %(pattern)s or raw_user_meta_data ->> 'full_name' ilike %(pattern)s)"
        values["pattern"] = f"%{params['filter']}%"
    with db.admin() as conn:
        total = conn.execute(f"select count(*) as n from auth.users where {where}", values).fetchone()["n"]
        rows = conn.execute(
            f"select {USER_COLUMNS} from auth.users where {where} order by created_at {direction}, id {direction} limit %(limit)s offset %(offset)s",
            values,
        ).fetchall()
        users = users_json(conn, rows)
    last_page = max(-(-total // per_page), 1)
    links = ([f'<{_page_link(params, page + 1)}>; rel="next"'] if last_page > page else []) + [f'<{_page_link(params, last_page)}>; rel="last"']
    return json_response({"users": users, "aud": "authenticated"}, headers={"Link": ", ".join(links), "X-Total-Count": str(total)})
