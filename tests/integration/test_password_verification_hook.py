"""The login lockout as Supabase Auth enforces it: the password verification attempt hook
(`public.hook_password_verification_attempt`), called as Supabase Auth's role with the event it
sends after checking a password, and the count POST /auth/login keeps for unknown emails."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from local import postgres
from shared import lockout
from shared.errors import AccountLocked
from tests.rls import create_user

HOOK = "public.hook_password_verification_attempt(jsonb)"


def attempt(database: str, user_id: str, valid: bool) -> dict:
    """One hook call as GoTrue makes it: its own transaction, as supabase_auth_admin."""
    with postgres.connect(database) as conn, conn.transaction():
        conn.execute("set local role supabase_auth_admin")
        row = conn.execute(
            "select public.hook_password_verification_attempt(%s::jsonb)", [json.dumps({"metadata": None, "user_id": user_id, "valid": valid})]
        ).fetchone()
    assert row is not None
    return row[0]


def lock_row(admin_conn: psycopg.Connection, email: str) -> dict | None:
    return admin_conn.execute("select * from private.login_failures where account_key = private.login_key(%s)", [email]).fetchone()


@pytest.fixture
def account(admin_conn) -> tuple[str, str]:
    user_id = create_user(admin_conn)
    email = admin_conn.execute("select email from auth.users where id = %s", [user_id]).fetchone()["email"]
    return user_id, email


def test_five_failures_lock_the_account_even_for_the_right_password(database, admin_conn, account):
    """F3: the fifth failure starts the lock; from then on the hook rejects every attempt, the right
    password included, with the message POST /auth/login maps to ACCOUNT_LOCKED."""
    user_id, email = account
    assert [attempt(database, user_id, valid=False)["decision"] for _ in range(5)] == ["continue"] * 5
    rejected = attempt(database, user_id, valid=True)
    assert rejected == {"decision": "reject", "message": lockout.LOCKED_MESSAGE, "should_logout_user": False}
    assert attempt(database, user_id, valid=False)["decision"] == "reject"
    row = lock_row(admin_conn, email)
    assert row["failures"] == 5
    remaining = admin_conn.execute("select private.login_lock_remaining(private.login_key(%s)) as s", [email]).fetchone()["s"]
    assert 14 * 60 < remaining <= 15 * 60


def test_a_right_password_before_the_lock_clears_the_failures(database, admin_conn, account):
    """F3: four failures then the right password: accepted, and the count starts again."""
    user_id, email = account
    for _ in range(4):
        attempt(database, user_id, valid=False)
    assert attempt(database, user_id, valid=True) == {"decision": "continue"}
    assert lock_row(admin_conn, email) is None
    for _ in range(4):
        attempt(database, user_id, valid=False)
    assert attempt(database, user_id, valid=True) == {"decision": "continue"}


def test_parallel_attempts_are_counted_atomically(database, account):
    """F3: sixteen attempts at once (the right password 8th): exactly five failures get an answer
    before the lock, and the right password is accepted only if it came before the fifth."""
    user_id, _ = account
    valid = [index == 7 for index in range(16)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        decisions = list(pool.map(lambda ok: attempt(database, user_id, ok)["decision"], valid))
    failures = [decision for decision, ok in zip(decisions, valid, strict=True) if not ok]
    if decisions[7] == "continue":  # it came before the lock: it cleared the count, which started again
        assert failures.count("continue") <= 4 + 5
    else:
        assert failures.count("continue") == 5
    assert attempt(database, user_id, valid=True)["decision"] == "reject"


def test_failures_outside_the_window_and_expired_locks_start_again(database, admin_conn, account):
    """F3: the window is 15 minutes, and so is the lock."""
    user_id, email = account
    for _ in range(4):
        attempt(database, user_id, valid=False)
    admin_conn.execute("update private.login_failures set window_started_at = now() - interval '16 minutes'")
    attempt(database, user_id, valid=False)
    assert lock_row(admin_conn, email)["failures"] == 1
    for _ in range(4):
        attempt(database, user_id, valid=False)
    assert attempt(database, user_id, valid=True)["decision"] == "reject"
    admin_conn.execute("update private.login_failures set locked_until = now() - interval '1 second'")
    assert attempt(database, user_id, valid=True) == {"decision": "continue"}


def test_unknown_users_pass_through_the_hook(database):
    """Supabase Auth only calls the hook for a user it found; an id it does not know changes nothing."""
    assert attempt(database, "00000000-0000-0000-0000-000000000000", valid=False) == {"decision": "continue"}


def test_only_supabase_auth_admin_may_run_the_hook(database, admin_conn):
    """F3: the hook is in schema public (where Supabase Auth looks for it), so it must not be an RPC."""
    for role in ("anon", "authenticated", "service_role"):
        assert admin_conn.execute("select has_function_privilege(%s, %s, 'execute') as ok", [role, HOOK]).fetchone()["ok"] is False, role
    assert admin_conn.execute("select has_function_privilege('supabase_auth_admin', %s, 'execute') as ok", [HOOK]).fetchone()["ok"]
    public_grants = admin_conn.execute(
        "select count(*) as n from pg_proc p, aclexplode(p.proacl) a where p.oid = %s::regprocedure and a.grantee = 0", [HOOK]
    ).fetchone()["n"]
    assert public_grants == 0
    with postgres.connect(database) as conn, conn.transaction():
        conn.execute("set local role authenticated")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select public.hook_password_verification_attempt('{}'::jsonb)")


def test_the_key_is_the_sha256_of_the_normalised_email(admin_conn):
    key = admin_conn.execute("select private.login_key(' Someone@Example.COM ') as k").fetchone()["k"]
    assert key == hashlib.sha256(b"someone@example.com").hexdigest()


def test_unknown_emails_lock_through_the_login_function(app_env, admin_conn, account):
    """F3: Supabase Auth runs no hook for an email without an account, so POST /auth/login counts
    it (an address that never locked would reveal it has no account); known accounts, which the
    hook counts, are not counted twice."""
    for _ in range(5):
        lockout.count_unknown_email_failure(" Nobody@Example.com ")
    with pytest.raises(AccountLocked) as raised:
        lockout.count_unknown_email_failure("nobody@example.com")
    assert 14 * 60 < raised.value.retry_after <= 15 * 60
    assert 14 * 60 < lockout.account_locked("NOBODY@example.com").retry_after <= 15 * 60
    _, email = account
    for _ in range(6):
        lockout.count_unknown_email_failure(email)
    assert lock_row(admin_conn, email) is None
