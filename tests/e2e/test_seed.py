"""The development seed, run against the test stack: idempotent, and its accounts work."""

import uuid

import httpx

from local.seed import ACCOUNTS, POSTINGS, seed


def test_seed_is_idempotent_and_seeded_accounts_log_in_with_their_roles(stack_db, stack_env, gateway_url):
    first = seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    second = seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    assert len(first["accounts_created"]) == 4 and first["postings_created"] == len(POSTINGS) >= 20
    assert second == {"accounts_created": [], "postings_created": 0}
    for email, password, role, _ in ACCOUNTS:
        response = httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, email
        assert response.json()["data"]["user"]["role"] == role


def test_seeded_admin_creates_a_recruiter_who_can_log_in(stack_db, stack_env, gateway_url):
    seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    admin = httpx.post(f"{gateway_url}/auth/login", json={"email": "admin@teamified.local", "password": "Admin123!"}).json()
    token = admin["data"]["session"]["access_token"]
    email = f"new-rec-{uuid.uuid4().hex[:8]}@teamified.local"
    created = httpx.post(
        f"{gateway_url}/auth/recruiters",
        headers={"Authorization": f"Bearer {token}"},
        json={"email": email, "full_name": "Nora New", "role": "recruiter", "password": "Recruit3r!"},
    )
    assert created.status_code == 201
    login = httpx.post(f"{gateway_url}/auth/login", json={"email": email, "password": "Recruit3r!"})
    assert login.status_code == 200 and login.json()["data"]["user"]["role"] == "recruiter"
