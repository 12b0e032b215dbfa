"""The unmodified supabase client against the local Auth stand-in."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from supabase_auth.errors import AuthApiError, AuthWeakPasswordError

from local.paths import REPO_ROOT
from supabase import ClientOptions, create_client
from tests.e2e.conftest import free_port, wait_for

PASSWORD = "Str0ng!Pass"


def email() -> str:
    return f"standin-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture
def anon(stack_env, supabase_url):
    return lambda: create_client(supabase_url, stack_env["SUPABASE_ANON_KEY"], options=ClientOptions(auto_refresh_token=False, persist_session=False))


@pytest.fixture
def admin(stack_env, supabase_url):
    return create_client(
        supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=ClientOptions(auto_refresh_token=False, persist_session=False)
    ).auth.admin


@pytest.fixture
def create(admin):
    """An email account as the product creates them (admin API; direct sign-up is disabled)."""

    def make(address: str, password: str = PASSWORD, **user_metadata: str):
        return admin.create_user({"email": address, "password": password, "email_confirm": True, "user_metadata": user_metadata}).user

    return make


def test_sign_in_get_user_and_claims(anon, create, stack_env, supabase_url):
    address = email()
    signed_up = create(address, full_name="Sam Standin")
    client = anon()
    session = client.auth.sign_in_with_password({"email": address.upper(), "password": PASSWORD}).session
    claims = jwt.decode(session.access_token, stack_env["SUPABASE_JWT_SECRET"], algorithms=["HS256"], audience="authenticated")
    assert claims["sub"] == signed_up.id and claims["role"] == "authenticated" and claims["email"] == address
    assert claims["iss"] == f"{supabase_url}/auth/v1" and claims["aal"] == "aal1" and claims["session_id"]
    assert claims["user_metadata"] == {"full_name": "Sam Standin", "email_verified": True}  # User.Confirm adds email_verified
    assert claims["app_metadata"] == {"provider": "email", "providers": ["email"]}
    assert client.auth.get_user(session.access_token).user.id == signed_up.id


def test_refresh_rotates_and_the_just_used_token_returns_the_active_one(anon, create):
    """GoTrue (internal/tokens/service.go): refreshing rotates the token; presenting the one just
    rotated again (the parent of the active token) answers with the active token, not an error;
    a token GoTrue never issued is refresh_token_not_found."""
    address = email()
    create(address)
    client = anon()
    first = client.auth.sign_in_with_password({"email": address, "password": PASSWORD}).session
    second = client.auth.refresh_session(first.refresh_token).session
    assert second.refresh_token != first.refresh_token
    again = anon().auth.refresh_session(first.refresh_token).session
    assert again.refresh_token == second.refresh_token
    with pytest.raises(AuthApiError) as raised:
        anon().auth.refresh_session("never-issued-" + first.refresh_token)
    assert raised.value.code == "refresh_token_not_found"


def test_sign_out_revokes_refresh_tokens(anon, create):
    address = email()
    create(address)
    client = anon()
    session = client.auth.sign_in_with_password({"email": address, "password": PASSWORD}).session
    client.auth.sign_out()
    with pytest.raises(AuthApiError):
        anon().auth.refresh_session(session.refresh_token)


def test_direct_sign_up_with_the_anon_key_is_disabled(anon, admin, create, stack_env, supabase_url):
    """F10: supabase/config.toml closes sign-up ([auth] enable_signup = false), so POST /signup with
    the public anon key answers GoTrue's 422 signup_disabled and creates nothing, for a new address
    and a taken one alike; accounts come from the admin API (POST /auth/register, admins)."""
    address = email()
    with pytest.raises(AuthApiError) as raised:
        anon().auth.sign_up({"email": address, "password": PASSWORD, "options": {"data": {"full_name": "Direct Signup"}}})
    assert raised.value.status == 422 and raised.value.code == "signup_disabled"
    raw = httpx.post(
        f"{supabase_url}/auth/v1/signup",
        headers={"apikey": stack_env["SUPABASE_ANON_KEY"], "Authorization": f"Bearer {stack_env['SUPABASE_ANON_KEY']}"},
        json={"email": address, "password": "abcdef"},
    )
    assert raw.status_code == 422 and raw.json()["code"] == "signup_disabled"
    assert address not in {user.email for user in admin.list_users(page=1, per_page=1000)}
    taken = email()
    create(taken)
    with pytest.raises(AuthApiError) as again:
        anon().auth.sign_up({"email": taken, "password": PASSWORD})
    assert again.value.code == "signup_disabled"
    settings = httpx.get(f"{supabase_url}/auth/v1/settings", headers={"apikey": stack_env["SUPABASE_ANON_KEY"]}).json()
    assert settings["disable_signup"] is True and settings["external"]["email"] is True


def test_wrong_password_and_weak_password(anon, admin, create):
    address = email()
    create(address)
    with pytest.raises(AuthApiError) as raised:
        anon().auth.sign_in_with_password({"email": address, "password": "wrong-password"})
    assert raised.value.status == 400 and raised.value.code == "invalid_credentials"
    with pytest.raises(AuthWeakPasswordError) as weak:
        admin.create_user({"email": email(), "password": "abc"})
    assert weak.value.code == "weak_password" and weak.value.reasons == ["length"]


def test_expired_and_forged_tokens_are_refused(anon, create, stack_env):
    address = email()
    user = create(address)
    now = int(time.time())
    base = {
        "sub": user.id,
        "aud": "authenticated",
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": now}],
        "session_id": str(uuid.uuid4()),
    }
    expired = jwt.encode({**base, "iat": now - 7200, "exp": now - 3600}, stack_env["SUPABASE_JWT_SECRET"], algorithm="HS256")
    forged = jwt.encode({**base, "iat": now, "exp": now + 3600}, "x" * 64, algorithm="HS256")
    for token in (expired, forged):
        with pytest.raises(AuthApiError) as raised:
            anon().auth.get_user(token)
        assert raised.value.status == 403 and raised.value.code == "bad_jwt"


def test_admin_create_update_list_and_delete(admin, anon):
    address = email()
    created = admin.create_user(
        {"email": address, "password": PASSWORD, "email_confirm": True, "app_metadata": {"role": "recruiter"}, "user_metadata": {"full_name": "Rae"}}
    ).user
    assert created.app_metadata["role"] == "recruiter" and created.email_confirmed_at is not None
    updated = admin.update_user_by_id(created.id, {"user_metadata": {"full_name": "Rae Updated"}, "app_metadata": {"role": "viewer"}}).user
    assert updated.user_metadata["full_name"] == "Rae Updated" and updated.app_metadata["role"] == "viewer"
    assert created.id in {user.id for user in admin.list_users(page=1, per_page=1000)}
    admin.update_user_by_id(created.id, {"ban_duration": "24h"})
    with pytest.raises(AuthApiError) as banned:
        anon().auth.sign_in_with_password({"email": address, "password": PASSWORD})
    assert banned.value.code == "user_banned"
    admin.delete_user(created.id)
    assert created.id not in {user.id for user in admin.list_users(page=1, per_page=1000)}
    again = email()
    admin.create_user({"email": again, "password": PASSWORD})
    with pytest.raises(AuthApiError) as duplicate:
        admin.create_user({"email": again.upper(), "password": PASSWORD})
    assert duplicate.value.status == 422 and duplicate.value.code == "email_exists"


def test_admin_routes_need_the_service_key(anon):
    with pytest.raises(AuthApiError) as raised:
        anon().auth.admin.create_user({"email": email(), "password": PASSWORD})
    assert raised.value.status == 403 and raised.value.code == "not_admin"


@pytest.fixture(scope="module")
def open_signup_url(stack_env, supabase_url, tmp_path_factory) -> Iterator[str]:
    """A second stand-in on the same database, with a config.toml that allows sign-up."""
    toml = Path(tmp_path_factory.mktemp("supabase")) / "config.toml"
    toml.write_text((REPO_ROOT / "supabase" / "config.toml").read_text().replace("enable_signup = false", "enable_signup = true"))
    port = free_port()
    env = {**os.environ, **stack_env, "SUPABASE_URL": f"http://127.0.0.1:{port}", "STANDIN_SUPABASE_CONFIG": str(toml)}
    process = subprocess.Popen([sys.executable, "-m", "local", "standin", "--port", str(port)], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/auth/v1/health")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("variant", ["same", "upper"])
def test_sign_up_where_the_project_allows_it(open_signup_url, stack_env, variant):
    def client():
        return create_client(open_signup_url, stack_env["SUPABASE_ANON_KEY"], options=ClientOptions(auto_refresh_token=False, persist_session=False))

    address = email()
    signed_up = client().auth.sign_up({"email": address, "password": PASSWORD, "options": {"data": {"full_name": "Sam Standin"}}})
    assert signed_up.session is not None and signed_up.user.email == address
    assert signed_up.user.app_metadata == {"provider": "email", "providers": ["email"]}
    with pytest.raises(AuthApiError) as raised:
        client().auth.sign_up({"email": address if variant == "same" else address.upper(), "password": PASSWORD})
    assert raised.value.status == 422 and raised.value.code == "user_already_exists"
