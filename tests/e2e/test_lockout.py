"""Brute-force lockout is counted in Postgres, so it holds across function instances: here the
gateway process and this test process each take some of the failed attempts."""

import uuid

import httpx
import pytest

from shared import db
from shared.settings import get_settings
from tests.support import invoke

PASSWORD = "Str0ng!Pass"


@pytest.fixture
def in_process_auth(stack_env, monkeypatch):
    for key, value in stack_env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    db.close_pool()
    from functions.auth import handler

    yield handler
    db.close_pool()
    get_settings.cache_clear()


def test_five_failures_across_two_processes_lock_the_account(gateway_url, in_process_auth):
    email = f"lock-{uuid.uuid4().hex[:10]}@example.com"
    created = httpx.post(f"{gateway_url}/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Lou Lock"})
    assert created.status_code == 201
    wrong = {"email": email, "password": "Wr0ng!Pass"}
    for _ in range(3):
        assert httpx.post(f"{gateway_url}/auth/login", json=wrong).status_code == 401
    for _ in range(2):
        assert invoke(in_process_auth, "POST", "/login", json_body=wrong).status == 401

    locked = httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "ACCOUNT_LOCKED"
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert invoke(in_process_auth, "POST", "/login", json_body={"email": email, "password": PASSWORD}).status == 429


def test_unknown_emails_lock_the_same_way(gateway_url):
    email = f"ghost-{uuid.uuid4().hex[:10]}@example.com"
    statuses = [httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": "Wr0ng!Pass"}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_a_successful_login_resets_the_count(gateway_url):
    email = f"reset-{uuid.uuid4().hex[:10]}@example.com"
    httpx.post(f"{gateway_url}/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Rae Reset"})
    wrong = {"email": email, "password": "Wr0ng!Pass"}
    for _ in range(4):
        httpx.post(f"{gateway_url}/auth/login", json=wrong)
    assert httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    for _ in range(4):
        assert httpx.post(f"{gateway_url}/auth/login", json=wrong).status_code == 401
    assert httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200


def test_registration_is_rate_limited_per_client_ip(in_process_auth, monkeypatch):
    monkeypatch.setenv("REGISTER_LIMIT_PER_HOUR", "2")
    get_settings.cache_clear()
    ip_headers = {"x-forwarded-for": "203.0.113.9"}
    statuses = []
    for _ in range(3):
        body = {"email": f"rl-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "full_name": "Rae Limit"}
        reply = invoke(in_process_auth, "POST", "/register", json_body=body, headers=ip_headers, source_ip="203.0.113.9")
        statuses.append(reply.status)
    assert statuses == [201, 201, 429]
    assert reply.error["code"] == "RATE_LIMITED" and int(reply.headers["retry-after"]) > 0
