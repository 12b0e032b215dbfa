"""The auth function over HTTP against the whole local stack (gateway + Auth stand-in + Postgres)."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest

from local import postgres
from supabase import ClientOptions, create_client

PASSWORD = "Str0ng!Pass"


def unique_email(prefix: str = "cand") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture
def auth(api):
    def call(method: str, path: str, token: str | None = None, **kwargs) -> httpx.Response:
        return api(method, f"/auth{path}", token=token, **kwargs)

    return call


@pytest.fixture
def register(auth):
    def make(email: str | None = None, password: str = PASSWORD, **extra) -> dict:
        body = {"email": email or unique_email(), "password": password, "full_name": "Test Candidate", **extra}
        response = auth("POST", "/register", json=body)
        assert response.status_code == 201, response.text
        return response.json()["data"]

    return make


@pytest.fixture
def admin_token(stack_env, supabase_url, auth):
    admin = create_client(stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    email = unique_email("admin")
    admin.auth.admin.create_user(
        {"email": email, "password": PASSWORD, "email_confirm": True, "app_metadata": {"role": "admin"}, "user_metadata": {"full_name": "Ada Admin"}}
    )
    response = auth("POST", "/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["data"]["session"]["access_token"]


def test_register_returns_a_candidate_and_a_session(auth, register):
    email = unique_email()
    data = register(email=email.upper(), phone="+61 400 000 000")
    assert data["user"]["email"] == email
    assert data["user"]["role"] == "candidate"
    assert data["user"]["full_name"] == "Test Candidate"
    assert data["session"]["token_type"] == "bearer"
    me = auth("GET", "/me", token=data["session"]["access_token"])
    assert me.status_code == 200
    assert me.json()["data"]["user"] == data["user"]


def test_duplicate_email_in_another_letter_case_is_409(auth, register):
    email = unique_email()
    register(email=email)
    response = auth("POST", "/register", json={"email": email.upper(), "password": PASSWORD, "full_name": "Someone Else"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "EMAIL_TAKEN"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "Sh0rt!"),  # under 8 characters
        ("password", "nouppercase1!"),  # no upper-case letter
        ("password", "NoDigitsHere!"),  # no digit
        ("password", "NoSpecial123"),  # no special character
        ("email", "not-an-email"),
        ("full_name", "A"),  # under 2 characters
        ("phone", "call me maybe"),
    ],
)
def test_invalid_registration_is_422_and_creates_nothing(auth, field, value):
    email = unique_email()
    body = {"email": email, "password": PASSWORD, "full_name": "Valid Name", field: value}
    response = auth("POST", "/register", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [field] in [item["loc"] for item in error["details"]]
    if field != "email":
        assert auth("POST", "/login", json={"email": email, "password": PASSWORD}).status_code == 401


def test_a_role_in_the_body_is_ignored(auth, register):
    data = register(role="admin")
    assert data["user"]["role"] == "candidate"
    token = data["session"]["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["app_metadata"].get("role") == "candidate"
    response = auth("POST", "/recruiters", token=token, json={"email": unique_email(), "full_name": "Rex", "role": "admin"})
    assert response.status_code == 403


def test_a_role_in_user_metadata_never_grants_anything(auth, stack_env, supabase_url):
    admin = create_client(stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    email = unique_email()
    admin.auth.admin.create_user(
        {"email": email, "password": PASSWORD, "email_confirm": True, "user_metadata": {"role": "admin", "full_name": "Mallory"}}
    )
    token = auth("POST", "/login", json={"email": email, "password": PASSWORD}).json()["data"]["session"]["access_token"]
    response = auth("POST", "/recruiters", token=token, json={"email": unique_email(), "full_name": "Rex"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_wrong_password_and_unknown_email_look_the_same(auth, register):
    email = unique_email()
    register(email=email)
    wrong = auth("POST", "/login", json={"email": email, "password": "Wr0ng!Pass"})
    unknown = auth("POST", "/login", json={"email": unique_email(), "password": "Wr0ng!Pass"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "INVALID_CREDENTIALS"
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_a_password_longer_than_bcrypt_allows_is_a_wrong_password(auth, register):
    """No account can hold a password over 72 bytes; logging in with one is a plain wrong password."""
    email = unique_email()
    register(email=email)
    response = auth("POST", "/login", json={"email": email, "password": "Lo0ng!" + "x" * 100})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "INVALID_CREDENTIALS"), response.text


def test_login_refresh_rotation_and_logout(auth, register):
    """Refresh tokens rotate; as on Supabase, the token just rotated, presented again at once (a
    client that lost the answer), gets the session's active refresh token back; after logout no
    token of the session refreshes."""
    email = unique_email()
    register(email=email)
    session = auth("POST", "/login", json={"email": email, "password": PASSWORD}).json()["data"]["session"]
    refreshed = auth("POST", "/refresh", json={"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 200
    new_session = refreshed.json()["data"]["session"]
    assert new_session["refresh_token"] != session["refresh_token"]
    reused = auth("POST", "/refresh", json={"refresh_token": session["refresh_token"]})
    assert reused.status_code == 200
    assert reused.json()["data"]["session"]["refresh_token"] == new_session["refresh_token"]
    assert auth("POST", "/logout", token=new_session["access_token"]).status_code == 200
    for token in (new_session["refresh_token"], session["refresh_token"]):
        after_logout = auth("POST", "/refresh", json={"refresh_token": token})
        assert after_logout.status_code == 401 and after_logout.json()["error"]["code"] == "INVALID_REFRESH_TOKEN"


def test_a_refresh_token_reused_after_the_reuse_interval_is_invalid(auth, register, stack_db):
    """Supabase accepts a used refresh token again only within the reuse interval (10 s) of its
    rotation; later it answers refresh_token_already_used, which is INVALID_REFRESH_TOKEN (401).
    The clock is moved by ageing the used token's row, as GoTrue compares its updated_at."""
    session = register()["session"]
    first = auth("POST", "/refresh", json={"refresh_token": session["refresh_token"]}).json()["data"]["session"]
    assert auth("POST", "/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 200
    with postgres.connect(stack_db) as conn:
        conn.execute("update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = %s", [session["refresh_token"]])
    reused = auth("POST", "/refresh", json={"refresh_token": session["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "INVALID_REFRESH_TOKEN"


@pytest.fixture
def auth_admin(stack_env, supabase_url):
    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    return create_client(supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=options).auth.admin


def test_refresh_while_banned_is_account_disabled_and_works_again_after_the_ban(auth, register, auth_admin):
    """Supabase refuses a banned user's refresh with user_banned (not a token error), so the client
    is told ACCOUNT_DISABLED (403) rather than to sign in again; a ban leaves the sessions alone, so
    once it is lifted the same refresh token works."""
    registered = register()
    auth_admin.update_user_by_id(registered["user"]["id"], {"ban_duration": "1h"})
    refused = auth("POST", "/refresh", json={"refresh_token": registered["session"]["refresh_token"]})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ACCOUNT_DISABLED"
    auth_admin.update_user_by_id(registered["user"]["id"], {"ban_duration": "none"})
    assert auth("POST", "/refresh", json={"refresh_token": registered["session"]["refresh_token"]}).status_code == 200


def test_logout_of_a_banned_account_is_account_disabled(auth, register, auth_admin):
    """Supabase Auth refuses a banned user's access token on POST /logout (403 user_banned): the
    product says ACCOUNT_DISABLED instead of failing with 503."""
    registered = register()
    auth_admin.update_user_by_id(registered["user"]["id"], {"ban_duration": "1h"})
    response = auth("POST", "/logout", token=registered["session"]["access_token"])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ACCOUNT_DISABLED"


def _token(claims: dict, secret: str, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def test_forged_expired_alg_none_and_tampered_tokens_are_401(auth, register, stack_env):
    token = register()["session"]["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    header, payload, signature = token.split(".")
    tampered_claims = {**claims, "app_metadata": {"role": "admin"}}
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(tampered_claims).encode()).decode().rstrip("="), signature])
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    cases = {
        "forged": _token(claims, "not-the-project-secret-but-long-enough-to-sign"),
        "expired": _token({**claims, "exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, stack_env["SUPABASE_JWT_SECRET"]),
        "alg_none": f"{none_header}.{payload}.",
        "tampered": tampered,
        "wrong_audience": _token({**claims, "aud": "someone-else"}, stack_env["SUPABASE_JWT_SECRET"]),
        "garbage": "not.a.jwt",
    }
    for name, bad in cases.items():
        response = auth("GET", "/me", token=bad)
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "UNAUTHORIZED", name
    assert auth("GET", "/me").status_code == 401
    assert auth("GET", "/me", token=token).status_code == 200


def test_candidate_calling_admin_routes_is_403(auth, register):
    token = register()["session"]["access_token"]
    assert auth("POST", "/recruiters", token=token, json={"email": unique_email(), "full_name": "Rex"}).status_code == 403
    response = auth("PATCH", f"/recruiters/{uuid.uuid4()}", token=token, json={"is_active": False})
    assert response.status_code == 403


def test_admin_creates_a_recruiter_who_logs_in_then_is_deactivated(auth, admin_token):
    email = unique_email("rec")
    created = auth(
        "POST", "/recruiters", token=admin_token, json={"email": email, "full_name": "Rita Recruiter", "role": "recruiter", "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    recruiter = created.json()["data"]["user"]
    assert recruiter["role"] == "recruiter"
    login = auth("POST", "/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    assert login.json()["data"]["user"]["role"] == "recruiter"
    session = login.json()["data"]["session"]
    me = auth("GET", "/me", token=session["access_token"]).json()["data"]["user"]
    assert me["role"] == "recruiter" and me["email"] == email

    duplicate = auth("POST", "/recruiters", token=admin_token, json={"email": email, "full_name": "Again", "role": "viewer"})
    assert duplicate.status_code == 409

    promoted = auth("PATCH", f"/recruiters/{recruiter['id']}", token=admin_token, json={"role": "viewer"})
    assert promoted.status_code == 200 and promoted.json()["data"]["user"]["role"] == "viewer"

    deactivated = auth("PATCH", f"/recruiters/{recruiter['id']}", token=admin_token, json={"is_active": False})
    assert deactivated.status_code == 200
    blocked = auth("POST", "/login", json={"email": email, "password": PASSWORD})
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "ACCOUNT_DISABLED"
    assert auth("POST", "/refresh", json={"refresh_token": session["refresh_token"]}).status_code in {401, 403}


def test_unknown_recruiter_is_404_and_bad_id_is_422(auth, admin_token):
    assert auth("PATCH", f"/recruiters/{uuid.uuid4()}", token=admin_token, json={"is_active": False}).status_code == 404
    assert auth("PATCH", "/recruiters/not-a-uuid", token=admin_token, json={"is_active": False}).status_code == 422
