"""Conformance of the local Auth stand-in with Supabase Auth (GoTrue): each test states a behaviour
of GoTrue, names the source it comes from (github.com/supabase/auth), and checks it through the
unmodified supabase client, with httpx only where the client has no method for the request.
Not implemented on purpose, so not tested: docs/standin.md."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from supabase_auth.errors import AuthApiError

from local.paths import REPO_ROOT
from supabase import ClientOptions, create_client
from tests.e2e.conftest import free_port, wait_for

PASSWORD = "Str0ng!Pass"
OPTIONS = ClientOptions(auto_refresh_token=False, persist_session=False)


def email(tag: str = "conform") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


@contextmanager
def standin(stack_env: dict[str, str], **overrides: str) -> Iterator[str]:
    """Another stand-in on the same database, with some settings changed."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **stack_env, "SUPABASE_URL": url, **overrides}
    process = subprocess.Popen([sys.executable, "-m", "local", "standin", "--port", str(port)], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for(url + "/auth/v1/health")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def short_reuse_url(stack_env) -> Iterator[str]:
    """A stand-in whose refresh token reuse interval is 1 s (GoTrue's is 10 s on hosted projects)."""
    with standin(stack_env, STANDIN_REFRESH_TOKEN_REUSE_INTERVAL="1") as url:
        yield url


@pytest.fixture(scope="module")
def open_signup_url(stack_env, tmp_path_factory) -> Iterator[str]:
    """A stand-in whose config.toml allows sign-up (this project's does not)."""
    toml = tmp_path_factory.mktemp("supabase") / "config.toml"
    toml.write_text((REPO_ROOT / "supabase" / "config.toml").read_text().replace("enable_signup = false", "enable_signup = true"))
    with standin(stack_env, STANDIN_SUPABASE_CONFIG=str(toml)) as url:
        yield url


@pytest.fixture
def anon(stack_env, supabase_url):
    def client(url: str = supabase_url):
        return create_client(url, stack_env["SUPABASE_ANON_KEY"], options=OPTIONS)

    return client


@pytest.fixture
def admin(stack_env, supabase_url):
    return create_client(supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=OPTIONS).auth.admin


@pytest.fixture
def account(admin):
    """A confirmed email account created through the admin API; returns (user, address)."""

    def make(**user_metadata: str):
        address = email()
        created = admin.create_user({"email": address, "password": PASSWORD, "email_confirm": True, "user_metadata": user_metadata}).user
        return created, address

    return make


def sign_in(client, address: str):
    return client.auth.sign_in_with_password({"email": address, "password": PASSWORD}).session


def api_error(call) -> AuthApiError:
    with pytest.raises(AuthApiError) as raised:
        call()
    return raised.value


def auth_url(base: str, path: str) -> str:
    return f"{base}/auth/v1{path}"


# Refresh-token rotation (internal/tokens/service.go RefreshTokenGrant)


def test_reusing_the_just_rotated_token_returns_the_active_token(anon, account):
    """service.go: "Token was revoked, but it's the parent of the currently active one" - the client
    lost the answer of its refresh; GoTrue returns the active refresh token instead of a new one."""
    _, address = account()
    first = sign_in(anon(), address)
    second = anon().auth.refresh_session(first.refresh_token).session
    again = anon().auth.refresh_session(first.refresh_token).session
    assert again.refresh_token == second.refresh_token
    assert (
        jwt.decode(again.access_token, options={"verify_signature": False})["session_id"]
        == jwt.decode(first.access_token, options={"verify_signature": False})["session_id"]
    )


def test_reusing_an_older_token_within_the_reuse_interval_is_allowed(anon, account):
    """service.go: a revoked token that is not the active token's parent may still be used until
    REFRESH_TOKEN_REUSE_INTERVAL (10 s) after its revocation; GoTrue swaps in a new token."""
    _, address = account()
    first = sign_in(anon(), address)
    second = anon().auth.refresh_session(first.refresh_token).session
    third = anon().auth.refresh_session(second.refresh_token).session
    reused = anon().auth.refresh_session(first.refresh_token).session
    assert reused.refresh_token not in {first.refresh_token, second.refresh_token, third.refresh_token}


def test_reuse_after_the_interval_is_already_used_and_revokes_the_session(anon, account, short_reuse_url):
    """service.go: outside the reuse interval GoTrue answers 400 refresh_token_already_used ("Invalid
    Refresh Token: Already Used") and revokes the token family (models.RevokeTokenFamily: every
    token of the session), so even the active token is refused once its own interval has passed."""
    _, address = account()
    first = sign_in(anon(short_reuse_url), address)
    second = anon(short_reuse_url).auth.refresh_session(first.refresh_token).session
    third = anon(short_reuse_url).auth.refresh_session(second.refresh_token).session
    time.sleep(1.2)
    reused = api_error(lambda: anon(short_reuse_url).auth.refresh_session(first.refresh_token))
    assert (reused.status, reused.code, reused.message) == (400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
    time.sleep(1.2)
    active = api_error(lambda: anon(short_reuse_url).auth.refresh_session(third.refresh_token))
    assert active.code == "refresh_token_already_used"


# Sign-out and bans (internal/api/logout.go, internal/api/auth.go requireAuthentication)


@pytest.mark.parametrize("scope", ["global", "local"])
def test_a_signed_out_access_token_is_refused_on_gotrue_endpoints(anon, account, supabase_url, stack_env, scope):
    """logout.go deletes the session(s); auth.go maybeLoadUserOrSession then refuses a token whose
    session_id no longer exists: 403 session_not_found on GET and PUT /user."""
    _, address = account()
    client = anon()
    session = sign_in(client, address)
    client.auth.sign_out({"scope": scope})
    refused = api_error(lambda: anon().auth.get_user(session.access_token))
    assert (refused.status, refused.code) == (403, "session_not_found")
    update = httpx.put(
        auth_url(supabase_url, "/user"),
        headers={"apikey": stack_env["SUPABASE_ANON_KEY"], "Authorization": f"Bearer {session.access_token}"},
        json={"data": {"x": 1}},
    )
    assert update.status_code == 403 and update.json()["code"] == "session_not_found"


def test_sign_out_of_others_keeps_the_current_session(anon, account):
    """logout.go scope=others (models.LogoutAllExceptMe): the other sessions end, this one stays."""
    _, address = account()
    other = sign_in(anon(), address)
    client = anon()
    current = sign_in(client, address)
    client.auth.sign_out({"scope": "others"})
    assert anon().auth.get_user(current.access_token).user.email == address
    assert api_error(lambda: anon().auth.get_user(other.access_token)).code == "session_not_found"


def test_an_unknown_logout_scope_is_validation_failed(anon, admin, account):
    """logout.go: a scope other than global, local or others is 400 validation_failed."""
    _, address = account()
    session = sign_in(anon(), address)
    refused = api_error(lambda: admin.sign_out(session.access_token, scope="everywhere"))  # type: ignore[arg-type]
    assert (refused.status, refused.code) == (400, "validation_failed")
    assert anon().auth.get_user(session.access_token).user.email == address  # nothing was signed out


def test_a_banned_users_pre_ban_access_token_is_refused(anon, admin, account):
    """auth.go requireAuthentication: "Reject banned users who still hold an access token issued
    before the ban" - 403 user_banned."""
    user, address = account()
    session = sign_in(anon(), address)
    admin.update_user_by_id(user.id, {"ban_duration": "1h"})
    refused = api_error(lambda: anon().auth.get_user(session.access_token))
    assert (refused.status, refused.code) == (403, "user_banned")


def test_a_ban_leaves_the_sessions_so_they_work_again_after_it(anon, admin, account):
    """service.go refuses a banned user's refresh with 400 user_banned ("Invalid Refresh Token: User
    Banned"); models.User.Ban only sets banned_until, so after `ban_duration: none` the same
    refresh token and access token work again."""
    user, address = account()
    session = sign_in(anon(), address)
    admin.update_user_by_id(user.id, {"ban_duration": "24h"})
    refused = api_error(lambda: anon().auth.refresh_session(session.refresh_token))
    assert (refused.status, refused.code, refused.message) == (400, "user_banned", "Invalid Refresh Token: User Banned")
    lifted = admin.update_user_by_id(user.id, {"ban_duration": "none"}).user
    assert lifted.banned_until is None
    assert anon().auth.refresh_session(session.refresh_token).session.user.id == user.id
    assert anon().auth.get_user(session.access_token).user.id == user.id


def test_a_banned_user_with_a_wrong_password_is_told_user_banned(anon, admin, account):
    """token.go ResourceOwnerPasswordGrant checks IsBanned before the password: 400 user_banned."""
    user, address = account()
    admin.update_user_by_id(user.id, {"ban_duration": "1h"})
    refused = api_error(lambda: anon().auth.sign_in_with_password({"email": address, "password": "not-the-password"}))
    assert (refused.status, refused.code) == (400, "user_banned")


@pytest.mark.parametrize(
    ("duration", "length"),
    [
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("90m", timedelta(minutes=90)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("300ms", timedelta(milliseconds=300)),
        ("876000h", timedelta(hours=876000)),
    ],
)
def test_ban_duration_is_a_go_duration(admin, account, duration, length):
    """admin.go parses ban_duration with Go's time.ParseDuration; banned_until = now + duration."""
    user, _ = account()
    before = datetime.now(UTC)
    banned = admin.update_user_by_id(user.id, {"ban_duration": duration}).user
    until = datetime.fromisoformat(banned.banned_until)
    assert before + length <= until <= datetime.now(UTC) + length


def test_a_ban_duration_go_refuses_is_validation_failed(admin, account):
    """admin.go: "invalid format for ban duration: <Go's error>" (Go durations have no days)."""
    user, _ = account()
    refused = api_error(lambda: admin.update_user_by_id(user.id, {"ban_duration": "3d"}))
    assert (refused.status, refused.code) == (400, "validation_failed")
    assert refused.message == 'invalid format for ban duration: time: unknown unit "d" in duration "3d"'


# Admin user management (internal/api/admin.go, internal/api/shared/pagination.go)


def test_the_admin_user_list_is_newest_first_filtered_and_paginated(admin, account, supabase_url, stack_env):
    """admin.go adminUsers: sorted by created_at desc; `filter` matches the email (LIKE) or
    user_metadata.full_name (ILIKE); page/per_page; AddPaginationHeaders sends `Link` (rel="next"
    while pages remain, rel="last") and X-Total-Count."""
    tag = uuid.uuid4().hex[:8]
    created = [account(full_name=f"Listed {tag.upper()} {n}")[0].id for n in range(3)]
    service = {"apikey": stack_env["SUPABASE_SERVICE_ROLE_KEY"], "Authorization": f"Bearer {stack_env['SUPABASE_SERVICE_ROLE_KEY']}"}
    first = httpx.get(auth_url(supabase_url, "/admin/users"), params={"filter": tag, "per_page": 2}, headers=service)
    assert [u["id"] for u in first.json()["users"]] == created[::-1][:2]
    assert first.headers["x-total-count"] == "3"
    assert first.headers["link"] == (
        f'</admin/users?filter={tag}&page=2&per_page=2>; rel="next", </admin/users?filter={tag}&page=2&per_page=2>; rel="last"'
    )
    second = httpx.get(auth_url(supabase_url, "/admin/users"), params={"filter": tag, "per_page": 2, "page": 2}, headers=service)
    assert [u["id"] for u in second.json()["users"]] == created[:1]
    assert second.headers["link"] == f'</admin/users?filter={tag}&page=2&per_page=2>; rel="last"'
    newest = admin.list_users(page=1, per_page=1)
    assert [u.id for u in newest] == [created[-1]]


def test_changing_an_email_to_one_in_use_fails_and_changes_nothing(admin, account):
    """admin.go adminUserUpdate, unlike PUT /user, does not check models.IsDuplicatedEmail: the
    unique index on auth.users refuses the address and GoTrue answers 500 unexpected_failure "Error
    updating user" (supabase/auth#2014, which would make it 422 email_exists, is not merged). The
    user keeps the old address; a free address moves the email identity along."""
    user, address = account()
    _, taken = account()
    refused = api_error(lambda: admin.update_user_by_id(user.id, {"email": taken.upper()}))
    assert (refused.status, refused.code, refused.message) == (500, "unexpected_failure", "Error updating user")
    assert admin.get_user_by_id(user.id).user.email == address
    moved = admin.update_user_by_id(user.id, {"email": email("moved")}).user
    assert moved.identities[0].identity_data["email"] == moved.email


def test_soft_delete_keeps_an_obfuscated_row_that_can_no_longer_sign_in(anon, admin, account):
    """admin.go adminUserDelete with should_soft_delete: models.User.SoftDeleteUser sets deleted_at,
    replaces the email by base64url(sha256(id + email)), drops the password and metadata, and logs
    every session out."""
    user, address = account(full_name="Soft Deleted")
    session = sign_in(anon(), address)
    admin.delete_user(user.id, should_soft_delete=True)
    kept = admin.get_user_by_id(user.id).user
    assert kept.deleted_at is not None
    assert kept.email == base64.urlsafe_b64encode(hashlib.sha256((user.id + address).encode()).digest()).decode().rstrip("=")
    assert kept.user_metadata == {} and kept.app_metadata == {}
    assert api_error(lambda: anon().auth.sign_in_with_password({"email": address, "password": PASSWORD})).code == "invalid_credentials"
    assert api_error(lambda: anon().auth.get_user(session.access_token)).code == "session_not_found"


def test_supabase_admin_tokens_are_accepted_on_admin_routes(stack_env, supabase_url, account):
    """GoTrue's default GOTRUE_JWT_ADMIN_ROLES is service_role,supabase_admin (auth.go requireAdmin)."""
    user, _ = account()
    now = int(time.time())
    token = jwt.encode({"role": "supabase_admin", "iat": now, "exp": now + 600}, stack_env["SUPABASE_JWT_SECRET"], algorithm="HS256")
    assert create_client(supabase_url, token, options=OPTIONS).auth.admin.get_user_by_id(user.id).user.id == user.id


# The user object (internal/models/user.go, identity.go)


def test_an_email_user_has_one_email_identity(account):
    """adminUserCreate creates an `email` identity whose provider id is the user id and whose
    identity_data is provider.Claims{sub, email} with email_verified and phone_verified."""
    user, address = account()
    [identity] = user.identities
    assert (identity.provider, identity.id, identity.user_id) == ("email", user.id, user.id)
    assert identity.identity_data == {"sub": user.id, "email": address, "email_verified": False, "phone_verified": False}
    assert uuid.UUID(identity.identity_id)


def test_confirming_a_user_writes_email_verified_into_user_metadata(admin, anon, open_signup_url):
    """models.User.Confirm adds `email_verified: true` to user_metadata: at admin create with
    email_confirm, at a later email_confirm, and at an auto-confirmed sign-up (whose metadata also
    holds the identity's claims, from RemoveUnconfirmedIdentities)."""
    confirmed = admin.create_user({"email": email(), "password": PASSWORD, "email_confirm": True, "user_metadata": {"full_name": "Cy"}}).user
    assert confirmed.user_metadata == {"full_name": "Cy", "email_verified": True}
    pending = admin.create_user({"email": email(), "password": PASSWORD, "user_metadata": {"full_name": "Pat"}}).user
    assert pending.user_metadata == {"full_name": "Pat"} and pending.email_confirmed_at is None
    assert admin.update_user_by_id(pending.id, {"email_confirm": True}).user.user_metadata == {"full_name": "Pat", "email_verified": True}
    address = email("signup")
    signed_up = anon(open_signup_url).auth.sign_up({"email": address, "password": PASSWORD, "options": {"data": {"full_name": "Sue"}}}).user
    assert signed_up.user_metadata == {"sub": signed_up.id, "email": address, "email_verified": True, "phone_verified": False, "full_name": "Sue"}


def test_phone_and_anonymous_sign_up_answer_as_with_those_providers_off(anon, open_signup_url):
    """signup.go: a phone sign-up on a project without the phone provider is 422
    phone_provider_disabled; anonymous.go (sign-up with neither email nor password): 422
    anonymous_provider_disabled while anonymous sign-ins are off."""
    client = anon(open_signup_url)
    assert api_error(lambda: client.auth.sign_up({"phone": "+15550100", "password": PASSWORD})).code == "phone_provider_disabled"
    assert api_error(lambda: client.auth.sign_in_anonymously()).code == "anonymous_provider_disabled"


def test_null_timestamps_are_omitted_from_the_user_object(admin, supabase_url, stack_env):
    """models.User declares email_confirmed_at, last_sign_in_at, banned_until, deleted_at ...
    `omitempty`: a fresh unconfirmed user's JSON has no such keys (the client reads them as None)."""
    user = admin.create_user({"email": email(), "password": PASSWORD}).user
    service = {"apikey": stack_env["SUPABASE_SERVICE_ROLE_KEY"], "Authorization": f"Bearer {stack_env['SUPABASE_SERVICE_ROLE_KEY']}"}
    raw = httpx.get(auth_url(supabase_url, f"/admin/users/{user.id}"), headers=service).json()
    assert not {"email_confirmed_at", "confirmed_at", "last_sign_in_at", "banned_until", "deleted_at", "invited_at"} & raw.keys()
    assert raw["phone"] == "" and raw["is_anonymous"] is False


# Malformed grants (internal/api/token.go)


def test_a_password_grant_without_email_or_phone_is_validation_failed(supabase_url, stack_env):
    """token.go ResourceOwnerPasswordGrant: 400 validation_failed "missing email or phone" (the
    client refuses to send such a request, hence httpx)."""
    response = httpx.post(
        auth_url(supabase_url, "/token?grant_type=password"),
        headers={"apikey": stack_env["SUPABASE_ANON_KEY"], "X-Supabase-Api-Version": "2024-01-01"},
        json={"password": PASSWORD},
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == ("validation_failed", "missing email or phone")


def test_a_password_over_72_bytes_is_invalid_credentials(account, anon):
    """GoTrue never stores a password over bcrypt's 72 bytes (adminUserCreate/signup refuse it), so
    a password grant with a longer one fails the comparison: 400 invalid_credentials."""
    _, address = account()
    assert api_error(lambda: anon().auth.sign_in_with_password({"email": address, "password": "x" * 100})).code == "invalid_credentials"


def test_an_unknown_grant_type_is_invalid_credentials(supabase_url, stack_env):
    """token.go Token: any other grant_type is 400 invalid_credentials "unsupported_grant_type"."""
    response = httpx.post(
        auth_url(supabase_url, "/token?grant_type=client_credentials"),
        headers={"apikey": stack_env["SUPABASE_ANON_KEY"], "X-Supabase-Api-Version": "2024-01-01"},
        json={},
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == ("invalid_credentials", "unsupported_grant_type")
