"""Accounts: candidate registration, login with lockout, refresh, logout, and the admin's
management of recruiter accounts. Supabase Auth owns passwords; the role lives in app_metadata,
which only this server (through the admin API) ever sets. The Auth client library (supabase_auth,
with httpx and PyJWT) is imported by the operations that call Auth, not by the function's import."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from shared import lockout, rate_limit
from shared.auth import Caller
from shared.db import service_transaction, user_transaction
from shared.errors import (
    AccountDisabled,
    EmailTaken,
    Forbidden,
    InvalidCredentials,
    InvalidRefreshToken,
    NotFound,
    OwnAccountChange,
    ServiceUnavailable,
    ValidationFailed,
)
from shared.logs import logger
from shared.models.accounts import AuthResult, Credentials, NewRecruiter, RecruiterChange, RefreshRequest, Registration, Session, User
from shared.repositories import accounts as rows
from shared.roles import CANDIDATE, STAFF
from shared.settings import get_settings
from shared.supabase_clients import anon_auth_client, service_client

if TYPE_CHECKING:
    from supabase_auth.types import AdminUserAttributes

BAN_FOREVER = "876000h"
# GoTrue's refusals of a refresh token (internal/tokens/service.go): unknown, used beyond the reuse
# interval (the session's tokens are then revoked), or its session ended or expired.
REFRESH_REFUSALS = frozenset({"refresh_token_not_found", "refresh_token_already_used", "session_not_found", "session_expired"})
# GoTrue's requireAuthentication on POST /logout when the session or the account is already gone.
ALREADY_SIGNED_OUT = frozenset({"session_not_found", "user_not_found"})


def _user_out(user: Any) -> User:
    return User(
        id=str(user.id),
        email=user.email or "",
        role=(user.app_metadata or {}).get("role", CANDIDATE),
        full_name=(user.user_metadata or {}).get("full_name"),
    )


def _session_out(session: Any) -> Session:
    return Session(
        access_token=session.access_token,
        refresh_token=session.refresh_token,
        expires_at=session.expires_at,
        token_type=session.token_type,
    )


def register(registration: Registration, source_ip: str) -> AuthResult:
    """Create a candidate account and sign it in. The role is assigned here, server-side."""
    from supabase_auth.errors import AuthApiError

    settings = get_settings()
    rate_limit.hit("register", source_ip, limit=settings.register_limit_per_hour, window_seconds=3600)
    try:
        service_client().auth.admin.create_user(
            {
                "email": registration.email,
                "password": registration.password,
                "email_confirm": True,
                "user_metadata": {"full_name": registration.full_name, "phone": registration.phone},
                "app_metadata": {"role": "candidate"},
            }
        )
    except AuthApiError as exc:
        if exc.code in {"email_exists", "user_already_exists"}:
            raise EmailTaken() from exc
        if exc.code in {"weak_password", "validation_failed"}:
            raise ValidationFailed("The password does not meet the policy.") from exc
        raise ServiceUnavailable("The account service is unavailable.") from exc
    logger.info("candidate registered")
    return _sign_in(registration.email, registration.password)


def login(credentials: Credentials) -> AuthResult:
    """Password login. The lockout is enforced by Supabase Auth's password verification hook on
    every login path (shared/lockout.py): a locked account is AccountLocked even with the right
    password; failures of emails without an account are counted here, as the hook never sees them."""
    try:
        result = _sign_in(credentials.email, credentials.password)
    except InvalidCredentials:
        lockout.count_unknown_email_failure(credentials.email)
        raise
    _record_login(result.user)
    return result


def _sign_in(email: str, password: str) -> AuthResult:
    from supabase_auth.errors import AuthApiError, AuthError

    try:
        response = anon_auth_client().sign_in_with_password({"email": email, "password": password})
    except AuthApiError as exc:
        if lockout.is_lock_rejection(exc.code, exc.message):
            raise lockout.account_locked(email) from exc
        if exc.code == "user_banned":
            raise AccountDisabled() from exc
        if exc.code in {"invalid_credentials", "email_not_confirmed", "invalid_grant", "validation_failed"}:
            raise InvalidCredentials() from exc
        raise ServiceUnavailable("The account service is unavailable.") from exc
    except AuthError as exc:
        raise ServiceUnavailable("The account service is unavailable.") from exc
    return AuthResult(user=_user_out(response.user), session=_session_out(response.session))


def _record_login(user: User) -> None:
    if user.role in STAFF:
        with service_transaction() as conn:
            rows.record_staff_login(conn, user.id)


def refresh(request: RefreshRequest) -> Session:
    """Exchange a refresh token for a new session. Supabase Auth rotates it, and tolerates a lost
    answer: the token just rotated, presented again, gets the session's active token back, and any
    used token still works for 10 s after its rotation (the reuse interval). A token used later is
    InvalidRefreshToken (Supabase then revokes all the session's refresh tokens); a banned
    (deactivated) account is AccountDisabled."""
    from supabase_auth.errors import AuthApiError, AuthError

    try:
        response = anon_auth_client().refresh_session(request.refresh_token)
    except AuthApiError as exc:
        if exc.code == "user_banned":
            raise AccountDisabled() from exc
        if exc.code in REFRESH_REFUSALS or exc.status == 400:
            raise InvalidRefreshToken() from exc
        raise ServiceUnavailable("The account service is unavailable.") from exc
    except AuthError as exc:
        raise ServiceUnavailable("The account service is unavailable.") from exc
    if response.session is None:
        raise InvalidRefreshToken()
    return _session_out(response.session)


def logout(access_token: str) -> None:
    """End every session of the caller (Supabase Auth deletes them, their refresh tokens with them).
    A session or account Auth no longer has counts as signed out, as in supabase-py's own sign_out;
    Auth refuses a banned account's token, so its sessions stay and the answer is AccountDisabled."""
    from supabase_auth.errors import AuthApiError, AuthError

    try:
        service_client().auth.admin.sign_out(access_token, scope="global")
    except AuthApiError as exc:
        if exc.code == "user_banned":
            raise AccountDisabled() from exc
        if exc.code in ALREADY_SIGNED_OUT or exc.status in {401, 404}:
            logger.info("sign-out of a session that had already ended")
            return
        raise ServiceUnavailable("The account service is unavailable.") from exc
    except AuthError as exc:
        raise ServiceUnavailable("The account service is unavailable.") from exc


def me(caller: Caller) -> User:
    """The caller's profile, read under RLS."""
    with user_transaction(caller.claims) as conn:
        found = rows.profile(conn, caller.user_id, staff=caller.is_staff)
    if found is None:
        raise NotFound("The account profile was not found.")
    return User.model_validate({"id": found.id, "email": found.email, "role": caller.role, "full_name": found.full_name})


def _admin_scope(caller: Caller, target_id: str | None) -> rows.AdminScope:
    with user_transaction(caller.claims) as conn:
        scope = rows.admin_scope(conn, caller.user_id, target_id)
    if scope is None:
        raise Forbidden("Only admins can do this.")
    return scope


def create_recruiter(new: NewRecruiter, caller: Caller) -> User:
    """An admin creates a recruiter, admin or viewer account in the admin's own organization."""
    from supabase_auth.errors import AuthApiError

    organization_id = _admin_scope(caller, None).organization_id
    password = new.password or _generated_password()
    try:
        response = service_client().auth.admin.create_user(
            {
                "email": new.email,
                "password": password,
                "email_confirm": True,
                "user_metadata": {"full_name": new.full_name},
                "app_metadata": {"role": new.role, "organization_id": organization_id},
            }
        )
    except AuthApiError as exc:
        if exc.code in {"email_exists", "user_already_exists"}:
            raise EmailTaken() from exc
        raise ServiceUnavailable("The account service is unavailable.") from exc
    logger.info("recruiter account created", extra={"role": new.role})
    return _user_out(response.user)


def change_recruiter(recruiter_id: str, change: RecruiterChange, caller: Caller) -> User:
    """Change the role of a recruiter of the admin's organization or (de)activate the account (others'
    are NotFound; an admin's own account is OwnAccountChange). A deactivated account is banned in
    Auth, so its logins are AccountDisabled. A ban leaves Auth's sessions in place (refreshes are
    refused while it lasts, but the sessions would work again once it is lifted), so a role change
    or deactivation ends every session of the account itself: a trigger on recruiters deletes them
    with their refresh tokens (migration 20261126000500), which also stops the old access tokens
    at the database session check."""
    from supabase_auth.errors import AuthError

    if _admin_scope(caller, recruiter_id).target_id is None:
        raise NotFound("The recruiter was not found.")
    if recruiter_id == caller.user_id and (change.role is not None or change.is_active is not None):
        raise OwnAccountChange()
    attributes: AdminUserAttributes = {}
    if change.role is not None:
        attributes["app_metadata"] = {"role": change.role}
    if change.is_active is not None:
        attributes["ban_duration"] = "none" if change.is_active else BAN_FOREVER
    if not attributes:
        raise ValidationFailed("Nothing to change: send role and/or is_active.")
    try:
        response = service_client().auth.admin.update_user_by_id(recruiter_id, attributes)
    except AuthError as exc:
        raise ServiceUnavailable("The account service is unavailable.") from exc
    with service_transaction() as conn:
        rows.change_access(conn, recruiter_id, change.role, change.is_active)
    return _user_out(response.user)


def _generated_password() -> str:
    return secrets.token_urlsafe(18) + "A1!"
