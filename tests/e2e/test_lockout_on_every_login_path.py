"""The login lockout on every password grant: POST /auth/login and Supabase Auth's own
`/auth/v1/token?grant_type=password` with the public anon key (the stand-in calls the password
verification attempt hook as GoTrue does), and under parallel requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from shared.lockout import LOCKED_MESSAGE
from tests.e2e.conftest import PASSWORD

WRONG = "Wr0ng!Pass"


@pytest.fixture
def direct_grant(stack_env, supabase_url):
    """POST /auth/v1/token?grant_type=password as a browser would: the public anon key only."""
    key = stack_env["SUPABASE_ANON_KEY"]

    def grant(email: str, password: str) -> httpx.Response:
        return httpx.post(
            f"{supabase_url}/auth/v1/token",
            params={"grant_type": "password"},
            headers={"apikey": key, "Authorization": f"Bearer {key}", "X-Supabase-Api-Version": "2024-01-01"},
            json={"email": email, "password": password},
            timeout=30,
        )

    return grant


def test_five_failures_on_the_direct_grant_lock_it_even_for_the_right_password(make_user, direct_grant, api):
    """F3: straight to Supabase Auth with the anon key: after 5 failures the right password gets
    GoTrue's answer to a hook rejection (400 invalid_credentials with the hook's message), and
    POST /auth/login answers 429 ACCOUNT_LOCKED for the same account."""
    user = make_user("candidate")
    for _ in range(5):
        wrong = direct_grant(user["email"], WRONG)
        assert wrong.status_code == 400 and wrong.json()["message"] == "Invalid login credentials"
    refused = direct_grant(user["email"], PASSWORD)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid_credentials" and refused.json()["message"] == LOCKED_MESSAGE
    assert "access_token" not in refused.json()
    login = api("POST", "/auth/login", json={"email": user["email"], "password": PASSWORD})
    assert login.status_code == 429 and login.json()["error"]["code"] == "ACCOUNT_LOCKED"
    assert 0 < int(login.headers["retry-after"]) <= 15 * 60


def test_a_lock_from_auth_login_holds_on_the_direct_grant(make_user, direct_grant, api):
    """F3 (the finding's reproduction): locked through POST /auth/login, then the right password
    straight to Supabase Auth with the anon key: refused, no session."""
    user = make_user("candidate")
    statuses = [api("POST", "/auth/login", json={"email": user["email"], "password": WRONG}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = direct_grant(user["email"], PASSWORD)
    assert refused.status_code == 400 and refused.json()["message"] == LOCKED_MESSAGE


@pytest.mark.parametrize("path", ["auth_login", "direct_grant"])
def test_sixteen_parallel_logins_cannot_outrun_the_count(make_user, direct_grant, api, path):
    """F3: 16 simultaneous logins, the right password sent 8th. Every attempt is counted atomically
    where the password is checked, so at most 5 failures are answered before the lock and the right
    password is accepted only if it was counted before the fifth failure (it then clears the count,
    and 5 more failures lock again). Before, 15 passwords were checked and the right one got 200
    after 7 failures."""
    user = make_user("candidate")
    passwords = [PASSWORD if index == 7 else f"{WRONG}{index}" for index in range(16)]

    def attempt(password: str) -> str:
        if path == "auth_login":
            reply = api("POST", "/auth/login", json={"email": user["email"], "password": password})
            return {200: "accepted", 401: "wrong", 429: "locked"}[reply.status_code]
        reply = direct_grant(user["email"], password)
        if reply.status_code == 200:
            return "accepted"
        assert reply.status_code == 400, reply.text
        return "locked" if reply.json()["message"] == LOCKED_MESSAGE else "wrong"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(attempt, passwords))
    failures = outcomes[:7] + outcomes[8:]
    if outcomes[7] == "accepted":
        assert failures.count("wrong") <= 4 + 5, outcomes
    else:
        assert outcomes[7] == "locked", outcomes
        assert failures.count("wrong") == 5, outcomes
    assert direct_grant(user["email"], PASSWORD).json()["message"] == LOCKED_MESSAGE
