"""GoTrue's users and identities (internal/models/user.go, identity.go) on auth.users and
auth.identities: creating an email user with its `email` identity, confirming it, merging metadata,
banning, soft deletion, and the user object as GoTrue serializes it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import psycopg

from local.supabase_standin.config import get_config
from local.supabase_standin.errors import AuthApiError

Row = dict[str, Any]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 6  # GoTrue's default; the product enforces its own stronger policy before calling
USER_COLUMNS = (
    "id, aud, role, email, phone, email_confirmed_at, invited_at, phone_confirmed_at, confirmed_at, last_sign_in_at,"
    " raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until, deleted_at, is_anonymous"
)
# Pointer fields GoTrue's User declares `omitempty`: absent from the JSON while null.
OMITTED_WHEN_NULL = ("email_confirmed_at", "invited_at", "phone_confirmed_at", "confirmed_at", "last_sign_in_at", "banned_until", "deleted_at")
DUPLICATE_EMAIL = "A user with this email address has already been registered"
EMAIL_PROVIDER = {"provider": "email", "providers": ["email"]}


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(get_config().bcrypt_rounds)).decode()


def password_matches(password: str, encrypted: str) -> bool:
    """No stored hash can be of more than 72 bytes (hash_password is never reached with one), so a
    longer password is simply wrong, as in GoTrue, instead of bcrypt's ValueError."""
    candidate = password.encode()
    return len(candidate) <= 72 and bcrypt.checkpw(candidate, encrypted.encode())


def check_password(password: Any) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AuthApiError(422, "weak_password", f"Password should be at least {MIN_PASSWORD} characters.", weak_password={"reasons": ["length"]})
    if len(password.encode()) > 72:
        raise AuthApiError(400, "validation_failed", "Password cannot be longer than 72 characters")
    return password


def check_email(email: Any) -> str:
    if not isinstance(email, str) or not EMAIL.match(email.strip()):
        raise AuthApiError(400, "validation_failed", "Unable to validate email address: invalid format")
    return email.strip().lower()


def merged(current: dict[str, Any] | None, updates: dict[str, Any]) -> dict[str, Any]:
    """GoTrue's UpdateUserMetaData/UpdateAppMetaData: keys set, a null value removes its key."""
    result = dict(current or {})
    for key, value in updates.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def is_banned(user: Row) -> bool:
    return user["banned_until"] is not None and user["banned_until"] > datetime.now(UTC)


def find_user(conn: psycopg.Connection, user_id: str) -> Row | None:
    return conn.execute(f"select {USER_COLUMNS} from auth.users where id = %s", [user_id]).fetchone()


def find_user_by_email(conn: psycopg.Connection, email: str) -> Row | None:
    """FindUserByEmailAndAudience, with the password hash for the password grant."""
    return conn.execute(
        f"select {USER_COLUMNS}, encrypted_password from auth.users where lower(email) = %s and aud = 'authenticated' and not is_sso_user",
        [email.lower()],
    ).fetchone()


def email_taken(conn: psycopg.Connection, email: str, other_than: str | None = None) -> bool:
    """IsDuplicatedEmail: an identity or a user with this address, not belonging to `other_than`."""
    return (
        conn.execute(
            "select 1 from auth.identities where email = %(email)s and user_id is distinct from %(me)s::uuid and provider not like 'sso:%%'"
            " union all select 1 from auth.users where lower(email) = %(email)s and id is distinct from %(me)s::uuid and not is_sso_user",
            {"email": email.lower(), "me": other_than},
        ).fetchone()
        is not None
    )


def create_email_user(
    conn: psycopg.Connection,
    email: str,
    password_hash: str,
    user_metadata: dict[str, Any],
    user_id: str | None = None,
    role: str = "authenticated",
) -> Row:
    """A new user (app_metadata `{provider: email, providers: [email]}`), as adminUserCreate and
    Signup insert it; 422 email_exists when the address is taken. The caller adds the identity."""
    if email_taken(conn, email):
        raise AuthApiError(422, "email_exists", DUPLICATE_EMAIL)
    return conn.execute(
        "insert into auth.users (id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data)"
        f" values (%s, 'authenticated', %s, %s, %s, %s, %s) returning {USER_COLUMNS}",
        [user_id or str(uuid.uuid4()), role, email, password_hash, json.dumps(EMAIL_PROVIDER), json.dumps(user_metadata)],
    ).fetchone()


def add_email_identity(
    conn: psycopg.Connection, user_id: str, email: str, verified: bool = False, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """createNewIdentity(user, "email", structs.Map(provider.Claims{Subject, Email, EmailVerified})):
    the claims map always carries email_verified and phone_verified; `extra` keys (sign-up data)
    are added where the claims have none. Returns the identity_data."""
    data: dict[str, Any] = {"sub": user_id, "email": email, "email_verified": verified, "phone_verified": False}
    data.update({key: value for key, value in (extra or {}).items() if key not in data})
    conn.execute(
        "insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at) values (%s, %s, %s, 'email', now())",
        [user_id, user_id, json.dumps(data)],
    )
    return data


def set_user_metadata(conn: psycopg.Connection, user_id: str, updates: dict[str, Any]) -> None:
    current = conn.execute("select raw_user_meta_data from auth.users where id = %s for update", [user_id]).fetchone()
    conn.execute(
        "update auth.users set raw_user_meta_data = %s, updated_at = now() where id = %s",
        [json.dumps(merged(current["raw_user_meta_data"], updates)), user_id],
    )


def set_app_metadata(conn: psycopg.Connection, user_id: str, updates: dict[str, Any]) -> None:
    current = conn.execute("select raw_app_meta_data from auth.users where id = %s for update", [user_id]).fetchone()
    conn.execute(
        "update auth.users set raw_app_meta_data = %s, updated_at = now() where id = %s",
        [json.dumps(merged(current["raw_app_meta_data"], updates)), user_id],
    )


def confirm(conn: psycopg.Connection, user_id: str) -> None:
    """User.Confirm: email_confirmed_at = now, and `email_verified: true` in user_metadata."""
    conn.execute("update auth.users set email_confirmed_at = now(), confirmation_token = '' where id = %s", [user_id])
    set_user_metadata(conn, user_id, {"email_verified": True})


def ban(conn: psycopg.Connection, user_id: str, duration: timedelta) -> None:
    """User.Ban: a zero duration lifts the ban; sessions and refresh tokens are left alone."""
    until = None if duration == timedelta(0) else datetime.now(UTC) + duration
    conn.execute("update auth.users set banned_until = %s, updated_at = now() where id = %s", [until, user_id])


def change_email(conn: psycopg.Connection, user_id: str, email: str, verified: bool) -> None:
    """adminUserUpdate with an email: the email identity follows (created when missing)."""
    updated = conn.execute(
        "update auth.identities set identity_data = identity_data || %s, updated_at = now() where user_id = %s and provider = 'email' returning id",
        [json.dumps({"email": email, "email_verified": verified}), user_id],
    ).fetchone()
    if updated is None:
        add_email_identity(conn, user_id, email, verified)
    conn.execute("update auth.users set email = %s, updated_at = now() where id = %s", [email, user_id])


def obfuscated(user_id: str, value: str) -> str:
    """obfuscateValue: base64url (unpadded) of sha256(user id + value)."""
    return base64.urlsafe_b64encode(hashlib.sha256((user_id + value).encode()).digest()).decode().rstrip("=")


def soft_delete(conn: psycopg.Connection, user: Row) -> None:
    """SoftDeleteUser + SoftDeleteUserIdentities: email and phone replaced by hashes (the phone's cut
    to 15 characters), no password, metadata and identity data emptied, deleted_at set, every
    session logged out; the row stays."""
    user_id = str(user["id"])
    conn.execute(
        "update auth.users set email = %s, phone = %s, encrypted_password = null, confirmation_token = '', recovery_token = '',"
        " raw_user_meta_data = '{}', raw_app_meta_data = '{}', deleted_at = now(), updated_at = now() where id = %s",
        [obfuscated(user_id, user["email"] or ""), obfuscated(user_id, user["phone"] or "")[:15], user_id],
    )
    for identity in conn.execute("select id, provider, provider_id from auth.identities where user_id = %s", [user_id]).fetchall():
        conn.execute(
            "update auth.identities set identity_data = '{}', provider_id = %s, updated_at = now() where id = %s",
            [obfuscated(user_id, f"{identity['provider']}:{identity['provider_id']}"), identity["id"]],
        )
    conn.execute("delete from auth.sessions where user_id = %s", [user_id])


def identities_of(conn: psycopg.Connection, user_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The identities of these users as GoTrue serializes them (id is the provider id,
    identity_id the row id). identity_data stays present even when empty (a soft-deleted
    user's), where GoTrue omits it, because supabase-py requires the field."""
    ids = [str(user_id) for user_id in user_ids]
    found: dict[str, list[dict[str, Any]]] = {user_id: [] for user_id in ids}
    if not ids:
        return found
    rows = conn.execute(
        "select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email"
        " from auth.identities where user_id = any(%s::uuid[]) order by created_at, id",
        [ids],
    ).fetchall()
    for row in rows:
        identity = {
            "identity_id": str(row["id"]),
            "id": row["provider_id"],
            "user_id": str(row["user_id"]),
            "identity_data": row["identity_data"] or {},
            "provider": row["provider"],
            "last_sign_in_at": row["last_sign_in_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "email": row["email"],
        }
        found[str(row["user_id"])].append({key: value for key, value in identity.items() if value not in (None, "")})
    return found


def user_json(row: Row, identities: list[dict[str, Any]]) -> dict[str, Any]:
    """The user object as GoTrue's models.User marshals it (nullable timestamps omitted)."""
    shaped = {
        "id": str(row["id"]),
        "aud": row["aud"] or "",
        "role": row["role"] or "",
        "email": row["email"] or "",
        "email_confirmed_at": row["email_confirmed_at"],
        "invited_at": row["invited_at"],
        "phone": row["phone"] or "",
        "phone_confirmed_at": row["phone_confirmed_at"],
        "confirmed_at": row["confirmed_at"],
        "last_sign_in_at": row["last_sign_in_at"],
        "app_metadata": row["raw_app_meta_data"] or {},
        "user_metadata": row["raw_user_meta_data"] or {},
        "identities": identities,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "banned_until": row["banned_until"],
        "deleted_at": row["deleted_at"],
        "is_anonymous": row["is_anonymous"],
    }
    return {key: value for key, value in shaped.items() if not (key in OMITTED_WHEN_NULL and value is None)}


def users_json(conn: psycopg.Connection, rows: list[Row]) -> list[dict[str, Any]]:
    identities = identities_of(conn, [row["id"] for row in rows])
    return [user_json(row, identities[str(row["id"])]) for row in rows]


def one_user_json(conn: psycopg.Connection, row: Row) -> dict[str, Any]:
    return users_json(conn, [row])[0]
